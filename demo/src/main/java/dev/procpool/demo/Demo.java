package dev.procpool.demo;

import dev.procpool.BatchProgress;
import dev.procpool.Outcome;
import dev.procpool.ProcessPoolExecutor;
import dev.procpool.SerializableCallable;
import dev.procpool.WorkerCrashedException;

import java.io.IOException;
import java.io.Serializable;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Set;
import java.util.concurrent.ExecutionException;
import java.util.concurrent.Future;
import java.util.concurrent.TimeUnit;
import java.util.stream.IntStream;
import java.util.stream.Stream;

/**
 * The job the README runs first: a pool of two worker JVMs runs a small batch in which one task kills its own
 * worker. It prints what happened to every task and shows that a replacement worker takes over; then a streamed
 * batch with a progress bar and a journal is stopped half-way and resumed by a second pool. Exits with 1
 * if anything turned out other than described, so the demo doubles as a check.
 */
public final class Demo {
    private static final int WORKERS = 2;
    private static final int CRASHING_TASK = 3;
    private static final int CRASH_EXIT_CODE = 42;
    private static final long PID_PROBE_TIMEOUT_NS = TimeUnit.SECONDS.toNanos(60);
    private static final int BATCH_INPUTS = 2_000;
    private static final int POISON_INPUT = 1_234;
    private static final int THROWING_INPUT = 77;

    private final List<String> problems = new ArrayList<>();

    private Demo() {
    }

    public static void main(String[] args) throws Exception {
        Demo demo = new Demo();
        demo.run();
        if (!demo.problems.isEmpty()) {
            System.out.println();
            System.out.println("DEMO FAILED: " + String.join("; ", demo.problems));
            System.exit(1);
        }
        System.out.println();
        System.out.println("Demo finished: every task but the crashing one succeeded, the pool carried on, and the"
                + " batch resumed from its journal.");
    }

    private void run() throws Exception {
        System.out.println("procpool demo: parent JVM pid " + ProcessHandle.current().pid() + ", Java "
                + Runtime.version() + ", " + WORKERS + " worker JVMs");
        try (ProcessPoolExecutor pool = ProcessPoolExecutor.builder().workers(WORKERS).build()) {
            section("1. map: count the primes below each limit, one input per task");
            List<Integer> limits = List.of(100_000, 200_000, 300_000, 400_000, 500_000, 600_000);
            List<PrimeCount> counts = pool.map(Demo::countPrimes, limits, 1);
            for (PrimeCount count : counts) {
                System.out.printf("   primes below %,9d: %,6d   (computed in worker pid %d)%n",
                        count.limit, count.primes, count.workerPid);
            }
            check(counts.get(0).primes == 9_592, "there are 9592 primes below 100000, the pool said " + counts.get(0).primes);

            Set<Long> before = workerPids(pool);
            System.out.println();
            System.out.println("   worker pids now: " + before);

            section("2. submit 6 tasks; task " + CRASHING_TASK + " kills its own worker with Runtime.halt("
                    + CRASH_EXIT_CODE + "), task 5 throws an ordinary exception");
            List<Future<String>> futures = new ArrayList<>();
            for (int i = 1; i <= 6; i++) {
                futures.add(pool.submit(task(i)));
            }
            int succeeded = 0;
            long crashedPid = -1;
            for (int i = 1; i <= futures.size(); i++) {
                try {
                    System.out.println("   task " + i + ": " + futures.get(i - 1).get());
                    succeeded++;
                } catch (ExecutionException e) {
                    Throwable cause = e.getCause();
                    if (cause instanceof WorkerCrashedException crash) {
                        crashedPid = crash.pid();
                        System.out.println("   task " + i + ": FAILED with ExecutionException caused by "
                                + "WorkerCrashedException (worker " + crash.workerId() + ", pid " + crash.pid()
                                + ", exit code " + crash.exitCode() + "). Its message:");
                        cause.getMessage().lines().forEach(line -> System.out.println("       | " + line));
                        check(i == CRASHING_TASK, "task " + i + " was not meant to crash its worker");
                        check(crash.exitCode() == CRASH_EXIT_CODE, "the exit code should be " + CRASH_EXIT_CODE);
                    } else {
                        System.out.println("   task " + i + ": FAILED with ExecutionException caused by " + cause
                                + " (thrown by the task; its worker lives on)");
                        check(cause instanceof IllegalArgumentException && i == 5,
                                "task " + i + " failed unexpectedly: " + cause);
                    }
                }
            }
            System.out.println("   => " + succeeded + " of " + futures.size()
                    + " tasks succeeded; only the task whose worker died got a WorkerCrashedException.");
            check(succeeded == 4, "4 of 6 tasks should succeed, " + succeeded + " did");
            check(before.contains(crashedPid), "the crashed worker's pid " + crashedPid + " should be one of " + before);

            section("3. after the crash");
            Set<Long> after = workerPids(pool);
            Set<Long> replacements = new LinkedHashSet<>(after);
            replacements.removeAll(before);
            System.out.println("   worker pids before the crash: " + before);
            System.out.println("   worker pids after the crash:  " + after);
            System.out.println("   pid " + crashedPid + " is gone; replacement worker pid(s) " + replacements
                    + " now serve tasks.");
            check(!after.contains(crashedPid), "the crashed worker's pid should no longer serve tasks");
            check(replacements.size() == 1, "exactly one replacement worker should have started, saw " + replacements);

            List<Integer> squares = pool.map(x -> x * x, List.of(1, 2, 3, 4, 5));
            System.out.println("   one more map over [1..5] squared: " + squares);
            check(squares.equals(List.of(1, 4, 9, 16, 25)), "squares were " + squares);
        }
        System.out.println();
        System.out.println("Pool closed: all worker JVMs have exited and the pool's files are removed.");
        batch();
    }

