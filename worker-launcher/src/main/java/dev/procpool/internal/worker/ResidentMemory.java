package dev.procpool.internal.worker;

import dev.procpool.internal.launcher.Platform;
import dev.procpool.internal.launcher.Platform.Os;

import java.io.IOException;
import java.io.InputStream;
import java.nio.charset.Charset;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import java.util.concurrent.TimeUnit;

/**
 * This worker's resident set size, read the way its OS tells it ({@link Platform#residentSizeCommand}): a file
 * on Linux, {@code ps} or {@code tasklist} elsewhere, started without a shell. Readings that cost a process
 * start are reused for {@link Platform#residentSizeMaxAgeNs}. Task thread only.
 */
final class ResidentMemory {
    private static final long COMMAND_TIMEOUT_S = 10;

    private final Os os;
    private final long pid;
    private final long maxAgeNs;
    private long readAtNs;
    private long bytes = -1;

    ResidentMemory(Os os, long pid) {
        this.os = os;
        this.pid = pid;
        this.maxAgeNs = Platform.residentSizeMaxAgeNs(os);
    }

    static ResidentMemory ofThisProcess() {
        return new ResidentMemory(Platform.current(), ProcessHandle.current().pid());
    }

    /** The resident size in bytes, or 0 when the OS does not tell it, so that only the heap counts. */
    long bytes() {
        long now = System.nanoTime();
        if (bytes < 0 || now - readAtNs >= maxAgeNs) {
            long read = read();
            if (read >= 0 || bytes < 0) {
                bytes = read;
            }
            readAtNs = now;
        }
        return Math.max(bytes, 0);
    }

    private long read() {
        try {
            List<String> command = Platform.residentSizeCommand(os, pid);
            if (command == null) {
                return Platform.parseResidentSize(os, Files.readString(Path.of("/proc/self/status")));
            }
            return Platform.parseResidentSize(os, run(command));
        } catch (IOException | RuntimeException e) {
            return -1;
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            return -1;
        }
    }

    /** Its standard output, or null if it did not end well within the timeout. */
    private static String run(List<String> command) throws IOException, InterruptedException {
        Process process = new ProcessBuilder(command).redirectError(ProcessBuilder.Redirect.DISCARD).start();
        process.getOutputStream().close();
        try (InputStream out = process.getInputStream()) {
            byte[] printed = out.readNBytes(64 * 1024); // one line is expected; do not trust the size
            if (!process.waitFor(COMMAND_TIMEOUT_S, TimeUnit.SECONDS) || process.exitValue() != 0) {
                return null;
            }
            return new String(printed, Charset.defaultCharset());
        } finally {
            process.destroyForcibly();
        }
    }
}
