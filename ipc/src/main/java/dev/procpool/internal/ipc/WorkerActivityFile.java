package dev.procpool.internal.ipc;

import java.io.IOException;
import java.lang.invoke.MethodHandles;
import java.lang.invoke.VarHandle;
import java.nio.ByteBuffer;
import java.nio.ByteOrder;
import java.nio.MappedByteBuffer;
import java.nio.channels.FileChannel;
import java.nio.file.Path;
import java.nio.file.StandardOpenOption;

/**
 * What a worker is doing, in sixteen bytes of memory shared with its parent: which task it runs, and whether
 * it sleeps.
 * <pre>
 *   0                    8                    16
 *   +--------------------+--------------------+
 *   | running task id    | sleeping (0 or 1)  |
 *   +--------------------+--------------------+
 * </pre>
 * The worker keeps in it the id of the task it is running (0 between tasks). After a worker dies the parent
 * reads it to blame exactly the task that was running, and no task merely queued behind it; while the worker
 * lives, the parent reads it to learn when a task starts, which drives time limits and cancellation. A plain
 * memory write per task: no message, no system call.
 *
 * <p>The second word lets an idle worker sleep without polling: it sets the flag, looks at its queue once more,
 * and parks; the parent, after writing to that queue, reads the flag and, if set, wakes the worker through its
 * control pipe. Both sides put a full fence between their write and their read, so one of them always sees the
 * other. Written by the worker's task thread; read by the parent's scheduler thread.
 */
public final class WorkerActivityFile {
    static final String NAME = "activity";
    private static final int SIZE = 16;
    private static final int TASK = 0;
    private static final int SLEEPING = 8;
    private static final VarHandle LONGS = MethodHandles.byteBufferViewVarHandle(long[].class, ByteOrder.nativeOrder());

    private final MappedByteBuffer words;
    /** A read faulted; see {@link #isBroken}. Reader's thread only. */
    private boolean broken;

    private WorkerActivityFile(MappedByteBuffer words) {
        this.words = words;
    }

    public static WorkerActivityFile create(Path folder) throws IOException {
        try (FileChannel channel = FileChannel.open(folder.resolve(NAME),
                StandardOpenOption.CREATE, StandardOpenOption.READ, StandardOpenOption.WRITE)) {
            return new WorkerActivityFile(channel.map(FileChannel.MapMode.READ_WRITE, 0, SIZE));
        }
    }

    /**
     * The parent's live view of a worker's activity; the worker creates the file before its handshake.
     *
     * @throws IOException when the file is missing or shorter than the slot (mapping it would fault on reading)
     */
    public static WorkerActivityFile openForReading(Path folder) throws IOException {
        try (FileChannel channel = FileChannel.open(folder.resolve(NAME), StandardOpenOption.READ)) {
            if (channel.size() < SIZE) {
                throw new IOException(folder.resolve(NAME) + " holds " + channel.size() + " bytes, not " + SIZE);
            }
            return new WorkerActivityFile(channel.map(FileChannel.MapMode.READ_ONLY, 0, SIZE));
        }
    }

    /**
     * True once a read of the parent's view faulted: the worker's file was truncated under the mapping (a task
     * can do that), so it tells nothing more, and the worker must be replaced.
     */
    public boolean isBroken() {
        return broken;
    }

    /** Worker: the task it starts now, or 0 once its answer is written. */
    public void setRunningTask(long taskId) {
        LONGS.setRelease(words, TASK, taskId);
    }

    /** The task running now, or 0; 0 too once the file is {@linkplain #isBroken() broken}. */
    public long runningTask() {
        if (broken) {
            return 0;
        }
        try {
            return (long) LONGS.getAcquire(words, TASK);
        } catch (InternalError truncated) {
            broken = true;
            return 0;
        }
    }

    /** Worker: announce (or end) sleep; a full fence follows, so the re-check of the queue comes after it. */
    public void setSleeping(boolean sleeping) {
        LONGS.setVolatile(words, SLEEPING, sleeping ? 1L : 0L);
        VarHandle.fullFence();
    }

    /** Parent: call after writing to the worker's queue; true means the worker must be woken. */
    public boolean isSleeping() {
        VarHandle.fullFence();
        if (broken) {
            return false;
        }
        try {
            return (long) LONGS.getVolatile(words, SLEEPING) != 0;
        } catch (InternalError truncated) {
            broken = true;
            return false;
        }
    }

    /** The task the worker was running when it stopped, or 0 if none (or it never wrote the file). */
    public static long readRunningTask(Path folder) {
        try (FileChannel channel = FileChannel.open(folder.resolve(NAME), StandardOpenOption.READ)) {
            ByteBuffer buffer = ByteBuffer.allocate(Long.BYTES).order(ByteOrder.nativeOrder());
            while (buffer.hasRemaining() && channel.read(buffer) >= 0) {
                // read the first eight bytes
            }
            return buffer.hasRemaining() ? 0 : buffer.getLong(0);
        } catch (IOException e) {
            return 0;
        }
    }
}
