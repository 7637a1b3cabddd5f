package dev.procpool.bench;

import dev.procpool.ProcessPoolExecutor;

import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Set;
import java.util.concurrent.ExecutionException;
import java.util.concurrent.Future;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.TimeoutException;

/**
 * Section 5, crash: {@code kill -9} of a busy worker from the parent. The victim task writes its pid and sleeps;
 * a bystander task holds the other worker. After the kill: how long until the victim's future fails, and until
 * a task submitted right after the kill is answered by a new worker (the bystander is still busy, so only a
 * replacement can answer). The bystander is then released and must complete normally.
 */
final class Crash {
    private static final long WAIT_S = 60;
    /** A replacement that takes longer than this is reported as missing rather than waited for. */
    private static final long REPLACEMENT_WAIT_S = 20;
    /**
     * Kills come at least this far apart, time in which the pool recovers (its replacement and spare start),
     * as between the crashes of a real job. Back to back, a kill often meets a spare still starting.
     */
    static final long KILL_SPACING_MS = 3_000;

    private Crash() {
    }

    static void run(Params p, Report report, BenchMain.Progress progress) throws Exception {
        List<Double> failMs = new ArrayList<>();
        List<Double> replaceMs = new ArrayList<>();
        List<Double> reapMs = new ArrayList<>();
        Set<String> failures = new LinkedHashSet<>();
        Set<String> bystanders = new LinkedHashSet<>();
        Path dir = Files.createTempDirectory("procpool-bench-crash-");
        try (ProcessPoolExecutor pool = Pools.create(Params.WORKERS)) {
            Pools.warm(pool, Params.WORKERS);
            long lastKill = System.nanoTime(); // the first kill too comes after an idle spell, as in a real job
            for (int rep = 0; rep < p.crashReps(); rep++) {
                long spacingLeftNs = lastKill + TimeUnit.MILLISECONDS.toNanos(KILL_SPACING_MS) - System.nanoTime();
                if (spacingLeftNs > 0) {
                    TimeUnit.NANOSECONDS.sleep(spacingLeftNs);
                }
                Path victimFile = dir.resolve("victim-" + rep);
                Path bystanderFile = dir.resolve("bystander-" + rep);
                Path release = dir.resolve("release-" + rep);
                Future<Long> victim = pool.submit(BenchTasks.reportPidThenSleep(victimFile.toString(), 120_000));
                long victimPid = BenchFiles.awaitPid(victimFile);
                Future<Long> bystander = pool.submit(BenchTasks.reportPidThenWait(bystanderFile.toString(),
                        release.toString(), 120_000));
                long bystanderPid = BenchFiles.awaitPid(bystanderFile);
                if (victimPid == bystanderPid) {
                    throw new IllegalStateException("victim and bystander ran on the same worker " + victimPid);
                }

                ProcessHandle victimProcess = ProcessHandle.of(victimPid).orElseThrow();
                long[] reapedAt = new long[1];
                var reaped = victimProcess.onExit().thenRun(() -> reapedAt[0] = System.nanoTime());
                long tKill = System.nanoTime();
                lastKill = tKill;
                victimProcess.destroyForcibly();
                Future<Long> next = pool.submit(BenchTasks.pid());
                try {
                    victim.get(WAIT_S, TimeUnit.SECONDS);
                    failures.add("no failure: the victim's future completed normally");
                } catch (ExecutionException e) {
                    failMs.add((System.nanoTime() - tKill) / 1e6);
                    failures.add(e.getCause().getClass().getSimpleName() + ": "
                            + String.valueOf(e.getCause().getMessage()).lines().findFirst().orElse(""));
                }
                reaped.get(WAIT_S, TimeUnit.SECONDS);
                reapMs.add((reapedAt[0] - tKill) / 1e6);
                long answeredBy;
                try {
                    answeredBy = next.get(REPLACEMENT_WAIT_S, TimeUnit.SECONDS);
                    replaceMs.add((System.nanoTime() - tKill) / 1e6);
                } catch (TimeoutException e) {
                    // queued behind the bystander instead of waiting for the replacement: release it, or wait forever
                    Files.writeString(release, "go", StandardCharsets.US_ASCII);
                    answeredBy = next.get(WAIT_S, TimeUnit.SECONDS);
                    failures.add("the task submitted after the kill got no answer within " + REPLACEMENT_WAIT_S
                            + " s (queued behind the busy bystander?), answered by " + answeredBy + " once released");
                }
                if (answeredBy == victimPid || answeredBy == bystanderPid) {
                    failures.add("the next task was answered by old worker " + answeredBy + ", not a replacement");
                }

                if (!Files.exists(release)) {
                    Files.writeString(release, "go", StandardCharsets.US_ASCII);
                }
                try {
                    long by = bystander.get(WAIT_S, TimeUnit.SECONDS);
                    bystanders.add(by == bystanderPid ? "completed normally" : "completed by another worker " + by);
                } catch (ExecutionException e) {
                    bystanders.add("FAILED: " + e.getCause());
                }
                progress.line("crash rep " + (rep + 1) + "/" + p.crashReps() + " done");
            }
        } finally {
            BenchFiles.deleteTree(dir);
        }
        report.millis("crash.fail", "kill -9 busy worker -> its future fails (ms)", failMs, "<= 20 ms, only that task");
        report.millis("crash.replace", "kill -9 busy worker -> replacement answers (ms)", replaceMs, "<= 150 ms");
        report.note("  crash: median (min-max) of " + p.crashReps() + "; loky's figures are its own: submit of a task"
                + " that SIGKILLs itself -> future raises, and raise -> first result of a new executor (its pool breaks)");
        if (!replaceMs.isEmpty()) {
            report.note("  crash: the first kill, " + KILL_SPACING_MS / 1000 + " s after warm-up (a pool idle 250 ms starts"
                    + " its spare ahead of the first loss; one kept busy until the kill has none, ~0.45 s):"
                    + " replacement answered after " + Report.format(replaceMs.get(0)) + " ms; later ones: "
                    + replaceMs.subList(1, replaceMs.size()).stream().map(Report::format).toList() + " ms");
        }
        report.note("  crash: kill -9 -> the JDK saw the process exit (ProcessHandle.onExit in the parent): median "
                + Report.format(Stats.median(reapMs)) + " ms; the rest of 'future fails' is procpool's reaction");
        report.note("  crash: victim's failure: " + String.join(" | ", failures));
        report.note("  crash: bystander task on the other worker: " + String.join(" | ", bystanders));
    }



}
