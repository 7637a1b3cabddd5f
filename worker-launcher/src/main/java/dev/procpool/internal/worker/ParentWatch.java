package dev.procpool.internal.worker;

import dev.procpool.internal.ipc.ControlCodec;
import dev.procpool.internal.ipc.Message;
import dev.procpool.internal.ipc.Message.CancelTask;
import dev.procpool.internal.ipc.Message.StopNow;
import dev.procpool.internal.ipc.Message.Wake;

import java.io.BufferedInputStream;
import java.io.DataInputStream;
import java.io.IOException;
import java.io.InputStream;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicBoolean;
import java.util.concurrent.locks.LockSupport;
import java.util.function.BooleanSupplier;

/**
 * The worker's two lines to its parent, each on a daemon thread of its own: one reads the control pipe (the
 * worker's stdin) and hands each command to the {@link Listener}; the other checks the parent process every
 * {@link #PARENT_CHECK_MS} ms, as a second line of defence. The operating system closes the pipe when the
 * parent dies, however it dies, so end-of-file (or a broken pipe) means the parent is gone; so does a parent
 * process that is no longer alive. Either way the listener hears {@link Listener#parentGone} once.
 */
final class ParentWatch {
    static final long PARENT_CHECK_MS = 500;

    /** What the worker does on each command and when the parent is gone; called on the watch's threads. */
    interface Listener {
        void cancel(long taskId, boolean interrupt);

        void stopNow();

        void wake();

        /** Called once, by whichever line noticed first. */
        void parentGone(String why);
    }

    private final InputStream controlPipe;
    private final BooleanSupplier parentAlive;
    private final long checkPeriodNs;
    private final Listener listener;
    private final AtomicBoolean gone = new AtomicBoolean();

    ParentWatch(InputStream controlPipe, BooleanSupplier parentAlive, long checkPeriodNs, Listener listener) {
        this.controlPipe = controlPipe;
        this.parentAlive = parentAlive;
        this.checkPeriodNs = checkPeriodNs;
        this.listener = listener;
    }

    /** Watches this JVM's parent process; a worker without one (its parent died before it looked) is an orphan. */
    static ParentWatch ofParentProcess(InputStream controlPipe, Listener listener) {
        ProcessHandle parent = ProcessHandle.current().parent().orElse(null);
        BooleanSupplier alive = parent == null ? () -> false : parent::isAlive;
        return new ParentWatch(controlPipe, alive, TimeUnit.MILLISECONDS.toNanos(PARENT_CHECK_MS), listener);
    }

    void start() {
        startDaemon("procpool-control", this::readControlPipe);
        startDaemon("procpool-parent-watch", this::watchParent);
    }

    /** Control thread: until end-of-file. */
    void readControlPipe() {
        DataInputStream in = new DataInputStream(new BufferedInputStream(controlPipe, 64));
        try {
            Message.Command command;
            while ((command = ControlCodec.read(in)) != null) {
                if (command instanceof CancelTask cancel) {
                    listener.cancel(cancel.taskId(), cancel.interrupt());
                } else if (command instanceof StopNow) {
                    listener.stopNow();
                } else if (command instanceof Wake) {
                    listener.wake();
                }
            }
        } catch (IOException e) {
            // a broken pipe, or bytes that are no command, mean the same as end-of-file: nobody sane is there
        }
        reportGone("its control pipe closed");
    }

    /** Parent-watch thread: until the parent is gone. */
    void watchParent() {
        while (parentAlive.getAsBoolean()) {
            LockSupport.parkNanos(this, checkPeriodNs);
        }
        reportGone("its parent process exited");
    }

    /**
     * Called when the worker's start failed: true once the parent is known to be gone (the listener has heard
     * it, or hears it now), waiting at most {@code waitNs} for either line to say so. A start-up step that needs
     * the parent (the lane's connect) fails at once when the parent has died, possibly before the watch's
     * threads have run on a busy machine; such a worker must still end as an orphan, which removes its folder.
     * False, after the wait, while the parent lives.
     */
    boolean confirmGone(long waitNs) {
        long deadline = System.nanoTime() + waitNs;
        while (!gone.get()) {
            if (!parentAlive.getAsBoolean()) {
                reportGone("its parent process exited");
                break;
            }
            if (System.nanoTime() - deadline >= 0) {
                return false;
            }
            LockSupport.parkNanos(this, TimeUnit.MILLISECONDS.toNanos(10));
        }
        return true;
    }

    private void reportGone(String why) {
        if (gone.compareAndSet(false, true)) {
            listener.parentGone(why);
        }
    }

    private static void startDaemon(String name, Runnable body) {
        Thread thread = new Thread(body, name);
        thread.setDaemon(true);
        thread.start();
    }
}
