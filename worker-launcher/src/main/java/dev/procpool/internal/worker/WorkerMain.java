package dev.procpool.internal.worker;

import dev.procpool.internal.ipc.ChronicleSettings;

import java.io.ByteArrayInputStream;
import java.io.InputStream;
import java.nio.file.Path;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.locks.LockSupport;

/**
 * The worker JVM's entry point: {@code WorkerMain <workerId> <channelFolder>}. Keeps stdin for itself as the
 * control pipe (tasks see an empty {@code System.in}), then hands over to {@link TaskLoop}.
 */
public final class WorkerMain {
    /** How long a worker whose run failed waits to learn whether its parent is gone. */
    private static final long ORPHAN_CHECK_MS = 500;

    private WorkerMain() {
    }

    public static void main(String[] args) throws Exception {
        OutputCapture.install();
        InputStream control = System.in;
        System.setIn(new ByteArrayInputStream(new byte[0]));
        ChronicleSettings.silence(); // Chronicle itself starts when the queues open, after the first tasks
        if (args.length != 2) {
            System.err.println("usage: WorkerMain <workerId> <channelFolder> (started by procpool, not by hand)");
            System.exit(2);
        }
        Path folder = Path.of(args[1]);
        // first: from now on an orphaned sibling tells this worker's folder from an abandoned one
        SiblingFolders.holdAliveLock(folder);
        TaskLoop loop = new TaskLoop(Integer.parseInt(args[0]), folder, control);
        try {
            loop.run();
        } catch (Exception | Error e) {
            // a start that failed because the parent died (its lane refused the connect) ends as an orphan's
            if (!loop.orphanedAfterAll(TimeUnit.MILLISECONDS.toNanos(ORPHAN_CHECK_MS))) {
                throw e;
            }
            while (true) { // the orphan cleanup removes the folder, then halts the JVM
                LockSupport.park(loop);
            }
        }
    }
}
