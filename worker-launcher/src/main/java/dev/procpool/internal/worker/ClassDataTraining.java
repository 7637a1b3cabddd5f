package dev.procpool.internal.worker;

import dev.procpool.internal.ipc.ChannelReader;
import dev.procpool.internal.ipc.ChannelWriter;
import dev.procpool.internal.ipc.ChronicleSettings;
import dev.procpool.internal.ipc.Message;
import dev.procpool.internal.ipc.FileTrees;
import dev.procpool.internal.ipc.Lane;
import dev.procpool.internal.ipc.MessageSource;
import dev.procpool.internal.ipc.SwitchingSink;
import dev.procpool.internal.ipc.SwitchingSource;
import dev.procpool.internal.ipc.Queues;
import dev.procpool.internal.ipc.WorkerActivityFile;
import dev.procpool.internal.ipc.codec.TaskCodec;

import java.io.Serializable;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.concurrent.Callable;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.locks.LockSupport;

/**
 * {@code ClassDataTraining <scratchFolder> [profile]}: a short JVM run by the parent with
 * {@code -XX:ArchiveClassesAtExit} (JDK 17 to 24) or {@code -XX:AOTCacheOutput} (25 and later).
 * It does what a worker does at start and on its first task (over the start-up lane, then again over both queues and
 * the activity file: hand a task over and answer it), so the archive it leaves holds the classes every worker needs.
 * With {@code profile}, it then runs the worker's own task loop on its main thread and feeds it
 * {@value #PROFILE_ROUNDS} tasks from a second thread (see {@link #profileTaskPath}). It exits normally, which is
 * when the JVM writes the archive; the parent removes the scratch folder.
 */
public final class ClassDataTraining {
    /**
     * How many tasks the task loop answers for the profiles: half lambdas, half {@code Callable} classes. The whole
     * training, the cache's writing included, took 2.8 s here alone and 3.5-3.7 s beside a CPU-bound process. In a
     * probe whose training was a real pool's worker running the measured
     * task class, the first 5,000 round trips of a new pool had a p99 of 324-1,511 us (5 pools) after 1,000
     * training round trips, 153-592 us after 60,000, and 393-4,369 us with the dynamic archive (JDK 25, 2 workers,
     * 2 CPUs).
     */
    static final int PROFILE_ROUNDS = 20_000;
    static final String PROFILE = "profile";
    /**
     * Tasks sent ahead of their answers, as a pool sends them ahead ({@code Dispatcher.DEPTH}). One at a time, the
     * training is a ping-pong of two threads, which a busy machine slows down most: 4.4 s here alone, 16.6 s beside
     * one CPU-bound process, long enough for a closing pool to end it (it waits 10 s).
     */
    static final int IN_FLIGHT = 16;
    /**
     * Rounds in a row sent the same way: a quarter of the blocks one task at a time, the rest {@link #IN_FLIGHT} ahead.
     * The task loop's idle path (an empty queue, yield, sleep) must be in its profiles too, as a worker that answers
     * one caller at a time takes it after every task: trained on queued tasks alone, new workers' first 5,000
     * round trips had p99s of 138-3,524 us, one at a time 201-506 us (JDK 25, probe of 5 new pools each).
     */
    static final int ALTERNATION = 1_000;

    private ClassDataTraining() {
    }

    public static void main(String[] args) throws Exception {
        ChronicleSettings.apply();
        Path folder = Path.of(args[0]);
        boolean profile = args.length > 1 && args[1].equals(PROFILE);
        try {
            try {
                trainLane(folder);
            } catch (Exception e) {
                // the archive then lacks the lane's classes, which workers load from their jars: slower, not wrong
            }
            WorkerActivityFile activity = WorkerActivityFile.create(folder);
            ChannelWriter results = ChannelWriter.open(folder.resolve("results"));
            ChannelReader tasks = ChannelReader.open(folder.resolve("tasks"));
            ChannelWriter parentTasks = ChannelWriter.open(folder.resolve("tasks"));
            ChannelReader parentResults = ChannelReader.open(folder.resolve("results"));
            tasks.poll();
            results.write(new Message.WorkerReady(Message.PROTOCOL_VERSION, ProcessHandle.current().pid()));
            parentResults.poll();

            parentTasks.write(new Message.ConfigureWorker(0, 0, dev.procpool.internal.ipc.codec.DeserializationLimits.DEFAULT)); // what a worker reads first
            Callable<Integer> task = (Callable<Integer> & Serializable) () -> 42;
            parentTasks.write(new Message.RunTask(1, TaskCodec.encode(task)));
            tasks.poll();
            Message.RunTask received = (Message.RunTask) tasks.poll();
            activity.setRunningTask(received.taskId());
            Object answer = ((Callable<?>) TaskCodec.decode(received.task(), ClassDataTraining.class.getClassLoader())).call();
            received.task().release();
            results.write(new Message.TaskCompleted(1, TaskCodec.encode(answer)));
            activity.setRunningTask(0);
            Message.TaskCompleted done = (Message.TaskCompleted) parentResults.poll();
            TaskCodec.decode(done.result(), ClassDataTraining.class.getClassLoader());
            done.result().release();
            WarmUp.run();

            for (AutoCloseable closeable : new AutoCloseable[] {tasks, results, parentTasks, parentResults}) {
                closeable.close();
            }
            Queues.releaseClosedQueues();
        } finally {
            if (!profile) {
                FileTrees.deleteTree(folder);
            }
        }
        if (profile) {
            profileTaskPath(Files.createDirectories(folder.resolve("task-loop")));
        }
        System.exit(0);
    }

