package dev.procpool.internal.ipc;

import java.io.IOException;
import java.nio.file.FileStore;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.concurrent.TimeUnit;

/**
 * Checks that the disk under a queue can take the next message before it is written. A write into a mapped
 * page the disk cannot back is no exception but a SIGBUS (a fault the JVM turns into an {@code InternalError}
 * wherever it lands), so space is asked for first. Asking costs a system call, so it is done at most every
 * {@link #RECHECK_MS} ms while plenty is free, and on every message of {@link #ALWAYS_CHECK_BYTES} or more or
 * once free space nears {@link #RESERVE_BYTES}.
 * Another process can still fill the disk between two checks; {@link ChannelWriter} then turns the fault on the
 * mapping into the same refusal when the disk turns out to be short (the document is rolled back).
 * Used by one writer, under its lock.
 */
final class DiskSpace {
    /** Kept free beyond the message: Chronicle's index entries and the next block's first pages. */
    static final long RESERVE_BYTES = 8L << 20;
    static final long RECHECK_MS = 100;
    /** A message this large is checked every time: the system call costs little next to copying it. */
    static final long ALWAYS_CHECK_BYTES = 64L << 10;

    private final Path folder;
    private FileStore store;
    private long freeAtCheck = -1;
    private long checkedAtNs;
    private long writtenSinceCheck;

    DiskSpace(Path folder) {
        this.folder = folder;
    }

    /** Throws when fewer than {@code bytes} plus the reserve are free. */
    void require(long bytes) throws NoSpaceLeftException {
        long now = System.nanoTime();
        boolean stale = freeAtCheck < 0 || bytes >= ALWAYS_CHECK_BYTES
                || now - checkedAtNs > TimeUnit.MILLISECONDS.toNanos(RECHECK_MS)
                || writtenSinceCheck + bytes + RESERVE_BYTES > freeAtCheck / 2;
        if (stale) {
            freeAtCheck = usable();
            checkedAtNs = now;
            writtenSinceCheck = 0;
        }
        if (freeAtCheck >= 0 && freeAtCheck - writtenSinceCheck < bytes + RESERVE_BYTES) {
            freeAtCheck = usable(); // one more look before refusing: space may have come back
            checkedAtNs = now;
            writtenSinceCheck = 0;
            if (freeAtCheck >= 0 && freeAtCheck < bytes + RESERVE_BYTES) {
                throw NoSpaceLeftException.of(folder, freeAtCheck, bytes + RESERVE_BYTES, null);
            }
        }
        writtenSinceCheck += bytes;
    }

    /** Free bytes for this user, or -1 when the platform cannot tell (then nothing is refused). */
    private long usable() {
        try {
            if (store == null) {
                store = Files.getFileStore(folder);
            }
            return store.getUsableSpace();
        } catch (IOException | RuntimeException e) {
            return -1;
        }
    }
}
