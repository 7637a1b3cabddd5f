package dev.procpool.internal.ipc;

/**
 * Where one side reads the other's messages, without waiting: a queue ({@link ChannelReader}) or the start-up
 * {@link Lane}. One thread reads at a time.
 */
public interface MessageSource {
    /**
     * The next message, or null when there is none yet.
     *
     * @throws FrameRefusedException when what comes next cannot be trusted; the source must not be polled again
     */
    Message poll();
}