    /**
     * Runs a worker's {@link TaskLoop} on this thread over real queues in {@code folder}, while a thread of its own
     * plays the parent: handshake, settings, {@value #PROFILE_ROUNDS} tasks sent up to {@value #IN_FLIGHT} ahead
     * of their answers, shutdown. The loop's clean exit ends the JVM with code 0. On JDK 25 the AOT cache then
     * holds the method profiles of a worker's task path (JEP 515), so that a new worker's JIT compiles it with them
     * from its first tasks on instead of profiling it first, on the same cores as the tasks. Should the parent's
     * side fail, it prints why and ends the JVM with code 3: no archive is used then. The stdin of this JVM is the
     * loop's control pipe, as a worker's is: when the parent goes, the loop's orphan cleanup ends the JVM.
     */
    private static void profileTaskPath(Path folder) throws Exception {
        Thread loop = Thread.currentThread();
        Thread parent = new Thread(() -> {
            try {
                feedTasks(folder, loop);
            } catch (Throwable e) {
                e.printStackTrace();
                Runtime.getRuntime().halt(3);
            }
        }, "procpool-training-parent");
        parent.setDaemon(true);
        parent.start();
        new TaskLoop(0, folder, System.in).run(); // exits the JVM when the parent's side says Shutdown
        throw new IllegalStateException("the training's task loop returned without exiting");
    }

    /**
     * The parent's side. After each command it unparks the loop's thread, as a parent's wake-up through the control
     * pipe does: a loop that went to sleep between two tasks would otherwise wait out its safety net (1 s).
     */
    private static void feedTasks(Path folder, Thread loop) throws Exception {
        try (ChannelWriter tasks = ChannelWriter.open(folder.resolve("tasks"));
             ChannelReader results = ChannelReader.open(folder.resolve("results"))) {
            if (!(next(results) instanceof Message.WorkerReady)) {
                throw new IllegalStateException("the training's task loop did not say it was ready");
            }
            tasks.write(new Message.ConfigureWorker(0, 0, dev.procpool.internal.ipc.codec.DeserializationLimits.DEFAULT));
            LockSupport.unpark(loop);
            int sent = 0;
            for (int answered = 1; answered <= PROFILE_ROUNDS; answered++) {
                int ahead = (answered / ALTERNATION) % 4 == 0 ? 1 : IN_FLIGHT; // a quarter of them one at a time
                while (sent < PROFILE_ROUNDS && sent - answered < ahead - 1) {
                    int number = ++sent;
                    Callable<Object> task = number % 2 == 0 ? new WarmUp.PlainTask(number, "training")
                            : (Callable<Object> & Serializable) () -> number + 1;
                    tasks.write(new Message.RunTask(number, TaskCodec.encode(task)));
                }
                LockSupport.unpark(loop);
                Message answer = next(results);
                if (!(answer instanceof Message.TaskCompleted completed) || completed.taskId() != answered) {
                    throw new IllegalStateException("the training's task " + answered + " was answered with " + answer);
                }
                TaskCodec.decode(completed.result(), ClassDataTraining.class.getClassLoader());
                completed.result().release();
            }
            tasks.write(new Message.Shutdown());
            LockSupport.unpark(loop);
        }
    }

    /** What both ends of the start-up lane do before the switch: connect, hand a task over, answer it. */
    private static void trainLane(Path folder) throws Exception {
        Lane.Listener offer = Lane.offer(folder);
        if (offer == null) {
            return; // no lane on this platform: workers start without one
        }
        CompletableFuture<Lane> accepted = new CompletableFuture<>();
        Thread acceptor = new Thread(() -> {
            try {
                accepted.complete(offer.accept());
            } catch (Throwable e) {
                accepted.completeExceptionally(e);
            }
        });
        acceptor.start();
        try (Lane worker = Lane.connectIfOffered(folder); Lane parent = accepted.get(30, TimeUnit.SECONDS)) {
            offer.close();
            worker.startReading("procpool-lane", Message.SwitchChannels.class, () -> { });
            parent.startReading("procpool-lane-0", null, () -> { });
            SwitchingSink answers = new SwitchingSink(worker);
            MessageSource commands = new SwitchingSource(worker, Message.SwitchChannels.class, () -> null);
            MessageSource events = new SwitchingSource(parent, Message.ChannelsSwitched.class, () -> null);
            answers.write(new Message.WorkerReady(Message.PROTOCOL_VERSION, ProcessHandle.current().pid()));
            next(events);
            parent.write(new Message.ConfigureWorker(0, 0, dev.procpool.internal.ipc.codec.DeserializationLimits.DEFAULT));
            Callable<Integer> task = (Callable<Integer> & Serializable) () -> 42;
            parent.write(new Message.RunTask(1, TaskCodec.encode(task)));
            parent.write(new Message.OpenQueues());
            next(commands);
            Message.RunTask received = (Message.RunTask) next(commands);
            next(commands); // OpenQueues
            Object answer = ((Callable<?>) TaskCodec.decode(received.task(), ClassDataTraining.class.getClassLoader())).call();
            answers.write(new Message.TaskCompleted(1, TaskCodec.encode(answer)));
            ((Message.TaskCompleted) next(events)).result().release();
        } finally {
            offer.close();
        }
    }

    private static Message next(MessageSource source) {
        long deadline = System.nanoTime() + TimeUnit.SECONDS.toNanos(30);
        Message message;
        while ((message = source.poll()) == null) {
            if (System.nanoTime() - deadline > 0) {
                throw new IllegalStateException("the training did not get its message in 30 s");
            }
            Thread.yield(); // the loop's thread may need this core
        }
        return message;
    }
}
