package dev.procpool.bench.jmh;

import dev.procpool.internal.ipc.ChronicleFlags;
import dev.procpool.internal.ipc.ChannelReader;
import dev.procpool.internal.ipc.ChannelWriter;
import dev.procpool.internal.ipc.codec.TaskCodec;
import dev.procpool.internal.ipc.Message;
import dev.procpool.internal.ipc.codec.Payload;
import dev.procpool.internal.ipc.FileTrees;
import dev.procpool.internal.ipc.Queues;
import org.openjdk.jmh.annotations.Benchmark;
import org.openjdk.jmh.annotations.BenchmarkMode;
import org.openjdk.jmh.annotations.Fork;
import org.openjdk.jmh.annotations.Measurement;
import org.openjdk.jmh.annotations.Mode;
import org.openjdk.jmh.annotations.OutputTimeUnit;
import org.openjdk.jmh.annotations.Scope;
import org.openjdk.jmh.annotations.Setup;
import org.openjdk.jmh.annotations.State;
import org.openjdk.jmh.annotations.TearDown;
import org.openjdk.jmh.annotations.Warmup;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.concurrent.TimeUnit;

/**
 * Queue hand-off without a second process: {@link ChannelWriter#write} of a small {@code RunTask} (a serialized
 * trivial lambda task) and {@link ChannelReader#poll} of it, on one queue folder in a temporary directory. This is
 * the Chronicle + frame-codec share of one direction of a round trip, with no wake-up latency in it.
 */
@State(Scope.Thread)
@BenchmarkMode(Mode.AverageTime)
@OutputTimeUnit(TimeUnit.NANOSECONDS)
@Warmup(iterations = 3, time = 1)
@Measurement(iterations = 5, time = 1)
@Fork(value = 1, jvmArgsAppend = {
        ChronicleFlags.OPEN_REFLECT, ChronicleFlags.EXPORT_NIO_CHANNELS, ChronicleFlags.EXPORT_INTERNAL_REF})
public class QueueHandoffBench {
    private Path dir;
    private ChannelWriter writer;
    private ChannelReader reader;
    private Payload task;
    private Message.RunTask message;
    private long id;

    @Setup
    public void setUp() throws IOException {
        dir = Files.createTempDirectory("procpool-jmh-queue-");
        Path folder = dir.resolve("tasks");
        writer = ChannelWriter.open(folder);
        reader = ChannelReader.open(folder);
        task = TaskCodec.encode(SerializationBench.inc(41));
        message = new Message.RunTask(1, task);
    }

    @TearDown
    public void tearDown() {
        writer.close();
        reader.close();
        task.release();
        Queues.releaseClosedQueues();
        FileTrees.deleteTree(dir);
    }

    @Benchmark
    public long writeThenPoll() throws IOException {
        writer.write(message);
        Message m = reader.poll();
        if (!(m instanceof Message.RunTask run)) {
            throw new IllegalStateException("expected the RunTask back, got " + m);
        }
        run.task().release();
        return run.taskId() + id++;
    }
}
