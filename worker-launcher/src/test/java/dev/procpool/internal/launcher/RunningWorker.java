package dev.procpool.internal.launcher;

import dev.procpool.internal.ipc.ChannelReader;
import dev.procpool.internal.ipc.ChannelWriter;
import dev.procpool.internal.ipc.codec.TaskCodec;
import dev.procpool.internal.ipc.Message;
import dev.procpool.internal.ipc.codec.Payload;
import dev.procpool.internal.ipc.Queues;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.List;
import java.util.Map;
import java.util.Objects;
import java.util.concurrent.CopyOnWriteArrayList;

import static org.awaitility.Awaitility.await;

/**
 * A real worker JVM started by {@link WorkerProcess}, with the parent's ends of its queues open: the writer of
 * {@code tasks} and the reader of {@code results}, as the executor holds them. Closing it kills the worker if it
 * still runs and closes the queues.
 */
final class RunningWorker implements AutoCloseable {
    /** A cold JVM opening its first queue takes about a second here; allow for a slow CI machine. */
    static final Duration START_TIMEOUT = Duration.ofSeconds(30);

    final Path folder;
    final WorkerProcess process;
    final ChannelWriter tasks;
    final ChannelReader results;
    final List<String> output = new CopyOnWriteArrayList<>();

    private RunningWorker(Path folder, int workerId, List<String> jvmOptions) throws IOException {
        this.folder = Files.createDirectories(folder);
        WorkerSpec spec = WorkerSpec.ofCurrentJvm(jvmOptions, Map.of(), null,
                (id, stderr, line) -> output.add((stderr ? "err: " : "out: ") + line));
        this.process = WorkerProcess.start(spec, workerId, folder);
        this.tasks = ChannelWriter.open(folder.resolve("tasks"));
        this.results = ChannelReader.open(folder.resolve("results"));
    }

    static RunningWorker start(Path folder, int workerId) throws IOException {
        return new RunningWorker(folder, workerId, List.of());
    }

    static RunningWorker start(Path folder, int workerId, List<String> jvmOptions) throws IOException {
        return new RunningWorker(folder, workerId, jvmOptions);
    }

    /** Waits for the handshake. */
    Message.WorkerReady awaitReady() {
        return (Message.WorkerReady) receive(START_TIMEOUT);
    }

    Message receive(Duration atMost) {
        return await("a message from worker " + process.workerId())
                .atMost(atMost)
                .pollInSameThread()
                .pollDelay(Duration.ZERO)
                .pollInterval(Duration.ofMillis(1))
                .until(results::poll, Objects::nonNull);
    }

    void run(long taskId, Object task) throws IOException {
        Payload payload = TaskCodec.encode(task);
        try {
            tasks.write(new Message.RunTask(taskId, payload));
        } finally {
            payload.release();
        }
    }

    static Object deserialize(Payload payload) throws IOException, ClassNotFoundException {
        try {
            return TaskCodec.decode(payload, RunningWorker.class.getClassLoader());
        } finally {
            payload.release();
        }
    }

    @Override
    public void close() {
        try {
            if (process.isAlive()) {
                process.kill();
            }
            await("worker " + process.workerId() + " to exit").atMost(Duration.ofSeconds(10))
                    .until(() -> !process.isAlive());
        } finally {
            try {
                results.close();
            } finally {
                tasks.close();
                Queues.releaseClosedQueues();
            }
        }
    }
}
