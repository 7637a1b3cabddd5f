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
import java.nio.file.Path;
import java.util.concurrent.Callable;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.TimeUnit;

/**
 * {@code ClassDataTraining <scratchFolder>}: a short JVM run by the parent with {@code -XX:ArchiveClassesAtExit}.
 * It does what a worker does at start and on its first task (over the start-up lane, then again over both queues and
 * the activity file: hand a task over and answer it), so the archive it leaves holds the classes every worker needs; then it removes its folder and
 * exits normally, which is when the JVM writes the archive.
 */
public final class ClassDataTraining {
    private ClassDataTraining() {
    }

    public static void main(String[] args) throws Exception {
        ChronicleSettings.apply();
        Path folder = Path.of(args[0]);
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
            FileTrees.deleteTree(folder);
        }
        System.exit(0);
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
                throw new IllegalStateException("the lane's training did not get its message in 30 s");
            }
            Thread.onSpinWait();
        }
        return message;
    }
}
