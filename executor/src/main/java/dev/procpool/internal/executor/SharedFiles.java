package dev.procpool.internal.executor;

import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.ByteBuffer;
import java.nio.MappedByteBuffer;
import java.nio.channels.FileChannel;
import java.nio.file.Files;
import java.nio.file.NoSuchFileException;
import java.nio.file.Path;
import java.nio.file.StandardOpenOption;
import java.util.Map;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.atomic.AtomicLong;
import java.util.function.BooleanSupplier;

/**
 * The files behind {@code SharedData}: written once in the pool's folder by the parent, mapped read-only by every
 * JVM that reads them, one mapping per JVM. Each shared value has a lease, an empty file in the pool's folder whose
 * presence says the value is still shared: a worker checks it before handing out a view, so a released value fails
 * the same way on every OS (Windows refuses to delete a file that a process maps; the lease is never mapped).
 * Instances (one per pool) are used by the threads that call {@code share}; the static mapping cache by any thread,
 * in the parent and in workers.
 */
public final class SharedFiles {
    /** Mappings of this JVM, by lease path. */
    private static final Map<String, MappedByteBuffer> MAPPINGS = new ConcurrentHashMap<>();

    private final Path folder;
    private final BooleanSupplier poolTerminated;
    private final AtomicLong lastNumber = new AtomicLong();

    /** What {@link #write} or {@link #inPlace} made: the data file, its lease, and the data's size in bytes. */
    public record Made(Path data, Path lease, long size) {
    }

    /** {@code folder}: the pool's own; {@code poolTerminated}: whether the pool has removed it. */
    public SharedFiles(Path folder, BooleanSupplier poolTerminated) {
        this.folder = folder;
        this.poolTerminated = poolTerminated;
    }

    /** True once the pool has terminated and removed its folder, and with it every shared file it wrote. */
    public boolean poolTerminated() {
        return poolTerminated.getAsBoolean();
    }

    /** Writes the bytes from {@code source}'s position to its limit (leaving its position as it was) to a new file. */
    public Made write(ByteBuffer source) {
        long number = lastNumber.incrementAndGet();
        Path data = folder.resolve("shared-" + number + ".data");
        Path lease = folder.resolve("shared-" + number + ".lease");
        ByteBuffer bytes = source.duplicate();
        long size = bytes.remaining();
        try (FileChannel out = FileChannel.open(data, StandardOpenOption.CREATE_NEW, StandardOpenOption.WRITE)) {
            while (bytes.hasRemaining()) {
                out.write(bytes);
            }
            Files.createFile(lease);
        } catch (IOException e) {
            deleteQuietly(lease);
            deleteQuietly(data);
            throw new UncheckedIOException("cannot write " + size + " bytes of shared data to " + data
                    + " (is the temp file system full?): " + e, e);
        }
        return new Made(data, lease, size);
    }

    /** Shares {@code file} where it is: only a lease is created. */
    public Made inPlace(Path file) {
        Path data;
        long size;
        try {
            data = file.toRealPath();
            if (!Files.isRegularFile(data)) {
                throw new IllegalArgumentException("cannot share " + file + ": it is not a regular file");
            }
            size = Files.size(data);
            try (FileChannel probe = FileChannel.open(data, StandardOpenOption.READ)) {
                // opened once here, so that a file this JVM cannot read is refused at share(), not in every task
                probe.size();
            }
        } catch (NoSuchFileException e) {
            throw new IllegalArgumentException("cannot share " + file + ": no such file", e);
        } catch (IOException e) {
            throw new UncheckedIOException("cannot share " + file + ": cannot open it for reading: " + e, e);
        }
        Path lease = folder.resolve("shared-" + lastNumber.incrementAndGet() + ".lease");
        try {
            Files.createFile(lease);
        } catch (IOException e) {
            throw new UncheckedIOException("cannot create " + lease + " to share " + file + ": " + e, e);
        }
        return new Made(data, lease, size);
    }

    /**
     * Ends sharing: removes the lease (from now on no JVM hands out a view), drops this JVM's mapping, and removes
     * the data file if the pool wrote it. Where the OS refuses to delete a file some process still maps (Windows),
     * the file stays until the pool removes its folder.
     */
    public static void release(Path data, Path lease, boolean poolWritten) {
        deleteQuietly(lease);
        MAPPINGS.remove(lease.toString());
        if (poolWritten) {
            deleteQuietly(data);
        }
    }

    /** Drops this JVM's mapping of the value with {@code lease}, if any; the data stays shared. */
    public static void forget(Path lease) {
        MAPPINGS.remove(lease.toString());
    }

    /**
     * A read-only view of bytes {@code offset} to {@code offset + length} of {@code data}, from this JVM's one
     * mapping of it (made on first use) when the data is under 2 GiB, else from a mapping of that window alone.
     *
     * @throws IllegalStateException if the lease is gone: the value was released or its pool closed
     */
    public static ByteBuffer view(Path data, Path lease, long size, long offset, int length, String released) {
        if (!Files.exists(lease)) {
            MAPPINGS.remove(lease.toString());
            throw new IllegalStateException(released);
        }
        try {
            if (size <= Integer.MAX_VALUE) {
                MappedByteBuffer whole = MAPPINGS.get(lease.toString());
                if (whole == null) {
                    dropReleased();
                    whole = MAPPINGS.computeIfAbsent(lease.toString(), key -> map(data, 0, size));
                }
                return whole.slice((int) offset, length).asReadOnlyBuffer();
            }
            return map(data, offset, length);
        } catch (UncheckedIOException e) {
            if (!Files.exists(lease)) { // released while this JVM mapped it
                throw new IllegalStateException(released, e);
            }
            throw e;
        }
    }

    private static MappedByteBuffer map(Path data, long offset, long length) {
        try (FileChannel in = FileChannel.open(data, StandardOpenOption.READ)) {
            return in.map(FileChannel.MapMode.READ_ONLY, offset, length); // stays valid after the channel closes
        } catch (IOException e) {
            throw new UncheckedIOException("cannot map the shared data in " + data + ": " + e, e);
        }
    }

    /** Forgets the mappings of values released since, so that their memory can go once nothing uses them. */
    private static void dropReleased() {
        MAPPINGS.keySet().removeIf(lease -> !Files.exists(Path.of(lease)));
    }

    private static void deleteQuietly(Path file) {
        try {
            Files.deleteIfExists(file);
        } catch (IOException e) {
            // mapped by a live process on Windows: the pool removes its folder when it terminates
        }
    }
}
