package dev.procpool.internal.launcher;

import java.io.Closeable;
import java.io.IOException;
import java.io.InputStream;
import java.io.InputStreamReader;
import java.io.OutputStream;
import java.io.Reader;
import java.nio.charset.Charset;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.TimeUnit;
import java.util.function.Consumer;

/**
 * A worker's standard streams: stdin stays open as the control pipe (a closed stdin tells the worker its parent
 * is gone); stdout and stderr are pumped line by line on two daemon threads, a line longer than
 * {@link LineSplitter#DEFAULT_MAX_CHARS} in pieces. {@link #drained()} completes when
 * both reached end-of-file. Created on the thread that starts the worker; the pumps own their streams.
 */
final class WorkerStreams {
    /** How long, after the worker exited, its output may take to be read to the end. */
    static final long DRAIN_BOUND_MS = 2_000;
    private final Process process;
    private final CompletableFuture<Void> outDone = new CompletableFuture<>();
    private final CompletableFuture<Void> errDone = new CompletableFuture<>();

    private WorkerStreams(Process process) {
        this.process = process;
    }

    /** Starts pumping the process's stdout and stderr into the sinks, one line at a time. */
    static WorkerStreams pump(Process process, String threadName, Consumer<String> stdout, Consumer<String> stderr) {
        WorkerStreams streams = new WorkerStreams(process);
        pump(process.getInputStream(), stdout, streams.outDone, threadName + "-out");
        pump(process.getErrorStream(), stderr, streams.errDone, threadName + "-err");
        return streams;
    }

    OutputStream stdin() {
        return process.getOutputStream();
    }

    CompletableFuture<Void> drained() {
        return CompletableFuture.allOf(outDone, errDone);
    }

    /**
     * Once the worker has exited: lets the pumps read what is left in the pipes, for at most
     * {@link #DRAIN_BOUND_MS} (a grandchild that inherited the pipes keeps them open after the worker is gone),
     * then closes the parent's ends, which ends the pumps either way. Closing only after the drain matters: a
     * pump that had not yet read the last lines of a worker that failed at start-up would lose them.
     */
    CompletableFuture<Void> drainThenClose() {
        return drained().completeOnTimeout(null, DRAIN_BOUND_MS, TimeUnit.MILLISECONDS)
                .thenRun(() -> {
                    closeQuietly(process.getOutputStream());
                    closeQuietly(process.getInputStream());
                    closeQuietly(process.getErrorStream());
                });
    }

    private static void closeQuietly(Closeable stream) {
        try {
            stream.close();
        } catch (IOException ignored) {
            // the worker is gone; nothing to tell it
        }
    }

    private static void pump(InputStream in, Consumer<String> sink, CompletableFuture<Void> done, String name) {
        Thread thread = new Thread(() -> {
            try (Reader reader = new InputStreamReader(in, Charset.defaultCharset())) {
                new LineSplitter(LineSplitter.DEFAULT_MAX_CHARS, sink).pump(reader);
            } catch (IOException ignored) {
                // the stream closes when the worker dies
            } finally {
                done.complete(null);
            }
        }, name);
        thread.setDaemon(true);
        thread.start();
    }
}