    /**
     * Section 4: a journaled batch with the console progress reporter, stopped half-way and resumed by a second
     * pool; the results are worker pids, so replayed outcomes show the first pool's workers.
     */
    private void batch() throws IOException {
        section("4. batch: " + BATCH_INPUTS + " inputs streamed with a progress bar (on stderr) and a journal;"
                + " input " + POISON_INPUT + " halts its worker, input " + THROWING_INPUT + " throws");
        Path folder = Files.createTempDirectory("procpool-demo-");
        Path journal = folder.resolve("demo.journal");
        List<Integer> inputs = IntStream.range(0, BATCH_INPUTS).boxed().toList();
        Set<Long> firstPids = new LinkedHashSet<>();
        try {
            try (ProcessPoolExecutor pool = ProcessPoolExecutor.builder().workers(WORKERS).build();
                 Stream<Outcome<Integer, Long>> outcomes = pool.batch(Demo::batchInput, inputs)
                         .onProgress(BatchProgress.console()).journal(journal).stream()) {
                outcomes.limit(BATCH_INPUTS / 2).filter(Outcome::succeeded).forEach(o -> firstPids.add(o.result()));
            } // as if the job were stopped half-way: the stream and the pool are closed
            System.out.println("   first pool: read " + BATCH_INPUTS / 2 + " outcomes, then stopped; journal "
                    + Files.size(journal) + " bytes");

            int replayed = 0;
            int ran = 0;
            List<String> failures = new ArrayList<>();
            try (ProcessPoolExecutor pool = ProcessPoolExecutor.builder().workers(WORKERS).build();
                 Stream<Outcome<Integer, Long>> outcomes = pool.batch(Demo::batchInput, inputs)
                         .onProgress(BatchProgress.console()).journal(journal).stream()) {
                for (Outcome<Integer, Long> o : (Iterable<Outcome<Integer, Long>>) outcomes::iterator) {
                    if (!o.succeeded()) {
                        failures.add("input " + o.index() + ": " + o.failure().getClass().getSimpleName());
                    } else if (firstPids.contains(o.result())) {
                        replayed++;
                    } else {
                        ran++;
                    }
                }
            }
            System.out.println("   second pool, same journal: " + replayed + " outcomes replayed from the journal, "
                    + ran + " inputs run, failed: " + failures);
            check(replayed >= BATCH_INPUTS / 2 - 1, "the first half should be replayed, " + replayed + " were");
            check(replayed + ran + failures.size() == BATCH_INPUTS, "one outcome per input");
            check(failures.equals(List.of("input " + THROWING_INPUT + ": IllegalArgumentException",
                    "input " + POISON_INPUT + ": WorkerCrashedException")), "failures were " + failures);
        } finally {
            Files.deleteIfExists(journal); // a completed journal is only needed to resume; delete it
            Files.deleteIfExists(folder);
        }
    }

