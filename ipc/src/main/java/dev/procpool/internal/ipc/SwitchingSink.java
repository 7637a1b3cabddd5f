package dev.procpool.internal.ipc;

import java.io.IOException;

/**
 * Writes to the start-up {@link Lane} until {@link #switchTo}, then to a queue for good. Writes are serialised,
 * the switch included, so that every message written before the switch reaches the other side before the lane's
 * last message, and every one after it goes to the queue.
 */
public final class SwitchingSink implements MessageSink {
    private final Lane lane;
    private MessageSink target; // guarded by this

    public SwitchingSink(Lane lane) {
        this.lane = lane;
        this.target = lane;
    }

    @Override
    public synchronized void write(Message message) throws IOException {
        target.write(message);
    }

    /** Writes {@code last} on the lane, then sends everything after it to {@code queue}. */
    public synchronized void switchTo(MessageSink queue, Message last) throws IOException {
        target = queue;
        lane.write(last);
    }
}
