package dev.procpool.internal.executor;

import dev.procpool.internal.ipc.FileTrees;
import dev.procpool.internal.launcher.ClassDataArchive;

import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Set;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.concurrent.locks.LockSupport;
import java.util.function.BooleanSupplier;

/**
 * The JVM is exiting without the pool having been closed: kill the workers (and what they started), give them a
 * moment to go, and remove the pool's folder, so that nothing is left behind. {@link #run} runs on the hook's
 * own thread; the starter threads report launches through {@link #launching}, {@link #launched} and
 * {@link #exited}; the scheduler thread asks {@link #exiting} before it starts a worker.
 */
final class JvmExitHook {
    /** A launch opens the parent's queues, which takes seconds on a busy machine the first time in a JVM. */
    private static final long LAUNCH_WAIT_NS = TimeUnit.SECONDS.toNanos(5);
    private static final long LOOP_PAUSE_WAIT_NS = TimeUnit.SECONDS.toNanos(2);
    private static final int DELETE_ATTEMPTS = 3;

    /** What the hook asks of the pool's loop. */
    interface Loop {
        /** Stops the loop from touching the queues; true once it has, false if it did not within the bound. */
        boolean pause(long timeoutNs);

        /** The hook has removed everything: the pool counts as terminated, so that close() calls return. */
        void cleanedUp();
    }

    private final Path poolFolder;
    private final BooleanSupplier poolTerminated;
    private Loop loop;
    private final Thread thread = new Thread(this::run, "procpool-jvm-exit");
    /** Workers with a live process. */
    private final Set<WorkerHandle> live = ConcurrentHashMap.newKeySet();
    /** Launches under way on the starter threads; the hook lets them finish so that it sees their workers. */
    private final AtomicInteger launching = new AtomicInteger();
    /**
     * Set before the hook kills the workers. The scheduler thread keeps running during the hook and sees those
     * workers die: it must not start replacements, which would outlive the JVM for a while and put new files
     * in the pool folder while the hook removes it.
     */
    private volatile boolean exiting;

    JvmExitHook(Path poolFolder, BooleanSupplier poolTerminated) {
        this.poolFolder = poolFolder;
        this.poolTerminated = poolTerminated;
    }

    void install(Loop loop) {
        this.loop = loop;
        Runtime.getRuntime().addShutdownHook(thread);
    }

    /** The pool is closed: the hook has nothing left to do. */
    void uninstall() {
        try {
            Runtime.getRuntime().removeShutdownHook(thread);
        } catch (IllegalStateException alreadyExiting) {
            // the hook runs, finds the pool terminated, and does nothing
        }
    }

    boolean exiting() {
        return exiting;
    }

    void launching() {
        launching.incrementAndGet();
    }

    /** {@code worker}'s process has started. Starter thread. */
    void started(WorkerHandle worker) {
        live.add(worker);
        if (exiting) { // the hook gave up waiting for this launch: it cannot have killed it
            worker.process.kill();
        }
    }

    /** A launch has ended, well or not. Starter thread. */
    void launchEnded() {
        launching.decrementAndGet();
    }

    void exited(WorkerHandle worker) {
        live.remove(worker);
    }

    private void run() {
        if (poolTerminated.getAsBoolean()) {
            return;
        }
        exiting = true;
        // The loop would otherwise go on reading the dying workers' queues and dealing with their exits, and
        // could put files back into the folder while it is removed below.
        loop.pause(LOOP_PAUSE_WAIT_NS);
        long launchesDeadline = System.nanoTime() + LAUNCH_WAIT_NS;
        while (launching.get() > 0 && System.nanoTime() - launchesDeadline < 0) {
            LockSupport.parkNanos(TimeUnit.MILLISECONDS.toNanos(10)); // a launch takes tens of ms
        }
        List<WorkerHandle> alive = new ArrayList<>(live);
        alive.forEach(worker -> worker.process.kill());
        for (WorkerHandle worker : alive) {
            try {
                worker.process.onGone().get(1, TimeUnit.SECONDS);
            } catch (Exception e) {
                // gone or not, the folder goes: on Unix a file can be deleted while mapped
            }
        }
        // a class-data training this pool asked for would otherwise go on, and its files stay, after the JVM
        ClassDataArchive.awaitTrainings(Duration.ZERO);
        for (int attempt = 1; attempt <= DELETE_ATTEMPTS && !FileTrees.deleteTree(poolFolder); attempt++) {
            LockSupport.parkNanos(TimeUnit.MILLISECONDS.toNanos(50)); // a file still being closed: try again
        }
        loop.cleanedUp();
    }
}
