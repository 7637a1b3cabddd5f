package dev.procpool.internal.ipc;

import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;

import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.util.List;
import java.util.concurrent.TimeUnit;

import static org.awaitility.Awaitility.await;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

class ChronicleAccessTest {

    @AfterEach
    void noChildProcessOutlivesTest() {
        await("child processes to end").atMost(Duration.ofSeconds(5))
                .until(() -> ProcessHandle.current().descendants().noneMatch(ProcessHandle::isAlive));
    }

    @Test
    void missingFlags_jvmWithFlags_empty() {
        // Surefire's argLine gives this JVM the flags
        assertEquals(List.of(), ChronicleAccess.missingFlags());
    }

    @Test
    void missingFlags_jvmWithoutFlags_namesExactlyTheThree() throws Exception {
        Process child = ChildJvm.start(List.of(), PrintMissingFlags.class);
        try {
            String output = new String(child.getInputStream().readAllBytes(), StandardCharsets.UTF_8);
            assertTrue(child.waitFor(30, TimeUnit.SECONDS), "the child JVM did not exit");
            assertEquals(0, child.exitValue());
            assertEquals(List.of(
                    "--add-opens=java.base/java.lang.reflect=ALL-UNNAMED",
                    "--add-exports=java.base/sun.nio.ch=ALL-UNNAMED",
                    "--add-exports=java.base/jdk.internal.ref=ALL-UNNAMED"), output.lines().toList());
        } catch (IOException | RuntimeException | Error e) {
            child.destroyForcibly();
            throw e;
        }
    }
}
