package dev.procpool.bench;

import dev.procpool.SerializableCallable;
import dev.procpool.SerializableFunction;
import dev.procpool.SharedData;

import java.io.IOException;
import java.io.Serializable;
import java.io.UncheckedIOException;
import java.nio.ByteBuffer;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardCopyOption;
import java.util.Arrays;
import java.util.Map;
import java.util.concurrent.Callable;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.locks.LockSupport;

/**
 * The tasks the harness ships to workers, the counterparts of the functions in {@code loky_bench.py}. They are
 * serializable lambdas, the way users write tasks, so the figures include what a lambda costs to ship.
 */
final class BenchTasks {
    private BenchTasks() {
    }

    /** loky_bench {@code inc(x)}: the trivial task. */
    static SerializableCallable<Integer> inc(int x) {
        return () -> x + 1;
    }

    /**
     * The trivial task as a {@code Callable} class, the way code written for {@code ExecutorService} ships tasks:
     * it takes the JDK-serialization path (or a faster one for such plain classes), not the lambda one.
     */
    static final class IncTask implements Callable<Integer>, Serializable {
        private static final long serialVersionUID = 1L;
        private final int x;

        IncTask(int x) {
            this.x = x;
        }

        @Override
        public Integer call() {
            return x + 1;
        }
    }

    /** The trivial task as a record, the way newer code writes tasks. */
    record IncRecord(int x) implements Callable<Integer>, Serializable {
        @Override
        public Integer call() {
            return x + 1;
        }
    }

    /** A {@code Callable} class holding the 100 MB argument in a field (JDK-serialized), returning its length. */
    static final class ArrayLengthTask implements Callable<Integer>, Serializable {
        private static final long serialVersionUID = 1L;
        private final byte[] data;

        ArrayLengthTask(byte[] data) {
            this.data = data;
        }

        @Override
        public Integer call() {
            return data.length;
        }
    }

    /** Reads all of {@code shared}: a checksum over its longs. */
    static SerializableCallable<Long> sumShared(SharedData shared) {
        return () -> checksum(shared.buffer());
    }

    /** Reads all of {@code data}, captured as an argument: the same checksum. */
    static SerializableCallable<Long> sumArgument(byte[] data) {
        return () -> checksum(ByteBuffer.wrap(data));
    }

    static long checksum(ByteBuffer bytes) {
        long sum = 0;
        int longs = bytes.limit() - Long.BYTES + 1;
        int i = 0;
        for (; i < longs; i += Long.BYTES) {
            sum += bytes.getLong(i);
        }
        for (; i < bytes.limit(); i++) {
            sum += bytes.get(i);
        }
        return sum;
    }

    /**
     * The trivial task that also says when it started, in {@link System#nanoTime()}, which on Linux (and macOS,
     * Windows) reads a clock shared by all processes: it splits a round trip into its way there and back.
     */
    static SerializableCallable<Long> stampedInc(int x) {
        return () -> System.nanoTime() + (x - x);
    }

    /** The function for {@code map}: {@code x -> x + 1}. */
    static SerializableFunction<Integer, Integer> incFunction() {
        return x -> x + 1;
    }

    static SerializableCallable<Long> pid() {
        return () -> ProcessHandle.current().pid();
    }

    /** loky_bench {@code sleep_pid(s)}: holds a worker, then says which one it was. */
    static SerializableCallable<Long> sleepPid(long millis) {
        return () -> {
            Thread.sleep(millis);
            return ProcessHandle.current().pid();
        };
    }

    /** loky_bench {@code length(obj)}: the 100 MB argument travels to the worker. */
    static SerializableCallable<Integer> length(byte[] data) {
        return () -> data.length;
    }

    /** loky_bench {@code warm_return}: build the payload in this worker (cached), hold the worker, say which. */
    static SerializableCallable<Long> warmReturn(int size, long holdMillis) {
        return () -> {
            WorkerCache.payload(size);
            Thread.sleep(holdMillis);
            return ProcessHandle.current().pid();
        };
    }

    /**
     * loky_bench {@code get_return}: return the cached payload itself (a {@code byte[]}, the common case; loky
     * returns a tuple with the cache flag, which {@link #isCached} reports here in a separate tiny task).
     */
    static SerializableCallable<byte[]> getReturn(int size) {
        return () -> WorkerCache.payload(size);
    }

