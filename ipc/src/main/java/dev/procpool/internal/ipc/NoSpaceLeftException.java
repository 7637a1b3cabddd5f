package dev.procpool.internal.ipc;

import java.io.IOException;
import java.nio.file.FileStore;
import java.nio.file.Files;
import java.nio.file.Path;

/**
 * The disk that holds a queue has too little space left for a message: thrown before anything is written, so
 * that no reader ever sees a half-written message (and no write faults on a mapped page the disk cannot back).
 * Says where, how much is free and how much was needed, and how to fix it.
 */
public final class NoSpaceLeftException extends IOException {
    private static final long serialVersionUID = 1L;

    NoSpaceLeftException(String message, Throwable cause) {
        super(message, cause);
    }

    /** The exception for {@code folder}, where {@code neededBytes} were needed and {@code freeBytes} are free. */
    static NoSpaceLeftException of(Path folder, long freeBytes, long neededBytes, Throwable cause) {
        return new NoSpaceLeftException("the disk holding the pool's folder is full: " + folder + " (" + storeName(folder)
                + ") has " + megabytes(freeBytes) + " free, " + megabytes(neededBytes) + " were needed. Free some space "
                + "there, or start the JVM with -Djava.io.tmpdir=<a folder on a larger disk> (the pool keeps its "
                + "queues under java.io.tmpdir); the pool carries on once space returns", cause);
    }

    /**
     * The exception for {@code folder} when its disk has fewer than {@code neededBytes} plus a reserve free, or
     * when {@code cause} (the operating system's own word that the disk is full) is given; otherwise null.
     */
    public static NoSpaceLeftException check(Path folder, long neededBytes, Throwable cause) {
        long free;
        try {
            free = Files.getFileStore(folder).getUsableSpace();
        } catch (IOException | RuntimeException e) {
            free = -1;
        }
        long needed = neededBytes + DiskSpace.RESERVE_BYTES;
        if (cause != null || (free >= 0 && free < needed)) {
            return of(folder, Math.max(free, 0), needed, cause);
        }
        return null;
    }

    /** Whether {@code e} is the operating system saying the disk is full (ENOSPC, or Windows' ERROR_DISK_FULL). */
    public static boolean isDiskFull(Throwable e) {
        for (Throwable t = e; t != null; t = t.getCause()) {
            if (t instanceof NoSpaceLeftException) {
                return true;
            }
            String message = t.getMessage();
            if (message != null && (message.contains("No space left on device") || message.contains("not enough space on the disk"))) {
                return true;
            }
        }
        return false;
    }

    private static String storeName(Path folder) {
        try {
            FileStore store = Files.getFileStore(folder);
            return "file system " + store.name() + ", " + store.type();
        } catch (IOException | RuntimeException e) {
            return "file system unknown";
        }
    }

    private static String megabytes(long bytes) {
        return String.format(java.util.Locale.ROOT, "%.1f MB", bytes / 1e6);
    }
}
