package dev.procpool.internal.ipc;

import java.io.IOException;

/**
 * A queue can no longer be written: its mapped file was truncated or removed under the writer (a task in the
 * worker can do that to its own files). Not the fault of the message being written; whoever writes retires the
 * channel and the worker it belongs to.
 */
public final class ChannelBrokenException extends IOException {
    private static final long serialVersionUID = 1L;

    public ChannelBrokenException(String message, Throwable cause) {
        super(message, cause);
    }
}