    /** Whether this worker has the payload cached already. */
    static SerializableCallable<Boolean> isCached(int size) {
        return () -> WorkerCache.has(size);
    }

    /** loky_bench {@code busy(n)}: a CPU-bound loop the JIT cannot remove (a dependent multiply-add chain). */
    static SerializableFunction<Long, Long> busyFunction() {
        return BenchTasks::busy;
    }

    static long busy(long iterations) {
        long x = 1;
        for (long i = 0; i < iterations; i++) {
            x = x * 6364136223846793005L + 1442695040888963407L;
        }
        return x;
    }

    /** Writes this worker's pid to {@code pidFile}, then sleeps: the victim of the kill -9 test. */
    static SerializableCallable<Long> reportPidThenSleep(String pidFile, long millis) {
        return () -> {
            writePid(pidFile);
            Thread.sleep(millis);
            return ProcessHandle.current().pid();
        };
    }

    /** Writes this worker's pid, then waits until {@code releaseFile} exists: keeps a bystander worker busy. */
    static SerializableCallable<Long> reportPidThenWait(String pidFile, String releaseFile, long maxMillis) {
        return () -> {
            writePid(pidFile);
            long deadline = System.nanoTime() + TimeUnit.MILLISECONDS.toNanos(maxMillis);
            while (!Files.exists(Path.of(releaseFile)) && System.nanoTime() < deadline) {
                LockSupport.parkNanos(TimeUnit.MILLISECONDS.toNanos(1));
            }
            return ProcessHandle.current().pid();
        };
    }

    /**
     * Writes this worker's pid into {@code dir}, then waits until {@code parties} workers have done so: the tasks
     * can only all return their pid once that many workers run at the same time, so their answers mean "all
     * workers up". Returns the negated pid if the others did not arrive within {@code maxMillis} (a pool that
     * queues a party behind another on one worker would otherwise wait forever).
     */
    static SerializableCallable<Long> rendezvous(String dir, int parties, long maxMillis) {
        return () -> {
            long pid = ProcessHandle.current().pid();
            writePid(Path.of(dir, "pid-" + pid).toString());
            long deadline = System.nanoTime() + TimeUnit.MILLISECONDS.toNanos(maxMillis);
            while (System.nanoTime() < deadline) {
                try (var files = Files.list(Path.of(dir))) {
                    if (files.filter(f -> !f.getFileName().toString().endsWith(".tmp")).count() >= parties) {
                        return pid;
                    }
                }
                LockSupport.parkNanos(TimeUnit.MILLISECONDS.toNanos(1));
            }
            return -pid;
        };
    }

    /** Writes this worker's pid, then spins and ignores interrupts: only killing its worker ends it. */
    static SerializableCallable<Long> reportPidThenHang(String pidFile) {
        return () -> {
            writePid(pidFile);
            while (true) {
                Thread.onSpinWait();
            }
        };
    }

    /**
     * The first attempt writes its pid and halts its worker; a retry (the pid file exists) returns when it started,
     * in {@link System#nanoTime()}.
     */
    static SerializableCallable<Long> haltOnceThenStamp(String pidFile) {
        return () -> {
            if (!Files.exists(Path.of(pidFile))) {
                writePid(pidFile);
                Runtime.getRuntime().halt(1);
            }
            return System.nanoTime();
        };
    }

    private static void writePid(String pidFile) {
        try {
            Path target = Path.of(pidFile);
            Path tmp = Path.of(pidFile + ".tmp");
            Files.writeString(tmp, Long.toString(ProcessHandle.current().pid()), StandardCharsets.US_ASCII);
            Files.move(tmp, target, StandardCopyOption.ATOMIC_MOVE);
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
    }

    /** Per-worker-JVM cache of large payloads, like {@code _CACHE} in loky_bench.py. */
    static final class WorkerCache {
        private static final Map<Integer, byte[]> PAYLOADS = new ConcurrentHashMap<>();

        private WorkerCache() {
        }

        static boolean has(int size) {
            return PAYLOADS.containsKey(size);
        }

        static byte[] payload(int size) {
            return PAYLOADS.computeIfAbsent(size, n -> {
                byte[] data = new byte[n];
                Arrays.fill(data, (byte) 2);
                return data;
            });
        }
    }
}