    /** The batch's function: a little work, then the worker's pid; two inputs misbehave. */
    private static long batchInput(int x) {
        if (x == POISON_INPUT) {
            Runtime.getRuntime().halt(CRASH_EXIT_CODE);
        }
        if (x == THROWING_INPUT) {
            throw new IllegalArgumentException("input " + x + " refuses to be processed");
        }
        IntStream.range(2, 20_000).filter(Demo::isPrime).count();
        return ProcessHandle.current().pid();
    }

    /** Task {@code i} of section 2: most return a line of text, one halts its worker, one throws. */
    private static SerializableCallable<String> task(int i) {
        return () -> {
            long pid = ProcessHandle.current().pid();
            if (i == CRASHING_TASK) {
                System.out.println("task " + i + " in worker pid " + pid + ": calling Runtime.getRuntime().halt("
                        + CRASH_EXIT_CODE + ")");
                System.out.flush();
                Runtime.getRuntime().halt(CRASH_EXIT_CODE);
            }
            if (i == 5) {
                throw new IllegalArgumentException("task 5 refuses its input (an ordinary task exception)");
            }
            Thread.sleep(100); // long enough that both workers take part
            return i + " * " + i + " = " + i * i + "   (worker pid " + pid + ")";
        };
    }

    /**
     * The pids of the pool's workers, found by tasks that report their own pid. Each probe task sleeps a little,
     * so that while one worker is busy the scheduler hands the next probe to the other one.
     */
    private static Set<Long> workerPids(ProcessPoolExecutor pool) throws InterruptedException, ExecutionException {
        Set<Long> pids = new LinkedHashSet<>();
        long deadline = System.nanoTime() + PID_PROBE_TIMEOUT_NS;
        while (pids.size() < pool.workers() && System.nanoTime() < deadline) {
            List<Future<Long>> probes = new ArrayList<>();
            for (int i = 0; i < pool.workers(); i++) {
                probes.add(pool.submit(() -> {
                    Thread.sleep(200);
                    return ProcessHandle.current().pid();
                }));
            }
            for (Future<Long> probe : probes) {
                pids.add(probe.get());
            }
        }
        return pids;
    }

    /** The result of one map task; a record the worker sends back, so it is serializable. */
    record PrimeCount(int limit, int primes, long workerPid) implements Serializable {
    }

    private static PrimeCount countPrimes(int limit) {
        int primes = (int) IntStream.range(2, limit).filter(Demo::isPrime).count();
        return new PrimeCount(limit, primes, ProcessHandle.current().pid());
    }

    private static boolean isPrime(int n) {
        for (int d = 2; (long) d * d <= n; d++) {
            if (n % d == 0) {
                return false;
            }
        }
        return true;
    }

    private static void section(String title) {
        System.out.println();
        System.out.println(title);
    }

    private void check(boolean condition, String problem) {
        if (!condition) {
            problems.add(problem);
            System.out.println("   !! unexpected: " + problem);
        }
    }
}
