package dev.procpool.internal.ipc;

import org.junit.jupiter.api.RepeatedTest;
import org.junit.jupiter.api.io.TempDir;

import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import java.util.concurrent.TimeUnit;
import java.util.stream.Stream;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

/** The build folder {@link ChronicleSettings} makes for Chronicle's start goes, even when the JVM exits meanwhile. */
class ChronicleBuildFolderTest {
    @TempDir
    Path temp;

    @RepeatedTest(3)
    void jvmExitsWhileChronicleStarts_itsBuildFolderIsStillRemoved() throws Exception {
        Path java = Path.of(System.getProperty("java.home"), "bin", "java");
        ProcessBuilder builder = new ProcessBuilder(java.toString(), "-Djava.io.tmpdir=" + temp,
                "--add-opens=java.base/java.lang.reflect=ALL-UNNAMED", "--add-exports=java.base/sun.nio.ch=ALL-UNNAMED",
                "--add-exports=java.base/jdk.internal.ref=ALL-UNNAMED", "-cp", System.getProperty("java.class.path"),
                ExitDuringChronicleStart.class.getName());
        builder.environment().remove("JDK_JAVA_OPTIONS");
        builder.environment().remove("JAVA_TOOL_OPTIONS");
        builder.redirectError(ProcessBuilder.Redirect.DISCARD);
        Process child = builder.start();
        try {
            String output = new String(child.getInputStream().readAllBytes(), StandardCharsets.UTF_8);
            assertTrue(child.waitFor(60, TimeUnit.SECONDS), "the child JVM did not exit");
            assertEquals("SEEN", output.strip(), "the JVM exited while the folder existed");
            try (Stream<Path> left = Files.list(temp)) {
                assertEquals(List.of(), left.toList(), "left in the temp folder");
            }
        } finally {
            child.destroyForcibly();
        }
    }
}
