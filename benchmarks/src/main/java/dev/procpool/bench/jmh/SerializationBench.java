package dev.procpool.bench.jmh;

import dev.procpool.SerializableCallable;
import dev.procpool.internal.ipc.JavaSerializer;
import dev.procpool.internal.ipc.Payload;
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
import java.util.concurrent.TimeUnit;

/**
 * JDK serialization as procpool does it ({@link JavaSerializer}: a pooled Netty buffer, a fresh
 * {@code ObjectOutputStream} per object) of what a trivial task sends: the task (a serializable lambda, and for
 * comparison a record) and its {@code Integer} result. Each object crosses the boundary once per task in each
 * direction, so serialize + deserialize of task and result is the serialization share of one round trip.
 */
@State(Scope.Thread)
@BenchmarkMode(Mode.AverageTime)
@OutputTimeUnit(TimeUnit.NANOSECONDS)
@Warmup(iterations = 3, time = 1)
@Measurement(iterations = 5, time = 1)
@Fork(value = 1, jvmArgsAppend = {
        "--add-opens=java.base/java.lang.reflect=ALL-UNNAMED",
        "--add-exports=java.base/sun.nio.ch=ALL-UNNAMED",
        "--add-exports=java.base/jdk.internal.ref=ALL-UNNAMED"})
public class SerializationBench {
    /** The record counterpart of the lambda task: same work, no {@code SerializedLambda} indirection. */
    public record IncTask(int x) implements SerializableCallable<Integer> {
        @Override
        public Integer call() {
            return x + 1;
        }
    }

    private final ClassLoader loader = SerializationBench.class.getClassLoader();
    private SerializableCallable<Integer> lambdaTask;
    private IncTask recordTask;
    private Integer result;
    private Payload lambdaBytes;
    private Payload recordBytes;
    private Payload resultBytes;

    static SerializableCallable<Integer> inc(int x) {
        return () -> x + 1;
    }

    @Setup
    public void setUp() throws IOException {
        lambdaTask = inc(41);
        recordTask = new IncTask(41);
        result = 1234567; // outside the Integer cache, as most results are
        lambdaBytes = JavaSerializer.serialize(lambdaTask);
        recordBytes = JavaSerializer.serialize(recordTask);
        resultBytes = JavaSerializer.serialize(result);
        System.out.printf("%nserialized sizes: lambda task %d B, record task %d B, Integer result %d B%n",
                lambdaBytes.length(), recordBytes.length(), resultBytes.length());
    }

    @TearDown
    public void tearDown() {
        lambdaBytes.release();
        recordBytes.release();
        resultBytes.release();
    }

    @Benchmark
    public long serializeLambdaTask() throws IOException {
        return serializeAndRelease(lambdaTask);
    }

    @Benchmark
    public Object deserializeLambdaTask() throws Exception {
        return JavaSerializer.deserialize(lambdaBytes, loader);
    }

    @Benchmark
    public long serializeRecordTask() throws IOException {
        return serializeAndRelease(recordTask);
    }

    @Benchmark
    public Object deserializeRecordTask() throws Exception {
        return JavaSerializer.deserialize(recordBytes, loader);
    }

    @Benchmark
    public long serializeIntegerResult() throws IOException {
        return serializeAndRelease(result);
    }

    @Benchmark
    public Object deserializeIntegerResult() throws Exception {
        return JavaSerializer.deserialize(resultBytes, loader);
    }

    private static long serializeAndRelease(Object value) throws IOException {
        Payload p = JavaSerializer.serialize(value);
        long length = p.length();
        p.release();
        return length;
    }
}
