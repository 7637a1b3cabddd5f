package dev.procpool.internal.ipc;

/**
 * A frame read from a queue that procpool will not act on, because it could not have been written by procpool's
 * own writer (its checksum does not match, it is malformed, or it names a file outside the channel's folder), or
 * a queue that can no longer be read at all (its file was truncated under the mapping). The other process runs
 * arbitrary task code, so its frames are untrusted; whoever polls the reader contains this to the worker the queue
 * belongs to, and reads nothing more from that queue.
 */
public final class FrameRefusedException extends IllegalStateException {
    private static final long serialVersionUID = 1L;

    public FrameRefusedException(String message) {
        super(message);
    }

    public FrameRefusedException(String message, Throwable cause) {
        super(message, cause);
    }
}
