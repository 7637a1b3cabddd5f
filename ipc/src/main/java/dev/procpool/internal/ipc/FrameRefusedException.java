package dev.procpool.internal.ipc;

/**
 * A frame read from a queue that procpool will not act on, because it could not have been written by procpool's
 * own writer (for example, it names a file outside the channel's folder). The other process runs arbitrary task
 * code, so its frames are untrusted; whoever polls the reader contains this to the worker the queue belongs to.
 */
public final class FrameRefusedException extends IllegalStateException {
    private static final long serialVersionUID = 1L;

    public FrameRefusedException(String message) {
        super(message);
    }
}
