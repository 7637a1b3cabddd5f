package dev.procpool.it;

import dev.procpool.it.fixtures.BuildWithoutFlagsMain;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.ExtendWith;

import java.nio.file.Path;
import java.util.List;
import java.util.concurrent.TimeUnit;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

/** A parent JVM without the queue library's flags is told exactly which flags to add, and where. */
@ExtendWith(NoLeakedWorkers.class)
class MissingParentFlagsTest {
    @Test
    void buildInJvmWithoutFlags_refuses_namingEachFlagAndWhereToPutIt() throws Exception {
        String java = Path.of(System.getProperty("java.home"), "bin", "java").toString();
        Process jvm = new ProcessBuilder(List.of(java, "-cp", System.getProperty("java.class.path"),
                BuildWithoutFlagsMain.class.getName())).redirectErrorStream(true).start();
        String output = new String(jvm.getInputStream().readAllBytes());
        assertTrue(jvm.waitFor(60, TimeUnit.SECONDS));
        assertEquals(0, jvm.exitValue(), output);
        assertTrue(output.contains("REFUSED procpool needs this JVM to be started with: "
                + "--add-opens=java.base/java.lang.reflect=ALL-UNNAMED --add-exports=java.base/sun.nio.ch=ALL-UNNAMED "
                + "--add-exports=java.base/jdk.internal.ref=ALL-UNNAMED"), output);
        for (String where : List.of("JDK_JAVA_OPTIONS=", "<argLine>", "jvmArgs", "Add-Opens: java.base/java.lang.reflect",
                "Add-Exports: java.base/sun.nio.ch java.base/jdk.internal.ref")) {
            assertTrue(output.contains(where), "names " + where + ":\n" + output);
        }
    }
}
