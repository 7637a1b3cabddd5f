package dev.procpool.it;

import dev.procpool.ProcessPoolExecutor;
import dev.procpool.it.fixtures.ReversingTask;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;
import org.junit.jupiter.api.extension.ExtendWith;

import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayDeque;
import java.util.List;
import java.util.concurrent.Future;
import java.util.concurrent.TimeUnit;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;
import static org.junit.jupiter.api.Assumptions.assumeTrue;

/**
 * A queue keeps what travels through it until its cycle rolls: sustained traffic of large inline arguments
 * must not grow the pool folder with it (on a tmpfs {@code /tmp}, that is memory).
 */
@ExtendWith(NoLeakedWorkers.class)
@Timeout(300)
class QueueDiskUseTest {
    private static final int PAYLOAD_BYTES = 900 * 1024;
    private static final long TRAFFIC_MS = 8_000;
    private static final long BOUND_BYTES = 96L << 20;

    @Test
    void sustained900KbArguments_poolFolderStaysUnder96Mb() throws Exception {
        assumeTrue(Files.isDirectory(Path.of("/proc")) && duWorks(), "measures allocated disk with du (Linux)");
        byte[] input = new byte[PAYLOAD_BYTES];
        for (int i = 0; i < input.length; i++) {
            input[i] = (byte) i;
        }
        byte[] expected = new ReversingTask(input).call();
        long maxBytes = 0;
        long bytesSent = 0;
        try (ProcessPoolExecutor pool = Pools.quietPool(1).build()) {
            Pools.awaitReadyWorkers(pool, 1);
            ArrayDeque<Future<byte[]>> inFlight = new ArrayDeque<>();
            long endNs = System.nanoTime() + TimeUnit.MILLISECONDS.toNanos(TRAFFIC_MS);
            int submitted = 0;
            while (System.nanoTime() - endNs < 0) {
                while (inFlight.size() < 8) {
                    inFlight.add(pool.submit(new ReversingTask(input)));
                    submitted++;
                    bytesSent += PAYLOAD_BYTES;
                }
                assertArrayEquals(expected, Pools.valueOf(inFlight.poll()));
                if (submitted % 8 == 0) {
                    maxBytes = Math.max(maxBytes, allocatedBytes(NoLeakedWorkers.poolFolders()));
                }
            }
            for (Future<byte[]> future : inFlight) {
                assertArrayEquals(expected, Pools.valueOf(future));
            }
            maxBytes = Math.max(maxBytes, allocatedBytes(NoLeakedWorkers.poolFolders()));
        }
        System.out.printf("900 KB arguments and results for %d s: %.0f MB each way, pool folder at most %.1f MB%n",
                TRAFFIC_MS / 1000, bytesSent / 1e6, maxBytes / 1e6);
        assertTrue(bytesSent > 2 * BOUND_BYTES, "enough traffic to tell: " + bytesSent + " bytes");
        assertTrue(maxBytes < BOUND_BYTES, "the pool folder used " + maxBytes + " bytes of disk");
    }

    private static boolean duWorks() {
        try {
            return allocatedBytes(List.of(Path.of(System.getProperty("java.io.tmpdir")).toRealPath())) >= 0;
        } catch (IOException e) {
            return false;
        }
    }

    /** The disk the folders use, as {@code du} counts it (Chronicle's files are sparse: their length says little). */
    private static long allocatedBytes(List<Path> folders) throws IOException {
        if (folders.isEmpty()) {
            return 0;
        }
        List<String> command = new java.util.ArrayList<>(List.of("du", "-sk", "-c"));
        folders.forEach(f -> command.add(f.toString()));
        Process du = new ProcessBuilder(command).redirectError(ProcessBuilder.Redirect.DISCARD).start();
        String out = new String(du.getInputStream().readAllBytes(), StandardCharsets.UTF_8);
        try {
            du.waitFor(30, TimeUnit.SECONDS);
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
        }
        String total = out.lines().reduce((a, b) -> b).orElse("0\ttotal").split("\\s+")[0];
        return Long.parseLong(total) * 1024;
    }
}
