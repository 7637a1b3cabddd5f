package dev.procpool.bench.jmh;

import dev.procpool.PoolListener;
import dev.procpool.ProcessPoolBuilder;
import dev.procpool.ProcessPoolExecutor;
import dev.procpool.SerializableCallable;
import dev.procpool.TaskOptions;
import dev.procpool.WorkerOutput;
import dev.procpool.internal.ipc.ChronicleFlags;
import jdk.jfr.Recording;
import org.openjdk.jmh.annotations.Benchmark;
import org.openjdk.jmh.annotations.BenchmarkMode;
import org.openjdk.jmh.annotations.Fork;
import org.openjdk.jmh.annotations.Measurement;
import org.openjdk.jmh.annotations.Mode;
import org.openjdk.jmh.annotations.OperationsPerInvocation;
import org.openjdk.jmh.annotations.OutputTimeUnit;
import org.openjdk.jmh.annotations.Param;
import org.openjdk.jmh.annotations.Scope;
import org.openjdk.jmh.annotations.Setup;
import org.openjdk.jmh.annotations.State;
import org.openjdk.jmh.annotations.TearDown;
import org.openjdk.jmh.annotations.Warmup;

import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.ExecutionException;
import java.util.concurrent.Future;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.LongAdder;

/**
 * What observing a pool costs on its hot path: a trivial task's round trip ({@code submit} then {@code get}) and
 * a burst of 256 submits then their gets, through a real 1-worker pool, with
 * <ul>
 * <li>{@code none}: no listener, no recording (JFR events are not even created);</li>
 * <li>{@code listener}: a listener that counts every task and worker event;</li>
 * <li>{@code jfr}: a JFR recording with procpool's events enabled;</li>
 * <li>{@code capture}: no observer, tasks submitted with {@code captureOutput(true)} (printing nothing).</li>
 * </ul>
 * The forked JVM is the pool's parent, so it gets the Chronicle flags.
 */
@State(Scope.Benchmark)
@BenchmarkMode(Mode.AverageTime)
@OutputTimeUnit(TimeUnit.MICROSECONDS)
@Warmup(iterations = 3, time = 2)
@Measurement(iterations = 5, time = 2)
@Fork(value = 1, jvmArgsAppend = {
        ChronicleFlags.OPEN_REFLECT, ChronicleFlags.EXPORT_NIO_CHANNELS, ChronicleFlags.EXPORT_INTERNAL_REF})
public class PoolObserversBench {
    private static final int BURST = 256;
    private static final SerializableCallable<Integer> TASK = () -> 42;

    @Param({"none", "listener", "jfr", "capture"})
    public String observer;

    private ProcessPoolExecutor pool;
    private Recording recording;
    private TaskOptions options;

    /** Counts what it hears, so that the calls are not optimised away. */
    static final class CountingListener implements PoolListener {
        final LongAdder heard = new LongAdder();

        @Override
        public void taskSubmitted(Task task) {
            heard.increment();
        }

        @Override
        public void taskStarted(Task task, Worker worker) {
            heard.increment();
        }

        @Override
        public void taskCompleted(Task task) {
            heard.increment();
        }

        @Override
        public void taskFailed(Task task, Throwable failure) {
            heard.increment();
        }
    }

    @Setup
    public void setUp() throws Exception {
        ProcessPoolBuilder builder = ProcessPoolExecutor.builder().workers(1).workerOutput(WorkerOutput.DISCARD);
        options = TaskOptions.defaults().captureOutput(observer.equals("capture"));
        switch (observer) {
            case "listener" -> builder.listener(new CountingListener());
            case "jfr" -> {
                recording = new Recording();
                recording.enable("dev.procpool.TaskExecution");
                recording.enable("dev.procpool.WorkerStart");
                recording.enable("dev.procpool.WorkerExit");
                recording.setToDisk(false);
                recording.start();
            }
            case "none", "capture" -> { }
            default -> throw new IllegalArgumentException("unknown observer " + observer);
        }
        pool = builder.build();
        for (int i = 0; i < 1000; i++) { // the worker's first tasks load its classes
            pool.submit(TASK, options).get();
        }
    }

    @TearDown
    public void tearDown() {
        pool.close();
        if (recording != null) {
            recording.close();
        }
    }

    @Benchmark
    public Integer roundTrip() throws ExecutionException, InterruptedException {
        return pool.submit(TASK, options).get();
    }

    @Benchmark
    @OperationsPerInvocation(BURST)
    public int burst() throws ExecutionException, InterruptedException {
        List<Future<Integer>> futures = new ArrayList<>(BURST);
        for (int i = 0; i < BURST; i++) {
            futures.add(pool.submit(TASK, options));
        }
        int sum = 0;
        for (Future<Integer> future : futures) {
            sum += future.get();
        }
        return sum;
    }
}
