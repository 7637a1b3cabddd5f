package dev.procpool.internal.ipc;

/**
 * What a task printed while it ran, as the worker captured it for a task sent with output capture on: the first
 * {@link #MAX_BYTES_PER_STREAM} bytes of each stream, decoded, and how many bytes past that were not kept.
 * Travels in {@link Message.TaskCompleted} and {@link Message.TaskFailed}. Immutable.
 *
 * @param stdout       what the task wrote to {@code System.out}
 * @param stderr       what the task wrote to {@code System.err}
 * @param omittedBytes how many bytes of both streams together were past the bound and not kept
 */
public record CapturedOutput(String stdout, String stderr, long omittedBytes) {
    /** The most bytes of each stream a task's capture keeps: 64 KiB. */
    public static final int MAX_BYTES_PER_STREAM = 64 * 1024;
    /** A reader refuses a longer text: the worker's frames are untrusted input. */
    static final int MAX_CHARS_PER_STREAM = MAX_BYTES_PER_STREAM;

    public CapturedOutput {
        if (stdout == null || stderr == null) {
            throw new NullPointerException("stdout and stderr must not be null");
        }
        if (omittedBytes < 0) {
            throw new IllegalArgumentException("omittedBytes must be >= 0, was " + omittedBytes);
        }
    }
}
