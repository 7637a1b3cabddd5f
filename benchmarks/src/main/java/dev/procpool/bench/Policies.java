package dev.procpool.bench;

import dev.procpool.ProcessPoolBuilder;
import dev.procpool.ProcessPoolExecutor;
import dev.procpool.TaskOptions;

import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Locale;
import java.util.concurrent.ExecutionException;
import java.util.concurrent.Future;
import java.util.concurrent.TimeUnit;

/**
 * Section "policies" (procpool only; loky has no time limits, retries or cancellation of running tasks): what
 * issue 3's policies cost in time. Hard time limit: the worker's exit after soft limit + grace, and from that
 * exit to a replacement's answer. Retry: from a worker's crash to the retried task starting on the other worker,
 * and the round trip with {@code retries(2)} against none, interleaved. Cancellation: {@code cancel(true)} of a
 * task that honours the interrupt to its worker answering again, and of one that ignores it to a replacement's
 * answer (grace included).
 */
final class Policies {
    private static final long WAIT_S = 60;
    private static final Duration LIMIT = Duration.ofMillis(200);
    private static final Duration GRACE = Duration.ofMillis(100);
    /** Worker kills come at least this far apart, as in the crash section: time to recover, spare included. */
    private static final long KILL_SPACING_MS = Crash.KILL_SPACING_MS;
    /** Round trips per block when comparing two pools; blocks alternate between the pools. */
    private static final int BLOCK = 500;

    private Policies() {
    }

    static void run(Params p, Report report, BenchMain.Progress progress) throws Exception {
        Path dir = Files.createTempDirectory("procpool-bench-policies-");
        try {
            hardLimit(p, report, dir);
            progress.line("hard time limit done");
            retry(p, report, dir);
            progress.line("retry done");
            cancel(p, report, dir);
            progress.line("cancellation done");
        } finally {
            BenchFiles.deleteTree(dir);
        }
    }

    /** One worker, so that only a replacement can answer the task queued behind the hung one. */
    private static void hardLimit(Params p, Report report, Path dir) throws Exception {
        List<Double> overshootMs = new ArrayList<>();
        List<Double> replaceMs = new ArrayList<>();
        try (ProcessPoolExecutor pool = builder(1).build()) {
            Pools.warm(pool, 1);
            for (int rep = 0; rep < p.crashReps(); rep++) {
                spaceKills(rep);
                Path pidFile = dir.resolve("hung-" + rep);
                Future<Long> hung = pool.submit(BenchTasks.reportPidThenHang(pidFile.toString()),
                        TaskOptions.defaults().timeLimit(LIMIT));
                long pid = BenchFiles.awaitPid(pidFile);
                long[] exitedAt = new long[1];
                var exited = ProcessHandle.of(pid).orElseThrow().onExit().thenRun(() -> exitedAt[0] = System.nanoTime());
                long tStarted = System.nanoTime(); // the task started a little before: the pid file came first
                Future<Long> next = pool.submit(BenchTasks.pid());
                expectFailure(hung, "TaskTimeoutException");
                exited.get(WAIT_S, TimeUnit.SECONDS);
                long by = next.get(WAIT_S, TimeUnit.SECONDS);
                long tAnswered = System.nanoTime();
                if (by == pid) {
                    throw new IllegalStateException("the hung worker " + pid + " answered after its hard limit");
                }
                overshootMs.add((exitedAt[0] - tStarted) / 1e6 - LIMIT.toMillis() - GRACE.toMillis());
                replaceMs.add((tAnswered - exitedAt[0]) / 1e6);
            }
        }
        report.note("  policies: hard-limit kill -> replacement, each rep: " + replaceMs.stream().map(Report::format).toList()
                + " ms (the first before the pool kept a spare; kills " + KILL_SPACING_MS / 1000 + " s apart)");
        report.millis("policies.hard.overshoot", "hard limit: worker gone after soft + grace, late by (ms)", overshootMs, "");
        report.millis("policies.hard.replace", "hard-limit kill -> replacement answers (ms)", replaceMs, "");
        report.note("  policies: hard limit = time limit " + LIMIT.toMillis() + " ms + interrupt grace "
                + GRACE.toMillis() + " ms on a task that ignores interrupts, 1 worker; 'late by' counts from the"
                + " moment the harness saw the task start, so it includes the scheduler noticing the start");
    }

