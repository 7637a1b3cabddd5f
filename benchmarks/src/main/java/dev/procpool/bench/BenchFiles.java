package dev.procpool.bench;

import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Comparator;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.locks.LockSupport;

/** The files through which tasks tell the harness what happened in a worker, and their clean-up. */
final class BenchFiles {
    private static final long WAIT_S = 60;

    private BenchFiles() {
    }

    /** Waits for a task to write its worker's pid to {@code file} (it moves the file into place whole). */
    static long awaitPid(Path file) throws IOException {
        long deadline = System.nanoTime() + TimeUnit.SECONDS.toNanos(WAIT_S);
        while (!Files.exists(file)) {
            if (System.nanoTime() > deadline) {
                throw new IllegalStateException("no task wrote " + file + " within " + WAIT_S + " s");
            }
            LockSupport.parkNanos(TimeUnit.MILLISECONDS.toNanos(1));
        }
        return Long.parseLong(Files.readString(file, StandardCharsets.US_ASCII).trim());
    }

    static void deleteTree(Path dir) throws IOException {
        try (var paths = Files.walk(dir)) {
            for (Path path : paths.sorted(Comparator.reverseOrder()).toList()) {
                Files.deleteIfExists(path);
            }
        }
    }
}
