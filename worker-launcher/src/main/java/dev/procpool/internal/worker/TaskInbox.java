package dev.procpool.internal.worker;

import dev.procpool.internal.ipc.BackoffIdler;
import dev.procpool.internal.ipc.MessageSource;
import dev.procpool.internal.ipc.Message;
import dev.procpool.internal.ipc.Message.ShipResource;

import java.util.ArrayDeque;
import java.util.HashMap;
import java.util.Map;

/**
 * The worker's task queue, shared by the task thread and any thread that waits for a shipped class. Answers to
 * class requests ({@link ShipResource}) may come between the other commands; whoever reads the queue keeps the
 * answers for their askers and the other commands, in order, for the task loop, so that a {@code RunTask} or
 * {@code Shutdown} read while a class was awaited is not lost. One thread reads at a time (the queue's tailer
 * is single-threaded); any thread may call.
 */
final class TaskInbox {
    private final MessageSource queue;
    /** Guarded by this. */
    private final ArrayDeque<Message> held = new ArrayDeque<>();
    /** Guarded by this. */
    private final Map<Key, ShipResource> answers = new HashMap<>();

    private record Key(long loaderId, String name) {
    }

    TaskInbox(MessageSource queue) {
        this.queue = queue;
    }

    /** The next command that is not an answer, or null when there is none yet. Task thread. */
    synchronized Message poll() {
        Message held = this.held.poll();
        if (held != null) {
            return held;
        }
        Message message;
        while ((message = queue.poll()) instanceof ShipResource answer) {
            answers.put(new Key(answer.loaderId(), answer.name()), answer);
        }
        return message;
    }

    /**
     * The answer about {@code name} if the parent has already sent it unasked (it sends the other classes of a
     * requested class's package along), else null. Never waits.
     */
    synchronized ShipResource take(long loaderId, String name) {
        Message message;
        while ((message = queue.poll()) != null) {
            if (message instanceof ShipResource answer) {
                answers.put(new Key(answer.loaderId(), answer.name()), answer);
            } else {
                held.add(message);
            }
        }
        return answers.remove(new Key(loaderId, name));
    }

    /**
     * Waits for the answer about {@code name} from loader {@code loaderId}; null if none came within
     * {@code timeoutNs}. An interrupt does not end the wait (class loading cannot be half done); it is kept for
     * the task to see afterwards.
     */
    ShipResource await(long loaderId, String name, long timeoutNs) {
        Key key = new Key(loaderId, name);
        BackoffIdler idler = new BackoffIdler(0, 200_000, 20_000, 1_000_000);
        long deadline = System.nanoTime() + timeoutNs;
        boolean interrupted = false;
        try {
            while (true) {
                synchronized (this) {
                    ShipResource answer = answers.remove(key);
                    if (answer != null) {
                        return answer;
                    }
                    Message message = queue.poll();
                    if (message instanceof ShipResource shipped) {
                        answers.put(new Key(shipped.loaderId(), shipped.name()), shipped);
                        idler.reset();
                        continue;
                    }
                    if (message != null) {
                        held.add(message);
                        idler.reset();
                        continue;
                    }
                }
                if (System.nanoTime() - deadline > 0) {
                    return null;
                }
                interrupted |= Thread.interrupted(); // else a park returns at once and the wait spins
                idler.idle();
            }
        } finally {
            if (interrupted) {
                Thread.currentThread().interrupt();
            }
        }
    }
}
