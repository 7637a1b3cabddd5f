package dev.procpool.it.packaging;

import dev.procpool.it.NoLeakedWorkers;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.ExtendWith;
import org.junit.jupiter.api.io.TempDir;

import java.nio.file.Path;
import java.util.List;

import static org.junit.jupiter.api.Assertions.assertEquals;

/** An application shaded into one jar with procpool and all its dependencies (module shaded-app), started with java -jar. */
@ExtendWith(NoLeakedWorkers.class)
class ShadedJarTest {
    @TempDir
    Path temp;

    @Test
    void shadedJar_flagsInManifest_runsTasks() throws Exception {
        Path jar = AppJvm.builtJar("procpool.it.shadedJar");

        AppJvm.Run run = AppJvm.run(List.of(AppJvm.java(),
                "-Dprocpool.internal.classDataCache=" + System.getProperty("procpool.internal.classDataCache"),
                "-jar", jar.toString()), temp);

        run.assertCleanExit();
        assertEquals("42", run.value("LAMBDA"));
        assertEquals("[1, 4, 9]", run.value("MAP"));
    }
}
