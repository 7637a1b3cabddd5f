package dev.procpool;

import dev.procpool.internal.executor.SharedFiles;

import java.io.InvalidObjectException;
import java.io.ObjectStreamException;
import java.io.Serializable;
import java.nio.ByteBuffer;
import java.nio.file.Path;
import java.util.Objects;

/**
 * Read-only bytes shared with tasks without a copy per task: a small handle, made by
 * {@link ProcessPoolExecutor#share(byte[])} and its overloads, that tasks capture instead of the data. The data is
 * in a file (written once in the pool's folder, or the caller's own file); every JVM that reads it, the workers and
 * this one, maps the file read-only once, and {@link #buffer()} returns a view of that mapping, so a task reading
 * 100 MB copies nothing and the handle travels in a few hundred bytes.
 *
 * <pre>{@code
 * try (SharedData model = pool.share(Path.of("model.bin"))) {
 *     List<Integer> scores = pool.map(x -> Scorer.score(model.buffer(), x), inputs);
 * }
 * }</pre>
 *
 * <p>The data is shared until {@link #close()} is called on the handle {@code share} returned, or the pool
 * terminates: then its file is deleted (a file given to {@link ProcessPoolExecutor#share(Path)} is left alone) and
 * {@link #buffer()} fails with {@link IllegalStateException}, in this JVM and in every worker; a task that captures
 * a closed handle is refused at {@code submit}. Views handed out earlier stay readable (on Linux and macOS: the
 * mapping outlives the file; on Windows the file is deleted when the pool terminates). A file shared in place must
 * not change while it is shared: tasks would see the change, or fail if it shrinks.
 *
 * <p>A {@link ByteBuffer} holds at most 2 GiB - 1 bytes: for a larger file, {@link #buffer()} fails and
 * {@link #buffer(long, int)} returns windows of it, each mapped on its own.
 *
 * <p>Thread-safe. A copy of the handle that came back from a worker (in a task's result) reads the same data, but
 * closing it only drops that JVM's mapping; only the handle {@code share} returned ends the sharing.
 */
public final class SharedData implements Serializable, AutoCloseable {
    private static final long serialVersionUID = 1L;

    /** The absolute path of the file holding the data. */
    private final String data;
    /** The absolute path of the lease, an empty file in the pool's folder that exists while the data is shared. */
    private final String lease;
    /** The size of the data in bytes. */
    private final long size;
    /** Whether the pool wrote the data file (and deletes it), or the caller's file was shared in place. */
    private final boolean poolWritten;
    /** The pool that made this handle; null in a copy (a worker's). */
    private final transient SharedFiles owner;
    private transient volatile boolean closed;

    SharedData(SharedFiles.Made made, boolean poolWritten, SharedFiles owner) {
        this.data = made.data().toString();
        this.lease = made.lease().toString();
        this.size = made.size();
        this.poolWritten = poolWritten;
        this.owner = owner;
    }

    /**
     * The number of bytes shared.
     *
     * @return the size in bytes, which may exceed what one {@link ByteBuffer} holds
     */
    public long size() {
        return size;
    }

    /**
     * All the shared bytes, as a read-only buffer at position 0 with limit {@link #size()}. Each call returns a new
     * view (its own position and limit, big-endian) of the one mapping this JVM keeps, so calls are cheap and
     * threads do not disturb each other.
     *
     * @return a read-only view of the data
     * @throws IllegalStateException if the data is no longer shared (the handle was closed or the pool terminated),
     *                               or is larger than 2 GiB - 1 bytes (use {@link #buffer(long, int)})
     */
    public ByteBuffer buffer() {
        if (size > Integer.MAX_VALUE) {
            throw new IllegalStateException("the shared data is " + size + " bytes, more than one ByteBuffer holds"
                    + " (2 GiB - 1): read it in windows with buffer(offset, length)");
        }
        return buffer(0, (int) size);
    }

    /**
     * Bytes {@code offset} to {@code offset + length} of the shared data, as a read-only buffer at position 0. For
     * data under 2 GiB the window is a view of the mapping this JVM keeps; for larger data each call maps the
     * window on its own (costing a system call), so take large windows.
     *
     * @param offset where the window starts, in bytes from the start of the data
     * @param length how many bytes it holds
     * @return a read-only view of the window
     * @throws IndexOutOfBoundsException if the window is not inside the data
     * @throws IllegalStateException     if the data is no longer shared (the handle was closed or the pool
     *                                   terminated)
     */
    public ByteBuffer buffer(long offset, int length) {
        Objects.checkFromIndexSize(offset, length, size);
        if (isClosedHere()) {
            throw new IllegalStateException(released());
        }
        return SharedFiles.view(Path.of(data), Path.of(lease), size, offset, length, released());
    }

    /**
     * Ends the sharing, if called on the handle that {@code share} returned: the data's file is deleted (a file
     * shared in place is kept), and later calls to {@link #buffer()} fail in this JVM and in every worker. Called
     * on a copy (in a task, say), it only drops this JVM's mapping. Idempotent.
     */
    @Override
    public void close() {
        closed = true;
        if (owner != null) {
            SharedFiles.release(Path.of(data), Path.of(lease), poolWritten);
        } else {
            SharedFiles.forget(Path.of(lease));
        }
    }

    private boolean isClosedHere() {
        return owner != null && (closed || owner.poolTerminated());
    }

    private String released() {
        return "this SharedData (" + size + " bytes" + (poolWritten ? "" : " of " + data) + ") is no longer shared:"
                + " its handle was closed or its pool terminated. Keep the handle open while tasks use it, or share"
                + " the data again.";
    }

    /**
     * A closed handle cannot travel: its task would only fail in the worker.
     *
     * @return this handle
     * @throws ObjectStreamException if the data is no longer shared
     */
    private Object writeReplace() throws ObjectStreamException {
        if (isClosedHere()) {
            throw new InvalidObjectException(released());
        }
        return this;
    }

    /**
     * A short description.
     *
     * @return the size, and the file when it was shared in place
     */
    @Override
    public String toString() {
        return "SharedData[" + size + " bytes" + (poolWritten ? "" : ", " + data)
                + (isClosedHere() ? ", closed" : "") + "]";
    }
}
