package dev.procpool.it;

import dev.procpool.it.fixtures.BuildInShutdownHookMain;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.ExtendWith;
import org.junit.jupiter.api.io.TempDir;

import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import java.util.concurrent.TimeUnit;
import java.util.stream.Stream;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

/**
 * A pool built while its JVM shuts down is refused with a message that says so, and the worker the pool starts at
 * once, before it is fully built, is ended and its folder removed.
 */
@ExtendWith(NoLeakedWorkers.class)
class BuildInShutdownHookTest {
    @Test
    void buildFromShutdownHook_refuses_leavingNoWorkerAndNoFolder(@TempDir Path tmp) throws Exception {
        Process jvm = new ProcessBuilder(FixtureJvm.command(List.of("-Djava.io.tmpdir=" + tmp),
                System.getProperty("java.class.path"), BuildInShutdownHookMain.class))
                .redirectErrorStream(true).start();
        String output = new String(jvm.getInputStream().readAllBytes());
        assertTrue(jvm.waitFor(60, TimeUnit.SECONDS), output);

        assertTrue(output.contains("REFUSED procpool: no pool can be built while the JVM shuts down"), output);
        assertTrue(output.contains("CHILDREN 0"), output);
        try (Stream<Path> left = Files.list(tmp)) {
            assertEquals(List.of(), left.filter(p -> p.getFileName().toString().startsWith("procpool-")).toList(), output);
        }
    }
}
