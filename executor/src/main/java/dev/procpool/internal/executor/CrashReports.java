package dev.procpool.internal.executor;

import dev.procpool.WorkerCrashedException;
import dev.procpool.WorkerStartException;
import dev.procpool.internal.ipc.WorkerStderr;
import dev.procpool.internal.launcher.Platform;

import java.util.List;

/** Turns what is known about a dead worker into the message a user reads. Pure functions. */
final class CrashReports {
    private static final int STDERR_LINES_SHOWN = 15;

    private CrashReports() {
    }

    static WorkerCrashedException crash(int workerId, long pid, int exitCode, List<String> stderr,
                                        List<String> stdout, String task) {
        return crash(workerId, pid, exitCode, stderr, stdout, task, null);
    }

    /** {@code errorReport}: what the worker's fatal-error report said, or null when it left none. */
    static WorkerCrashedException crash(int workerId, long pid, int exitCode, List<String> stderr,
                                        List<String> stdout, String task, ErrorReportFiles.Report errorReport) {
        String signal = Platform.describeExitCode(Platform.current(), exitCode);
        List<String> both = new java.util.ArrayList<>(stdout);
        both.addAll(stderr);
        String cause = errorReport == null ? likelyCause(exitCode, signal, both)
                : "the JVM crashed in native code (a fatal error: " + errorReport.describe() + ")";
        String message = "worker " + workerId + " (pid " + pid + ") exited with code " + exitCode
                + (signal == null ? "" : " (" + signal + ")") + " while running " + task + ": "
                + cause + stderrSection(stderr);
        return new WorkerCrashedException(message, workerId, pid, exitCode, signal, stderr);
    }

    /**
     * A worker the pool killed because one of its channels faulted (a queue or its activity file corrupted or
     * truncated): the report names the fault, the task it cost, and the likely culprit.
     */
    static WorkerCrashedException channelFault(int workerId, long pid, int exitCode, List<String> stderr, String task,
                                               String fault, java.nio.file.Path folder) {
        String signal = Platform.describeExitCode(Platform.current(), exitCode);
        String message = "worker " + workerId + " (pid " + pid + ") was replaced while running " + task + " because "
                + fault + "; it exited with code " + exitCode + (signal == null ? "" : " (" + signal + ")")
                + " once killed. A task that writes to, truncates or deletes the pool's files (here " + folder
                + ") causes this; only that task is blamed." + stderrSection(stderr);
        return new WorkerCrashedException(message, workerId, pid, exitCode, signal, stderr);
    }

    /** The exception for a task that crashed its worker on every attempt; earlier crashes are suppressed. */
    static WorkerCrashedException finalCrash(String task, List<WorkerCrashedException> crashes) {
        WorkerCrashedException last = crashes.get(crashes.size() - 1);
        if (crashes.size() == 1) {
            return last;
        }
        StringBuilder message = new StringBuilder(task).append(" crashed its worker on all ").append(crashes.size())
                .append(" attempts, so it is not tried again (the workers it shared nothing with are not blamed):");
        for (int i = 0; i < crashes.size(); i++) {
            WorkerCrashedException crash = crashes.get(i);
            message.append("\n  attempt ").append(i + 1).append(": worker ").append(crash.workerId()).append(" (pid ")
                    .append(crash.pid()).append(") exited with code ").append(crash.exitCode())
                    .append(crash.signal().map(s -> " (" + s + ")").orElse(""));
        }
        message.append("\nLast attempt: ").append(last.getMessage());
        WorkerCrashedException result = new WorkerCrashedException(message.toString(), last.workerId(), last.pid(),
                last.exitCode(), last.signal().orElse(null), last.lastStderrLines());
        crashes.subList(0, crashes.size() - 1).forEach(result::addSuppressed);
        return result;
    }

    /**
     * Whether a worker that exited with this signal was ended from outside (kill, the OOM killer, a terminal's
     * hang-up or interrupt) rather than by anything in its own start: crashes like SIGSEGV or SIGABRT are its own.
     */
    static boolean killedFromOutside(String signal) {
        return signal != null && switch (signal) {
            case "SIGKILL", "SIGTERM", "SIGINT", "SIGHUP", "STATUS_CONTROL_C_EXIT" -> true;
            default -> false;
        };
    }

    static WorkerStartException startFailure(int workerId, long pid, String what, List<String> stderr, Throwable cause) {
        String message = "worker " + workerId + (pid > 0 ? " (pid " + pid + ")" : "") + " could not start: " + what
                + ". Check the pool's jvmOptions, environment and working directory, and that procpool's jars are "
                + "on the class path" + stderrSection(stderr);
        return new WorkerStartException(message, stderr, cause);
    }

    /** {@code output} holds the worker's last stdout and stderr lines: the JVM writes some reports to each. */
    static String likelyCause(int exitCode, String signal, List<String> output) {
        List<String> stderr = output;
        String oom = find(stderr, "java.lang.OutOfMemoryError");
        if (oom != null) {
            return "it ran out of memory (" + oom.trim() + "); workers exit on an OutOfMemoryError. Give workers more "
                    + "heap with jvmOptions(\"-Xmx...\") or make the task use less";
        }
        int report = indexOf(stderr, "An error report file with more information is saved as");
        if (report >= 0) {
            String file = report + 1 < stderr.size() ? stderr.get(report + 1).replaceFirst("^#\\s*", "").trim() : "";
            return "the JVM crashed in native code (a fatal error"
                    + (signal == null ? "" : ", " + signal) + "); its error report is " + file;
        }
        String exit = find(stderr, WorkerStderr.SYSTEM_EXIT_MARKER);
        if (exit != null) {
            int at = exit.indexOf(" at ");
            return "the task called System.exit(" + exitCode + "), which ends the worker JVM"
                    + (at < 0 ? "" : "; it was called" + exit.substring(at));
        }
        if ("SIGKILL".equals(signal)) {
            return "it was killed with SIGKILL, from outside (kill -9) or by the operating system, "
                    + "often for using too much memory";
        }
        if (signal != null) {
            return "it was ended by " + signal;
        }
        return "it ended without saying goodbye: Runtime.halt or System.exit in the task, or killed from outside";
    }

    private static String stderrSection(List<String> stderr) {
        if (stderr.isEmpty()) {
            return ". It wrote nothing to stderr.";
        }
        List<String> shown = stderr.subList(Math.max(0, stderr.size() - STDERR_LINES_SHOWN), stderr.size());
        return ". Its last stderr lines:\n    " + String.join("\n    ", shown);
    }

    private static String find(List<String> lines, String text) {
        int i = indexOf(lines, text);
        return i < 0 ? null : lines.get(i);
    }

    private static int indexOf(List<String> lines, String text) {
        for (int i = 0; i < lines.size(); i++) {
            if (lines.get(i).contains(text)) {
                return i;
            }
        }
        return -1;
    }
}