    private static void retry(Params p, Report report, Path dir) throws Exception {
        List<Double> retryMs = new ArrayList<>();
        try (ProcessPoolExecutor pool = builder(2).retries(1).build()) {
            Pools.warm(pool, 2);
            for (int rep = 0; rep < p.crashReps(); rep++) {
                Path pidFile = dir.resolve("halt-" + rep);
                Future<Long> task = pool.submit(BenchTasks.haltOnceThenStamp(pidFile.toString()));
                long pid = BenchFiles.awaitPid(pidFile);
                long[] exitedAt = new long[1];
                var exited = ProcessHandle.of(pid).orElseThrow().onExit().thenRun(() -> exitedAt[0] = System.nanoTime());
                long retryStarted = task.get(WAIT_S, TimeUnit.SECONDS);
                exited.get(WAIT_S, TimeUnit.SECONDS);
                retryMs.add((retryStarted - exitedAt[0]) / 1e6);
                Pools.warm(pool, 2); // the replacement is up before the next crash
            }
        }
        report.millis("policies.retry", "retries(1): worker crash -> retry starts on the other worker (ms)", retryMs, "");

        int blocks = Math.max(2, p.latN() * p.latBlocks() / BLOCK / 2);
        double[] plain = new double[blocks * BLOCK];
        double[] retrying = new double[blocks * BLOCK];
        try (ProcessPoolExecutor none = builder(1).build();
             ProcessPoolExecutor two = builder(1).retries(2).build()) {
            Pools.warm(none, 1);
            Pools.warm(two, 1);
            for (int i = 0; i < p.latWarmup(); i++) {
                none.submit(BenchTasks.inc(i)).get(WAIT_S, TimeUnit.SECONDS);
                two.submit(BenchTasks.inc(i)).get(WAIT_S, TimeUnit.SECONDS);
            }
            for (int b = 0; b < blocks; b++) { // whole blocks, so that each pool's worker stays warm through one
                for (int i = 0; i < BLOCK; i++) {
                    plain[b * BLOCK + i] = roundTripUs(none, i);
                }
                for (int i = 0; i < BLOCK; i++) {
                    retrying[b * BLOCK + i] = roundTripUs(two, i);
                }
            }
        }
        double ratio = Stats.median(retrying) / Stats.median(plain);
        report.row("policies.retry.cost", "round trip with retries(2) / without, medians (x)", ratio,
                String.format(Locale.ROOT, "%.2f (%s / %s us)", ratio, Report.format(Stats.median(retrying)),
                        Report.format(Stats.median(plain))), "x", Report.Better.LOWER, "");
    }

    private static void cancel(Params p, Report report, Path dir) throws Exception {
        List<Double> freeMs = new ArrayList<>();
        List<Double> killMs = new ArrayList<>();
        try (ProcessPoolExecutor pool = builder(1).build()) {
            Pools.warm(pool, 1);
            for (int rep = -1; rep < p.crashReps(); rep++) { // one untimed round first: the worker's first cancel
                Path pidFile = dir.resolve("sleeper-" + rep);
                Future<Long> sleeper = pool.submit(BenchTasks.reportPidThenSleep(pidFile.toString(), 120_000));
                long pid = BenchFiles.awaitPid(pidFile);
                long t0 = System.nanoTime();
                sleeper.cancel(true);
                long by = pool.submit(BenchTasks.pid()).get(WAIT_S, TimeUnit.SECONDS);
                if (rep >= 0) {
                    freeMs.add((System.nanoTime() - t0) / 1e6);
                }
                if (by != pid) {
                    throw new IllegalStateException("the interrupted task cost its worker " + pid);
                }
            }
            for (int rep = 0; rep < p.crashReps(); rep++) {
                spaceKills(rep);
                Path hungFile = dir.resolve("hung-cancel-" + rep);
                Future<Long> hung = pool.submit(BenchTasks.reportPidThenHang(hungFile.toString()));
                long hungPid = BenchFiles.awaitPid(hungFile);
                long t0 = System.nanoTime();
                hung.cancel(true);
                long by = pool.submit(BenchTasks.pid()).get(WAIT_S, TimeUnit.SECONDS);
                killMs.add((System.nanoTime() - t0) / 1e6);
                if (by == hungPid) {
                    throw new IllegalStateException("the worker " + hungPid + " of an ignored cancel answered");
                }
            }
        }
        report.millis("policies.cancel.free", "cancel(true), task stops -> its worker answers again (ms)", freeMs, "");
        report.millis("policies.cancel.kill", "cancel(true), interrupt ignored -> replacement answers (ms)", killMs, "");
        report.note("  policies: cancel(true) of a task that ignores the interrupt waits the interrupt grace ("
                + GRACE.toMillis() + " ms here, 1 s by default) before the worker is killed");
    }

    /** Before every kill but the first, waits until the previous one is {@link #KILL_SPACING_MS} ago. */
    private static long lastKillNs;

    private static void spaceKills(int rep) throws InterruptedException {
        long left = lastKillNs + TimeUnit.MILLISECONDS.toNanos(KILL_SPACING_MS) - System.nanoTime();
        if (rep > 0 && left > 0) {
            TimeUnit.NANOSECONDS.sleep(left);
        }
        lastKillNs = System.nanoTime();
    }

    private static ProcessPoolBuilder builder(int workers) {
        return Pools.builder(workers).interruptGrace(GRACE);
    }

    private static double roundTripUs(ProcessPoolExecutor pool, int i) throws Exception {
        long t0 = System.nanoTime();
        int r = pool.submit(BenchTasks.inc(i)).get(WAIT_S, TimeUnit.SECONDS);
        double us = (System.nanoTime() - t0) / 1e3;
        if (r != i + 1) {
            throw new IllegalStateException("inc(" + i + ") answered " + r);
        }
        return us;
    }

    private static void expectFailure(Future<?> future, String exception) throws Exception {
        try {
            future.get(WAIT_S, TimeUnit.SECONDS);
            throw new IllegalStateException("expected " + exception + ", the task completed");
        } catch (ExecutionException e) {
            if (!e.getCause().getClass().getSimpleName().equals(exception)) {
                throw new IllegalStateException("expected " + exception + ", got " + e.getCause(), e);
            }
        }
    }


}
