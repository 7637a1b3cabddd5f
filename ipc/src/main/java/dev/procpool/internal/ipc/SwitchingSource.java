package dev.procpool.internal.ipc;

import java.util.Objects;
import java.util.function.Supplier;

/**
 * Reads the start-up {@link Lane} until the message that ends it, then a queue for good. The message that ends
 * it is not returned: {@code next} is called in its place (once, on the reading thread), and returns the queue.
 * One thread reads at a time.
 */
public final class SwitchingSource implements MessageSource {
    private final Lane lane;
    private final Class<? extends Message> last;
    private final Supplier<? extends MessageSource> next;
    private MessageSource queue;

    /**
     * @param last the type of the lane's last message
     * @param next called when it is read; returns the queue to read from then on
     */
    public SwitchingSource(Lane lane, Class<? extends Message> last, Supplier<? extends MessageSource> next) {
        this.lane = lane;
        this.last = last;
        this.next = next;
    }

    @Override
    public Message poll() {
        if (queue != null) {
            return queue.poll();
        }
        Message message = lane.poll();
        if (message == null || !last.isInstance(message)) {
            return message;
        }
        queue = Objects.requireNonNull(next.get(), "the queue after the lane");
        return queue.poll();
    }

    /** True once the lane has ended and the queue is read. */
    public boolean switched() {
        return queue != null;
    }
}
