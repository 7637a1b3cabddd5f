package dev.procpool.internal.executor;

import dev.procpool.internal.launcher.ClassDataArchive;
import dev.procpool.internal.launcher.WorkerSpec;

import java.nio.file.Path;
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
    private boolean classDataRequested;

    WorkerFactory(PoolLoop loop, JvmExitHook exitHook, Path poolFolder, PoolConfig config) {
        this.loop = loop;
        this.exitHook = exitHook;
        this.poolFolder = poolFolder;
        this.output = OutputSinks.of(config.output());
    }

    /**
     * A new worker, launching in the background; null when the JVM is exiting. Once launched, {@code launched}
     * runs on the scheduler thread, or {@code failed} if the launch failed; its exit reaches
     * {@link PoolLoop#workerExited}.
     */
    WorkerHandle create(long now, Consumer<WorkerHandle> launched, BiConsumer<WorkerHandle, Throwable> failed) {
        if (exitHook.exiting()) {
            return null;
        }
        WorkerHandle worker = new WorkerHandle(++lastWorkerId, poolFolder.resolve("worker-" + lastWorkerId));
        worker.deadlineNs = now + loop.config().startTimeout().toNanos();
        WorkerSpec spec = spec();
        exitHook.launching();
        starter.execute(() -> {
            try {
                worker.launch(spec, loop, starter);
                exitHook.started(worker);
                worker.process.onExit().whenComplete((code, error) -> exitHook.exited(worker));
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

    /** procpool's defaults for a new worker depend on the pool's size now (threads per worker). */
    private WorkerSpec spec() {
        PoolConfig config = loop.config();
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
        ClassDataArchive.prepare(spec()).thenAccept(outcome -> {
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
        if (!classDataRequested && ClassDataArchive.missing(spec())) {
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
