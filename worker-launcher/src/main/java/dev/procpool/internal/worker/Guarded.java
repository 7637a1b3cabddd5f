package dev.procpool.internal.worker;

import java.util.ArrayList;
import java.util.List;

/**
 * Reads a task's throwable without trusting it: {@code toString}, {@code getMessage}, {@code getStackTrace} and
 * {@code getCause} are the user's code and may throw (or recurse) themselves. What throws is described by its
 * class instead, so describing a failure can never fail the worker. Pure functions; the task thread calls them.
 */
final class Guarded {
    private Guarded() {
    }

    /** {@code thrown.toString()}, or its class name and what went wrong when that throws. */
    static String describe(Throwable thrown) {
        try {
            return String.valueOf(thrown);
        } catch (Throwable broken) {
            return thrown.getClass().getName() + " (its toString() threw " + broken.getClass().getName() + ")";
        }
    }

    /** {@code thrown.getStackTrace()} without null frames, or no frames when it throws. */
    static List<StackTraceElement> stackOf(Throwable thrown) {
        try {
            StackTraceElement[] frames = thrown.getStackTrace();
            List<StackTraceElement> stack = new ArrayList<>(frames == null ? 0 : frames.length);
            if (frames != null) {
                for (StackTraceElement frame : frames) {
                    if (frame != null) {
                        stack.add(frame);
                    }
                }
            }
            return stack;
        } catch (Throwable broken) {
            return List.of();
        }
    }

    /** {@code thrown.getCause()}, or null when it throws. */
    static Throwable causeOf(Throwable thrown) {
        try {
            Throwable cause = thrown.getCause();
            return cause == thrown ? null : cause;
        } catch (Throwable broken) {
            return null;
        }
    }
}
