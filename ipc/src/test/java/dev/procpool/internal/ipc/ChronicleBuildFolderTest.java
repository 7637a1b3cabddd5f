package dev.procpool.internal.ipc;

import org.junit.jupiter.api.RepeatedTest;
import org.junit.jupiter.api.io.TempDir;

import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
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
        List<String> options = new ArrayList<>(ChronicleFlags.forJavaVersion(Runtime.version().feature()));
        options.add("-Djava.io.tmpdir=" + temp);
        Process child = ChildJvm.start(options, ExitDuringChronicleStart.class);
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
