package dev.procpool.internal.ipc;

import java.io.IOException;

/**
 * A worker's results queue once its start-up {@link Lane} has become a doorbell: after each write, rings the
 * lane if the parent asked for a ring before it parked ({@link WorkerActivityFile#wantRing}). The cost while the
 * parent does not wait: a fence and a read of shared memory per message.
 */
public final class RingingSink implements MessageSink {
    private final MessageSink queue;
    private final WorkerActivityFile activity;
    private final Lane lane;

    public RingingSink(MessageSink queue, WorkerActivityFile activity, Lane lane) {
        this.queue = queue;
        this.activity = activity;
        this.lane = lane;
    }

    @Override
    public void write(Message message) throws IOException {
        queue.write(message);
        if (activity.takeRingWanted()) {
            lane.ring();
        }
    }
}
