package dev.procpool.internal.ipc;

import java.io.IOException;

/**
 * Where one side writes the messages for the other: a queue ({@link ChannelWriter}) or the start-up
 * {@link Lane}. {@link #write} does not take ownership of a message's payload: the caller releases it.
 */
public interface MessageSink {
    void write(Message message) throws IOException;
}
