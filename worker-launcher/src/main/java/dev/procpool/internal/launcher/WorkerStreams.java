package dev.procpool.internal.launcher;

import org.zeroturnaround.exec.stream.ExecuteStreamHandler;

import java.io.BufferedReader;
import java.io.IOException;
import java.io.InputStream;
import java.io.InputStreamReader;
import java.io.OutputStream;
import java.nio.charset.Charset;
import java.util.concurrent.CompletableFuture;
import java.util.function.Consumer;

/**
 * zt-exec stream handling for a worker: keeps stdin open as the control pipe (zt-exec's own handler would
 * close it, and a closed stdin tells the worker its parent is gone), and pumps stdout and stderr line by line
 * on two daemon threads. {@link #drained()} completes when both streams reached end-of-file.
 */
final class WorkerStreams implements ExecuteStreamHandler {
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

    @Override
    public void stop() {
        // the pumps end by themselves at end-of-file; nothing to wait for here
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
