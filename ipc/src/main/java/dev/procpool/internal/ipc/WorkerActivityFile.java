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
 * What a worker is doing, in 32 bytes of memory shared with its parent: which task it runs, whether it
 * sleeps, how often it went to sleep finding its queue empty, and whether its parent waits for a ring.
 * <pre>
 *   0                    8                    16                   24                   32
 *   +--------------------+--------------------+--------------------+--------------------+
 *   | running task id    | sleeping (0 or 1)  | empty sleeps       | ring wanted (0, 1) |
 *   +--------------------+--------------------+--------------------+--------------------+
 * </pre>
 * The worker keeps in it the id of the task it is running (0 between tasks). After a worker dies the parent
 * reads it to blame exactly the task that was running, and no task merely queued behind it; while the worker
 * lives, the parent reads it to learn when a task starts, which drives time limits and cancellation. A plain
 * memory write per task: no message, no system call.
 *
 * <p>The second word lets an idle worker sleep without polling: it sets the flag, looks at its queue once more,
 * and parks; the parent, after writing to that queue, reads the flag and, if set, wakes the worker through its
 * control pipe. Both sides put a full fence between their write and their read, so one of them always sees the
 * other (the parent's read is a system call, itself a fence). Written by the worker's task thread; read by the
 * parent's scheduler thread.
 *
 * <p>The third word counts the sleeps begun with nothing found in the queue: a worker that keeps sleeping while
 * its parent has sent it tasks cannot read that queue, whereas one that is merely not scheduled on a busy
 * machine does not count at all, so the parent never mistakes a slow worker for a stuck one.
 *
 * <p>The fourth word is the second one the other way round, and the only word the parent writes: a parent
 * whose workers are all busy sets it in each, looks at their results queues once more, and parks; a worker,
 * after writing to its results queue, reads it and, if set, clears it and rings its start-up lane, which the
 * parent keeps open as a doorbell once the queues are in use ({@link Lane#ring}). The same full fences make
 * one side see the other. So a parent waiting for tasks of seconds wakes when one ends, not a thousand times a
 * second to look.
 */
public final class WorkerActivityFile implements AutoCloseable {
    static final String NAME = "activity";
    static final int SIZE = 32;
    private static final int TASK = 0;
    private static final int SLEEPING = 8;
    private static final int EMPTY_SLEEPS = 16;
    private static final int RING_WANTED = 24;
    private static final VarHandle LONGS = MethodHandles.byteBufferViewVarHandle(long[].class, ByteOrder.nativeOrder());

    /** The worker's writable mapping; null in the parent's view. */
    private final MappedByteBuffer words;
    /** The parent's view: positional reads and writes, never mapped (see {@link #openParentView}). */
    private final FileChannel view;
    private final ByteBuffer word = ByteBuffer.allocateDirect(Long.BYTES).order(ByteOrder.nativeOrder());
    /** A read found the file short or unreadable; see {@link #isBroken}. Reader's thread only. */
    private boolean broken;

    private WorkerActivityFile(MappedByteBuffer words, FileChannel view) {
        this.words = words;
        this.view = view;
    }

    public static WorkerActivityFile create(Path folder) throws IOException {
        try (FileChannel channel = FileChannel.open(folder.resolve(NAME),
                StandardOpenOption.CREATE, StandardOpenOption.READ, StandardOpenOption.WRITE)) {
            return new WorkerActivityFile(channel.map(FileChannel.MapMode.READ_WRITE, 0, SIZE), null);
        }
    }

    /**
     * The parent's live view of a worker's activity; the worker creates the file before its handshake. The
     * parent reads (and writes) the file with positional reads, not through a mapping: the worker (a task in it)
     * can truncate the file, and a read of a truncated mapping faults asynchronously, anywhere in the code that
     * follows, which no {@code catch} at the read can contain. A read of a truncated file comes back short.
     *
     * @throws IOException when the file is missing or shorter than the slot
     */
    public static WorkerActivityFile openParentView(Path folder) throws IOException {
        FileChannel channel = FileChannel.open(folder.resolve(NAME), StandardOpenOption.READ, StandardOpenOption.WRITE);
        try {
            if (channel.size() < SIZE) {
                throw new IOException(folder.resolve(NAME) + " holds " + channel.size() + " bytes, not " + SIZE);
            }
            return new WorkerActivityFile(null, channel);
        } catch (IOException | RuntimeException e) {
            channel.close();
            throw e;
        }
    }

    /**
     * True once a read of the parent's view found the file short or unreadable: the worker's file was truncated
     * (a task can do that), so it tells nothing more, and the worker must be replaced.
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
        return words != null ? (long) LONGS.getAcquire(words, TASK) : read(TASK);
    }

    /** Worker: announce (or end) sleep; a full fence follows, so the re-check of the queue comes after it. */
    public void setSleeping(boolean sleeping) {
        LONGS.setVolatile(words, SLEEPING, sleeping ? 1L : 0L);
        VarHandle.fullFence();
    }

    /** Parent: call after writing to the worker's queue; true means the worker must be woken. */
    public boolean isSleeping() {
        VarHandle.fullFence();
        return (words != null ? (long) LONGS.getVolatile(words, SLEEPING) : read(SLEEPING)) != 0;
    }

    /**
     * Worker: it announced sleep, looked at its queue once more and found nothing. A worker that keeps doing
     * this while the parent has sent it tasks cannot read its queue; a worker that is merely not scheduled (a
     * busy machine) does not do it at all. Single writer: the task thread.
     */
    public void countEmptySleep() {
        LONGS.setRelease(words, EMPTY_SLEEPS, (long) LONGS.get(words, EMPTY_SLEEPS) + 1);
    }

    /** How many times the worker went to sleep finding nothing in its queue; see {@link #countEmptySleep}. */
    public long emptySleeps() {
        return words != null ? (long) LONGS.getAcquire(words, EMPTY_SLEEPS) : read(EMPTY_SLEEPS);
    }

    /**
     * Parent, before it parks while the worker computes: asks the worker to ring once it has written to its
     * results queue. A full fence follows, so the parent's last look at that queue comes after it. False, and
     * nothing asked, once the file is {@linkplain #isBroken() broken} (a write must not lengthen a file a task
     * cut short, which would hide that it was).
     */
    public boolean wantRing() {
        if (broken) {
            return false;
        }
        try {
            if (view.size() < SIZE) {
                broken = true;
                return false;
            }
            word.clear();
            word.putLong(0, 1L);
            while (word.hasRemaining()) {
                view.write(word, RING_WANTED + word.position());
            }
        } catch (IOException e) {
            broken = true;
            return false;
        }
        VarHandle.fullFence();
        return true;
    }

    /**
     * Worker, after each write to its results queue: true, once per {@link #wantRing}, when the parent waits
     * for a ring. The full fence first puts the queue write before the read.
     */
    public boolean takeRingWanted() {
        VarHandle.fullFence();
        return (long) LONGS.getVolatile(words, RING_WANTED) != 0 && LONGS.compareAndSet(words, RING_WANTED, 1L, 0L);
    }

    /** One word of the parent's view, or 0 once the file is short or unreadable. */
    private long read(int offset) {
        if (broken) {
            return 0;
        }
        try {
            word.clear();
            while (word.hasRemaining()) {
                if (view.read(word, offset + word.position()) <= 0) {
                    broken = true;
                    return 0;
                }
            }
            return word.getLong(0);
        } catch (IOException e) {
            broken = true;
            return 0;
        }
    }

    /** Parent: lets go of the file. */
    @Override
    public void close() {
        if (view != null) {
            try {
                view.close();
            } catch (IOException ignored) {
                // only the ring word is written, and a lost one costs a wake-up
            }
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
