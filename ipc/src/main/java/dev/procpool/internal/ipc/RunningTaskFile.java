package dev.procpool.internal.ipc;

import java.io.IOException;
import java.nio.ByteBuffer;
import java.nio.MappedByteBuffer;
import java.nio.channels.FileChannel;
import java.nio.file.Path;
import java.nio.file.StandardOpenOption;

/**
 * Eight bytes of shared memory in which a worker keeps the id of the task it is running (0 between tasks).
 * After a worker dies the parent reads it to blame exactly the task that was running, and no task that was
 * merely queued behind it. While the worker lives, the parent reads it too ({@link #openForReading}) to learn
 * when a task starts, which drives time limits and cancellation. A plain memory write per task: no message, no
 * system call. Written by the worker's task thread; read by the parent's scheduler thread.
 */
public final class RunningTaskFile {
    static final String NAME = "running-task";

    private final MappedByteBuffer slot;

    private RunningTaskFile(MappedByteBuffer slot) {
        this.slot = slot;
    }

    public static RunningTaskFile create(Path folder) throws IOException {
        try (FileChannel channel = FileChannel.open(folder.resolve(NAME),
                StandardOpenOption.CREATE, StandardOpenOption.READ, StandardOpenOption.WRITE)) {
            return new RunningTaskFile(channel.map(FileChannel.MapMode.READ_WRITE, 0, Long.BYTES));
        }
    }

    public void set(long taskId) {
        slot.putLong(0, taskId);
    }

    /** The parent's live view of a worker's slot; the worker creates the file before its handshake. */
    public static RunningTaskFile openForReading(Path folder) throws IOException {
        try (FileChannel channel = FileChannel.open(folder.resolve(NAME), StandardOpenOption.READ)) {
            return new RunningTaskFile(channel.map(FileChannel.MapMode.READ_ONLY, 0, Long.BYTES));
        }
    }

    /** The task running now, or 0. */
    public long get() {
        return slot.getLong(0);
    }

    /** The task the worker was running when it stopped, or 0 if none (or it never wrote the file). */
    public static long read(Path folder) {
        try (FileChannel channel = FileChannel.open(folder.resolve(NAME), StandardOpenOption.READ)) {
            ByteBuffer buffer = ByteBuffer.allocate(Long.BYTES);
            while (buffer.hasRemaining() && channel.read(buffer) >= 0) {
                // read all eight bytes
            }
            return buffer.hasRemaining() ? 0 : buffer.getLong(0);
        } catch (IOException e) {
            return 0;
        }
    }
}
