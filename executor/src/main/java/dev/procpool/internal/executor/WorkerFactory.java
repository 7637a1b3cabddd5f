package dev.procpool.internal.executor;

import dev.procpool.internal.launcher.ClassDataArchive;
import dev.procpool.internal.launcher.WorkerSpec;

import java.io.IOException;
import java.nio.file.Path;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.CompletionException;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.function.BiConsumer;
import java.util.function.Consumer;

import static dev.procpool.internal.executor.PoolLog.LOG;

/**
 * Makes workers: derives each new worker's JVM options and environment from the pool's settings, launches its
 * JVM, connects its start-up lane and opens its queues on starter threads, and reports the outcome to the
 * scheduler thread. Also makes
 * sure the class-data archive later workers start from exists. {@link #create} is called on the scheduler
 * thread; the launch runs on a starter thread; the callbacks go through the scheduler's inbox.
 */
final class WorkerFactory {

    private final PoolLoop loop;
    private final JvmExitHook exitHook;
    private final Path poolFolder;
    private final WorkerSpec.OutputSink output;
    private final ExecutorService starter = Executors.newCachedThreadPool(r -> {
        Thread t = new Thread(r, "procpool-starter");
        t.setDaemon(true);
        return t;
    });
    private int lastWorkerId;
    /** The worker {@link #startFirst} started and that start, until {@link #create} adopts it; else null. */
    private FirstWorker first;
    private boolean classDataRequested;

    WorkerFactory(PoolLoop loop, JvmExitHook exitHook, Path poolFolder, PoolConfig config) {
        this.loop = loop;
        this.exitHook = exitHook;
        this.poolFolder = poolFolder;
        this.output = OutputSinks.of(config.output());
    }

    /**
     * Starts the pool's first worker at once, on a starter thread, while the caller goes on building the pool: in
     * a new JVM that building is 100-150 ms of first-time class loading, which the worker's own boot now overlaps.
     * The next {@link #create} adopts this worker. Call at most once, before the first {@link #create}, and only
     * for a pool that starts a worker when it is built.
     */
    void startFirst(PoolConfig config) {
        WorkerHandle worker = newHandle(System.nanoTime(), config);
        exitHook.launching();
        CompletableFuture<Void> started = new CompletableFuture<>();
        first = new FirstWorker(worker, started);
        starter.execute(() -> {
            try {
                start(worker, spec(config));
                started.complete(null);
            } catch (Throwable e) {
                started.completeExceptionally(e);
            }
        });
    }

    /**
     * The pool will not be built after all: ends the worker {@link #startFirst} started, if any, once its start is
     * over, and stops the starter threads. Returns when that worker's JVM is gone.
     */
    void abandonFirst() {
        FirstWorker abandoned = first;
        first = null;
        if (abandoned != null) {
            abandoned.started().handle((done, error) -> null).join();
            abandoned.worker().abandon();
            exitHook.launchEnded();
        }
        starter.shutdown();
    }

    /**
     * A new worker, launching in the background; null when the JVM is exiting. Once launched, {@code launched}
     * runs on the scheduler thread, or {@code failed} if the launch failed; its exit reaches
     * {@link PoolLoop#workerExited}.
     */
    WorkerHandle create(long now, Consumer<WorkerHandle> launched, BiConsumer<WorkerHandle, Throwable> failed) {
        FirstWorker adopted = first;
        first = null;
        if (adopted == null && exitHook.exiting()) {
            return null;
        }
        WorkerHandle worker = adopted != null ? adopted.worker() : newHandle(now, loop.config());
        WorkerSpec spec = adopted != null ? null : spec(loop.config());
        if (adopted == null) {
            exitHook.launching();
        }
        starter.execute(() -> {
            try {
                if (adopted == null) {
                    start(worker, spec);
                } else {
                    awaitStart(adopted.started());
                }
                worker.connect(loop, starter);
                worker.process.onGone().whenComplete((code, error) -> exitHook.exited(worker));
                worker.exited().whenComplete((code, error) ->
                        loop.post(() -> loop.workerExited(worker, code == null ? -1 : code)));
                loop.post(() -> launched.accept(worker));
            } catch (Throwable e) {
                loop.post(() -> failed.accept(worker, e));
            } finally {
                // once the queues are opened too: the JVM's exit hook waits for that before removing the folder
                worker.launchSettled().whenComplete((done, error) -> exitHook.launchEnded());
            }
        });
        return worker;
    }

    /** A worker started by {@link #startFirst}, and its start on a starter thread. */
    private record FirstWorker(WorkerHandle worker, CompletableFuture<Void> started) {
    }

    private WorkerHandle newHandle(long now, PoolConfig config) {
        WorkerHandle worker = new WorkerHandle(++lastWorkerId, poolFolder.resolve("worker-" + lastWorkerId));
        worker.deadlineNs = now + config.startTimeout().toNanos();
        return worker;
    }

    /** Starts the worker's JVM and lets the JVM's exit hook know of it. Starter thread. */
    private void start(WorkerHandle worker, WorkerSpec spec) throws IOException {
        worker.start(spec);
        exitHook.started(worker);
    }

    /** Waits for {@link #startFirst}'s start and throws what it threw. Starter thread. */
    private static void awaitStart(CompletableFuture<Void> started) throws IOException {
        try {
            started.join();
        } catch (CompletionException e) {
            Throwable cause = e.getCause();
            if (cause instanceof IOException io) {
                throw io;
            }
            if (cause instanceof RuntimeException runtime) {
                throw runtime;
            }
            if (cause instanceof Error error) {
                throw error;
            }
            throw e;
        }
    }

    /** procpool's defaults for a new worker depend on the pool's size now (threads per worker). */
    private WorkerSpec spec(PoolConfig config) {
        int perWorker = WorkerDefaults.processorsPerWorker(Runtime.getRuntime().availableProcessors(), config.workers());
        boolean limit = config.limitNativeThreads();
        return WorkerSpec.ofCurrentJvm(config.classPath(),
                WorkerDefaults.jvmOptions(config.jvmOptions(), limit, perWorker),
                WorkerDefaults.environment(config.environment(), limit, perWorker, System::getenv),
                config.workingDirectory(), output).withClassDataSharing(config.classDataSharing());
    }

    /**
     * Makes sure the class-data archive that later workers start from exists, once per pool; call once every
     * worker is up, so that it does not slow their start. The first pool of a JDK and set of jars makes it, in
     * the background.
     */
    void prepareClassData() {
        if (classDataRequested) {
            return;
        }
        classDataRequested = true;
        ClassDataArchive.prepare(spec(loop.config())).thenAccept(outcome -> {
            if (outcome.startsWith("made")) {
                LOG.info("procpool: {}", outcome);
            } else {
                LOG.debug("procpool: {}", outcome);
            }
        });
    }

    /**
     * At a pool's first handshake: makes the archive now if there is none yet, so that a pool that never has all
     * its workers up (one task, then {@code close()}) still leaves one for the pools after it.
     */
    void prepareMissingClassData() {
        if (!classDataRequested && ClassDataArchive.missing(spec(loop.config()))) {
            prepareClassData();
        }
    }

    /** The folder the workers' folders are made in. */
    Path poolFolder() {
        return poolFolder;
    }

    /** No more launches. */
    void close() {
        starter.shutdown();
    }
}
