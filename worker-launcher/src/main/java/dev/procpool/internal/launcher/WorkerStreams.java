package dev.procpool.internal.launcher;

import org.zeroturnaround.exec.stream.ExecuteStreamHandler;

import java.io.BufferedReader;
import java.io.IOException;
import java.io.InputStream;
import java.io.InputStreamReader;
import java.io.OutputStream;
import java.nio.charset.Charset;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.ExecutionException;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.TimeoutException;
import java.util.function.Consumer;

/**
 * zt-exec stream handling for a worker: keeps stdin open as the control pipe (zt-exec's own handler would
 * close it, and a closed stdin tells the worker its parent is gone), and pumps stdout and stderr line by line
 * on two daemon threads. {@link #drained()} completes when both streams reached end-of-file.
 */
final class WorkerStreams implements ExecuteStreamHandler {
    /** How long, after the worker exited, its output may take to be read to the end. */
    static final long DRAIN_BOUND_MS = 2_000;
    private final String threadName;
    private final Consumer<String> stdout;
    private final Consumer<String> stderr;
    private final CompletableFuture<Void> outDone = new CompletableFuture<>();
    private final CompletableFuture<Void> errDone = new CompletableFuture<>();
    private volatile OutputStream stdin;
    private InputStream processOut;
    private InputStream processErr;

    WorkerStreams(String threadName, Consumer<String> stdout, Consumer<String> stderr) {
        this.threadName = threadName;
        this.stdout = stdout;
        this.stderr = stderr;
    }

    @Override
    public void setProcessInputStream(OutputStream os) {
        this.stdin = os;
    }

    @Override
    public void setProcessOutputStream(InputStream is) {
        this.processOut = is;
    }

    @Override
    public void setProcessErrorStream(InputStream is) {
        this.processErr = is;
    }

    @Override
    public void start() {
        pump(processOut, stdout, outDone, threadName + "-out");
        pump(processErr, stderr, errDone, threadName + "-err");
    }

    /**
     * zt-exec calls this on its own thread once the process has exited, and closes the process's streams right
     * after it returns. Without waiting here, a pump that had not yet read what was left in its pipe lost it: a
     * worker that failed at start-up was reported as having written nothing to stderr (seen in about 1 start
     * failure in 40 on a busy 2-core machine). The wait is bounded because a grandchild that inherited the pipes
     * keeps them open after the worker is gone.
     */
    @Override
    public void stop() {
        try {
            drained().get(DRAIN_BOUND_MS, TimeUnit.MILLISECONDS);
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
        } catch (ExecutionException | TimeoutException e) {
            // the streams are closed next, which ends the pumps
        }
    }

    OutputStream stdin() {
        return stdin;
    }

    CompletableFuture<Void> drained() {
        return CompletableFuture.allOf(outDone, errDone);
    }

    private static void pump(InputStream in, Consumer<String> sink, CompletableFuture<Void> done, String name) {
        Thread thread = new Thread(() -> {
            try (BufferedReader reader = new BufferedReader(new InputStreamReader(in, Charset.defaultCharset()))) {
                String line;
                while ((line = reader.readLine()) != null) {
                    sink.accept(line);
                }
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
