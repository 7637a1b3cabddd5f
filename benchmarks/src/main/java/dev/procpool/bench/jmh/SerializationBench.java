package dev.procpool.bench.jmh;

import dev.procpool.SerializableCallable;
import dev.procpool.internal.ipc.ChronicleFlags;
import dev.procpool.internal.ipc.codec.ClassLoaderTable;
import dev.procpool.internal.ipc.codec.TaskCodec;
import dev.procpool.internal.ipc.codec.Payload;
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
 * procpool's codec ({@link TaskCodec}) on what a trivial task sends: the task (a serializable lambda, and for
 * comparison a record) and its {@code Integer} result; and, as the baseline, plain JDK serialization of the same
 * lambda (a fresh {@code ObjectOutputStream} per object, as procpool did before the codec). Each object crosses
 * the boundary once per task in each direction, so encode + decode of task and result is the serialization
 * share of one round trip.
 */
@State(Scope.Thread)
@BenchmarkMode(Mode.AverageTime)
@OutputTimeUnit(TimeUnit.NANOSECONDS)
@Warmup(iterations = 3, time = 1)
@Measurement(iterations = 5, time = 1)
@Fork(value = 1, jvmArgsAppend = {
        ChronicleFlags.OPEN_REFLECT, ChronicleFlags.EXPORT_NIO_CHANNELS, ChronicleFlags.EXPORT_INTERNAL_REF})
public class SerializationBench {
    /** The record counterpart of the lambda task: same work, no {@code SerializedLambda} indirection. */
    public record IncTask(int x) implements SerializableCallable<Integer> {
        @Override
        public Integer call() {
            return x + 1;
        }
    }

    /** The same task as a plain {@code Callable} class, the way code written for ExecutorService has it. */
    public static final class ClassTask implements java.util.concurrent.Callable<Integer>, java.io.Serializable {
        private static final long serialVersionUID = 1L;
        private final int x;

        public ClassTask(int x) {
            this.x = x;
        }

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
    private ClassTask classTask;
    private Payload classBytes;
    private byte[] classJdkBytes;

    static SerializableCallable<Integer> inc(int x) {
        return () -> x + 1;
    }

    @Setup
    public void setUp() throws IOException {
        lambdaTask = inc(41);
        recordTask = new IncTask(41);
        result = 1234567; // outside the Integer cache, as most results are
        lambdaBytes = TaskCodec.encode(lambdaTask);
        recordBytes = TaskCodec.encode(recordTask);
        resultBytes = TaskCodec.encode(result);
        classTask = new ClassTask(41);
        classBytes = TaskCodec.encode(classTask);
        classJdkBytes = jdkSerialize(classTask);
        System.out.printf("%nCallable class task: %d B (codec), %d B (JDK)%n", classBytes.length(), classJdkBytes.length);
        System.out.printf("%nserialized sizes: lambda task %d B, record task %d B, Integer result %d B%n",
                lambdaBytes.length(), recordBytes.length(), resultBytes.length());
    }

    private byte[] lambdaJdkBytes;

    @Setup
    public void setUpJdk() throws IOException {
        lambdaJdkBytes = jdkSerialize(inc(41));
        System.out.printf("JDK-serialized lambda task: %d B%n", lambdaJdkBytes.length);
    }

    @Benchmark
    public int jdkSerializeLambdaTask() throws IOException {
        return jdkSerialize(lambdaTask).length;
    }

    @Benchmark
    public Object jdkDeserializeLambdaTask() throws Exception {
        try (java.io.ObjectInputStream in = new java.io.ObjectInputStream(new java.io.ByteArrayInputStream(lambdaJdkBytes))) {
            return in.readObject();
        }
    }

    private static byte[] jdkSerialize(Object value) throws IOException {
        java.io.ByteArrayOutputStream bytes = new java.io.ByteArrayOutputStream(1024);
        try (java.io.ObjectOutputStream out = new java.io.ObjectOutputStream(bytes)) {
            out.writeObject(value);
        }
        return bytes.toByteArray();
    }

    /** A Callable class through the codec: the plain form (before: JDK serialization, as the jdk* pair below). */
    @Benchmark
    public long serializeClassTask() throws IOException {
        return serializeAndRelease(classTask);
    }

    @Benchmark
    public Object deserializeClassTask() throws Exception {
        return TaskCodec.decode(classBytes, loader);
    }

    @Benchmark
    public int jdkSerializeClassTask() throws IOException {
        return jdkSerialize(classTask).length;
    }

    @Benchmark
    public Object jdkDeserializeClassTask() throws Exception {
        try (java.io.ObjectInputStream in = new java.io.ObjectInputStream(new java.io.ByteArrayInputStream(classJdkBytes))) {
            return in.readObject();
        }
    }

    @TearDown
    public void tearDown() {
        classBytes.release();
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
        return TaskCodec.decode(lambdaBytes, loader);
    }

    @Benchmark
    public long serializeRecordTask() throws IOException {
        return serializeAndRelease(recordTask);
    }

    @Benchmark
    public Object deserializeRecordTask() throws Exception {
        return TaskCodec.decode(recordBytes, loader);
    }

    @Benchmark
    public long serializeIntegerResult() throws IOException {
        return serializeAndRelease(result);
    }

    @Benchmark
    public Object deserializeIntegerResult() throws Exception {
        return TaskCodec.decode(resultBytes, loader);
    }

    /**
     * Numbers loaders as the parent does for class shipping (0 for the JDK's and the application's): what
     * noting the loaders of a task's classes costs a task whose classes are all on the class path.
     */
    private static final ClassLoaderTable PARENT_LIKE = new ClassLoaderTable() {
        @Override
        public long idOf(ClassLoader l) {
            return ClassLoaderTable.isShared(l) ? 0 : 1;
        }

        @Override
        public ClassLoader loaderOf(long id) {
            return null;
        }
    };

    @Benchmark
    public long serializeLambdaTaskNotingLoaders() throws IOException {
        return serializeAndRelease(lambdaTask, PARENT_LIKE);
    }

    @Benchmark
    public long serializeRecordTaskNotingLoaders() throws IOException {
        return serializeAndRelease(recordTask, PARENT_LIKE);
    }

    private static long serializeAndRelease(Object value) throws IOException {
        return serializeAndRelease(value, ClassLoaderTable.NONE);
    }

    private static long serializeAndRelease(Object value, ClassLoaderTable loaders) throws IOException {
        Payload p = TaskCodec.encode(value, loaders);
        long length = p.length();
        p.release();
        return length;
    }
}
