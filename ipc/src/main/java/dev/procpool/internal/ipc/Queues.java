package dev.procpool.internal.ipc;

import net.openhft.chronicle.core.io.BackgroundResourceReleaser;
import net.openhft.chronicle.queue.RollCycle;
import net.openhft.chronicle.queue.rollcycles.LegacyRollCycles;
import net.openhft.chronicle.queue.impl.StoreFileListener;
import net.openhft.chronicle.queue.impl.single.SingleChronicleQueue;
import net.openhft.chronicle.queue.impl.single.SingleChronicleQueueBuilder;
import net.openhft.chronicle.queue.rollcycles.TestRollCycles;

import java.nio.file.Path;

/** How every procpool queue is built. The one place that sizes queues. */
public final class Queues {
    static {
        ChronicleSettings.apply();
    }

    /**
     * Internal, for tests of disk reclamation only: {@code TEST_SECONDLY} makes queues roll every second.
     * The launcher forwards it to workers so both ends of a queue agree.
     */
    public static final String ROLL_CYCLE_PROPERTY = "procpool.internal.rollCycle";

    /** Chronicle's largest message is a quarter of the block size; anything over {@link #INLINE_LIMIT} goes out of band. */
    static final long BLOCK_SIZE = 16L << 20;
    /** Payloads above this travel in a file of their own instead of through the queue. */
    public static final long INLINE_LIMIT = 1L << 20;
    /**
     * A queue keeps what it was given until its cycle rolls and the reader has moved past it, so inline traffic
     * costs disk (memory, on a tmpfs {@code /tmp}) in proportion to its rate: 900 KB arguments filled 263 MB in
     * 1.3 s. Once a writer has put this many payload bytes inline in the current cycle, payloads over
     * {@link #ALWAYS_INLINE} go out of band (their file is deleted once read) until the cycle rolls.
     */
    static final long INLINE_BUDGET_PER_CYCLE = 32L << 20;
    /** Payloads this small always travel inline: a file per tiny task would cost more than it saves. */
    static final long ALWAYS_INLINE = 4L << 10;

    private Queues() {
    }

    static SingleChronicleQueue open(Path folder, StoreFileListener listener) {
        return SingleChronicleQueueBuilder.binary(folder)
                .rollCycle(rollCycle())
                .blockSize(BLOCK_SIZE)
                .storeFileListener(listener)
                .build();
    }

    private static RollCycle rollCycle() {
        String name = System.getProperty(ROLL_CYCLE_PROPERTY);
        if (name == null) {
            // a minute, not five: what small messages cost on disk is bounded by a minute of traffic, since
            // the reader deletes a cycle's file once both ends have moved past it
            return LegacyRollCycles.MINUTELY;
        }
        return TestRollCycles.valueOf(name);
    }

    /** Lets Chronicle finish unmapping closed queues; call before deleting their files (Windows refuses otherwise). */
    public static void releaseClosedQueues() {
        BackgroundResourceReleaser.releasePendingResources();
    }
}
