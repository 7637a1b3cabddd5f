package dev.procpool.internal.worker;

import dev.procpool.internal.ipc.FileTrees;
import dev.procpool.internal.ipc.WorkerStderr;
import dev.procpool.internal.launcher.TaggedProcesses;

import java.nio.file.Path;
import java.util.function.BooleanSupplier;
import java.util.function.LongSupplier;

/**
 * How a worker JVM ends when its task loop does not end it: a task calling {@code System.exit}, the JVM
 * exiting for any reason, the parent going away. Called on shutdown-hook threads and the parent watch's threads.
 */
final class WorkerExit {
    /**
     * How long the orphan cleanup may take. It waits for start-up to finish filling the folder (the first queue
     * open alone took over 5 s on a loaded 2-core machine, and a halt at 5 s left the folder behind); the worker
     * halts as soon as the cleanup is done, so only a slow start-up makes an orphan linger.
     */
    private static final long ORPHAN_CLEANUP_MS = 20_000;

    private WorkerExit() {
    }

    /**
     * Installs the hooks that run however the JVM exits (bar a halt or a kill): processes that tasks started end
     * with the worker, and a {@code System.exit} from a task is reported on stderr with where it was called, so
     * the parent's crash report can tell the user. (A {@code Runtime.halt} runs no hooks and is reported by code.)
     *
     * @param runner      the task thread
     * @param runningTask the task running now, or 0
     * @param leaving     true once the worker exits on purpose (then an exit is no task's doing)
     */
    static void installHooks(Thread runner, LongSupplier runningTask, BooleanSupplier leaving) {
        Runtime.getRuntime().addShutdownHook(new Thread(() -> reportExitFromTask(runner, runningTask, leaving),
                "procpool-exit-report"));
        Runtime.getRuntime().addShutdownHook(new Thread(WorkerExit::endStartedProcesses, "procpool-end-children"));
    }

    private static void reportExitFromTask(Thread runner, LongSupplier runningTask, BooleanSupplier leaving) {
        long task = runningTask.getAsLong();
        if (task == 0 || leaving.getAsBoolean()) {
            return;
        }
        StringBuilder where = new StringBuilder();
        boolean afterExit = false;
        int shown = 0;
        for (StackTraceElement frame : runner.getStackTrace()) {
            boolean exitFrame = frame.getClassName().equals("java.lang.Runtime") || frame.getClassName().equals("java.lang.System")
                    || frame.getClassName().equals("java.lang.Shutdown");
            if (exitFrame) {
                afterExit = true;
            } else if (afterExit && shown < 3) {
                where.append(shown++ == 0 ? " at " : " < ").append(frame);
            }
        }
        System.err.println(WorkerStderr.SYSTEM_EXIT_MARKER + " while running task " + task + where);
        System.err.flush();
    }

    /**
     * Processes that tasks started end with the worker, however it ends. The parent does the same for a worker
     * that dies without running this (halt, kill -9), from its record of the worker's descendants.
     */
    static void endStartedProcesses() {
        ProcessHandle.current().descendants().forEach(ProcessHandle::destroyForcibly);
        TaggedProcesses.endTagged(TaggedProcesses.ownTag(), false); // those a double fork took out of the tree
    }

    /**
     * The parent cannot clean up after a worker it no longer has: close the queues, remove this worker's folder
     * (and the pool's, once its last worker is gone), then halt. Does not return.
     */
    static void asOrphan(int workerId, Path folder, Runnable closeQueues, String why) {
        Thread cleaner = new Thread(() -> {
            closeQueues.run();
            SiblingFolders.releaseAliveLock();
            FileTrees.deleteTree(folder);
            // the last worker out removes what the dead parent left: folders of workers that died or never
            // started, then the pool folder
            SiblingFolders.removeAbandoned(folder.getParent());
        }, "procpool-orphan-cleanup");
        // Not a daemon: closing the queues makes the main thread fail on its next poll or write and end, and the
        // JVM would then exit at once (every other thread is a daemon) with the files only half deleted. The
        // halt below still ends the JVM if the cleanup hangs.
        cleaner.setDaemon(false);
        cleaner.start();
        try {
            cleaner.join(ORPHAN_CLEANUP_MS);
        } catch (InterruptedException ignored) {
            // end anyway
        }
        if (cleaner.isAlive()) { // start-up hung: remove what can be removed (Windows keeps open files) and go
            SiblingFolders.releaseAliveLock();
            FileTrees.deleteTree(folder);
            SiblingFolders.removeAbandoned(folder.getParent());
        }
        System.err.println("procpool worker " + workerId + " exiting: " + why);
        endStartedProcesses();
        Runtime.getRuntime().halt(0);
    }
}
