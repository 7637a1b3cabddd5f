package dev.procpool.internal.ipc;

/**
 * Sent by a worker in place of what it could not serialize: a task's result, or the exception a task threw.
 * It carries the class name, the message and the stack frames of the original, so the parent can report it.
 */
public final class RemoteFailure extends Exception {
    private static final long serialVersionUID = 1L;

    /** What could not be sent. */
    public enum Kind { RESULT_NOT_SERIALIZABLE, EXCEPTION_NOT_SERIALIZABLE }

    private final Kind kind;
    private final String originalClass;
    private final String originalMessage;

    public RemoteFailure(Kind kind, String originalClass, String originalMessage, String description,
                         StackTraceElement[] originalStack) {
        super(description, null, false, true);
        this.kind = kind;
        this.originalClass = originalClass;
        this.originalMessage = originalMessage;
        setStackTrace(originalStack);
    }

    public Kind kind() {
        return kind;
    }

    public String originalClass() {
        return originalClass;
    }

    public String originalMessage() {
        return originalMessage;
    }
}
