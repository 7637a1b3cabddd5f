package dev.procpool.internal.ipc;

import dev.procpool.SerializableCallable;
import dev.procpool.internal.ipc.codec.Payload;
import dev.procpool.internal.ipc.codec.TaskCodec;
import net.openhft.chronicle.bytes.Bytes;
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
import java.nio.file.Path;
import java.util.concurrent.TimeUnit;

/**
 * The frame codec alone: {@code MessageCodec} encode + decode of a small {@code RunTask} and
 * {@code TaskCompleted} through an on-heap Chronicle {@code Bytes}, no queue. It lives in the codec's package
 * (in the benchmarks module) because the codec is package-private.
 */
@State(Scope.Thread)
@BenchmarkMode(Mode.AverageTime)
@OutputTimeUnit(TimeUnit.NANOSECONDS)
@Warmup(iterations = 3, time = 1)
@Measurement(iterations = 5, time = 1)
@Fork(value = 1, jvmArgsAppend = {
        ChronicleFlags.OPEN_REFLECT, ChronicleFlags.EXPORT_NIO_CHANNELS, ChronicleFlags.EXPORT_INTERNAL_REF})
public class MessageCodecBench {
    private final Path folder = Path.of(".");
    private Bytes<?> bytes;
    private Payload task;
    private Payload result;
    private Message runTask;
    private Message completed;

    @Setup
    public void setUp() throws IOException {
        ChronicleSettings.apply();
        bytes = Bytes.allocateElasticOnHeap(1024);
        int x = 41;
        task = TaskCodec.encode((SerializableCallable<Integer>) () -> x + 1);
        result = TaskCodec.encode(1234567);
        runTask = new Message.RunTask(1, task);
        completed = new Message.TaskCompleted(1, result);
    }

    @TearDown
    public void tearDown() {
        task.release();
        result.release();
        bytes.releaseLast();
    }

    @Benchmark
    public Message encodeDecodeRunTask() {
        return roundTrip(runTask);
    }

    @Benchmark
    public Message encodeDecodeTaskCompleted() {
        return roundTrip(completed);
    }

    private Message roundTrip(Message m) {
        bytes.clear();
        MessageCodec.encode(m, bytes);
        Message back = MessageCodec.decode(bytes, folder);
        if (back instanceof Message.RunTask r) {
            r.task().release();
        } else if (back instanceof Message.TaskCompleted c) {
            c.result().release();
        }
        return back;
    }
}
