package dev.procpool.internal.worker;

import java.io.PrintStream;

/**
 * The worker's default handler of uncaught exceptions. Chronicle registers a shutdown hook as some of its classes
 * initialise; a worker that exits while its queues are still opening (told to go by a pool closed right after
 * its workers came up, or a task calling {@code System.exit}) exits during that, so the registration fails with
 * "Shutdown in progress", and Chronicle's background thread then dies of the class that could not be
 * initialised. Both are the exit's doing, not faults: printed, they reached the user's console through the parent
 * and the stderr tail of a crash report. This handler drops failures caused by the shutdown and prints every other
 * one as the JVM would.
 */
final class ShutdownNoise implements Thread.UncaughtExceptionHandler {
    private static final String SHUTDOWN_IN_PROGRESS = "Shutdown in progress";
    private final PrintStream err;

    ShutdownNoise(PrintStream err) {
        this.err = err;
    }

    /** Installs the handler for the whole worker JVM. */
    static void install() {
        Thread.setDefaultUncaughtExceptionHandler(new ShutdownNoise(System.err));
    }

    @Override
    public void uncaughtException(Thread thread, Throwable failure) {
        if (causedByShutdown(failure)) {
            return;
        }
        err.print("Exception in thread \"" + thread.getName() + "\" ");
        failure.printStackTrace(err);
    }

    /**
     * True when the JVM's shutdown caused {@code failure}: somewhere in its causes a hook was refused because the
     * shutdown had begun (a class whose initialisation failed so carries that failure as its cause).
     */
    static boolean causedByShutdown(Throwable failure) {
        for (Throwable cause = failure; cause != null; cause = cause.getCause()) {
            String message = cause.getMessage();
            if (message != null && message.contains(SHUTDOWN_IN_PROGRESS)) {
                return true;
            }
        }
        return false;
    }
}
