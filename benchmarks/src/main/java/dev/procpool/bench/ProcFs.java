package dev.procpool.bench;

import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import java.util.OptionalLong;
import java.util.concurrent.TimeUnit;

/**
 * What the harness reads from Linux's {@code /proc}: load average, a process's memory and CPU time, the whole
 * machine's busy time. Every method answers "unknown" (empty, or NaN) elsewhere, so the caller prints a note
 * instead of failing. Called from the harness's main thread.
 */
final class ProcFs {
    static final boolean AVAILABLE = Files.isReadable(Path.of("/proc/self/stat"));
    /** Clock ticks per second of the times in {@code /proc/<pid>/stat}; 100 on every Linux in practice. */
    static final long CLOCK_TICKS = clockTicks();

    private ProcFs() {
    }

    /** The 1-minute load average, or NaN. */
    static double load1() {
        String text = read(Path.of("/proc/loadavg"));
        return text == null ? Double.NaN : Double.parseDouble(text.trim().split("\\s+")[0]);
    }

    /** The whole {@code /proc/loadavg} line, or a note. */
    static String loadAverages() {
        String text = read(Path.of("/proc/loadavg"));
        return text == null ? "n/a (no /proc/loadavg)" : text.trim();
    }

    /** A field of {@code /proc/<pid>/status} in bytes (VmRSS, RssAnon, ...), if present. */
    static OptionalLong statusBytes(long pid, String field) {
        return fieldBytes(Path.of("/proc/" + pid + "/status"), field);
    }

    /** A {@code Name: value [kB]} field of a /proc file, in bytes when given in kB, if present. */
    static OptionalLong fieldBytes(Path file, String field) {
        String text = read(file);
        if (text == null) {
            return OptionalLong.empty();
        }
        for (String line : text.split("\n")) {
            if (line.startsWith(field + ":")) {
                String[] parts = line.substring(field.length() + 1).trim().split("\\s+");
                long value = Long.parseLong(parts[0]);
                return OptionalLong.of(parts.length > 1 && parts[1].equals("kB") ? value * 1024 : value);
            }
        }
        return OptionalLong.empty();
    }

    /** The number of threads of a process, or 0. */
    static long threads(long pid) {
        return statusBytes(pid, "Threads").orElse(0);
    }

    /** utime + stime of a process in seconds (with {@code children}: plus cutime + cstime), or NaN. */
    static double cpuSeconds(long pid, boolean children) {
        String text = read(Path.of("/proc/" + pid + "/stat"));
        if (text == null) {
            return Double.NaN;
        }
        String[] f = statFields(text);
        long ticks = Long.parseLong(f[11]) + Long.parseLong(f[12]);
        if (children) {
            ticks += Long.parseLong(f[13]) + Long.parseLong(f[14]);
        }
        return (double) ticks / CLOCK_TICKS;
    }

    /**
     * CPU seconds the JIT compiler threads of a JVM have used (its threads named {@code C1 CompilerThread*} or
     * {@code C2 CompilerThread*}, as HotSpot names them), or NaN. A compiler thread that HotSpot has ended takes
     * its time with it, so this is a lower bound over a span in which threads come and go.
     */
    static double compilerCpuSeconds(long pid) {
        Path tasks = Path.of("/proc/" + pid + "/task");
        if (!Files.isDirectory(tasks)) {
            return Double.NaN;
        }
        long ticks = 0;
        try (var threads = Files.list(tasks)) {
            for (Path thread : (Iterable<Path>) threads::iterator) {
                String name = read(thread.resolve("comm"));
                if (name == null || !(name.startsWith("C1 Compiler") || name.startsWith("C2 Compiler"))) {
                    continue;
                }
                String stat = read(thread.resolve("stat"));
                if (stat == null) {
                    continue; // the thread has ended
                }
                String[] f = statFields(stat);
                ticks += Long.parseLong(f[11]) + Long.parseLong(f[12]);
            }
        } catch (IOException | RuntimeException e) {
            return Double.NaN;
        }
        return (double) ticks / CLOCK_TICKS;
    }

    /**
     * The fields of a {@code /proc/<pid>/stat} text from field 3 (state) on: f[11] is utime, f[12] stime, f[13]
     * cutime, f[14] cstime. The command name before them is in parentheses and may contain spaces.
     */
    private static String[] statFields(String stat) {
        return stat.substring(stat.lastIndexOf(')') + 2).trim().split("\\s+");
    }

    /** Seconds of busy CPU time of the whole machine since boot (all cores), or NaN. */
    static double machineBusySeconds() {
        String text = read(Path.of("/proc/stat"));
        if (text == null) {
            return Double.NaN;
        }
        String[] f = text.substring(0, text.indexOf('\n')).trim().split("\\s+");
        // cpu user nice system idle iowait irq softirq steal ...
        long busy = 0;
        for (int i : new int[] {1, 2, 3, 6, 7, 8}) {
            if (i < f.length) {
                busy += Long.parseLong(f[i]);
            }
        }
        return (double) busy / CLOCK_TICKS;
    }

    /** CPU seconds of this JVM, its reaped children, and its live descendants: this benchmark's own share. */
    static double treeCpuSeconds() {
        double total = cpuSeconds(ProcessHandle.current().pid(), true);
        for (ProcessHandle p : ProcessHandle.current().descendants().toList()) {
            double s = cpuSeconds(p.pid(), false);
            if (!Double.isNaN(s)) {
                total += s;
            }
        }
        return total;
    }

    /** The CPU model from {@code /proc/cpuinfo}, or the OS architecture. */
    static String cpuModel() {
        String text = read(Path.of("/proc/cpuinfo"));
        if (text != null) {
            for (String line : text.split("\n")) {
                if (line.startsWith("model name")) {
                    return line.substring(line.indexOf(':') + 1).trim();
                }
            }
        }
        return System.getProperty("os.arch");
    }

    private static String read(Path file) {
        try {
            return Files.readString(file, StandardCharsets.US_ASCII);
        } catch (IOException | RuntimeException e) {
            return null;
        }
    }

    private static long clockTicks() {
        if (!AVAILABLE) {
            return 100;
        }
        try {
            Process p = new ProcessBuilder(List.of("getconf", "CLK_TCK")).redirectErrorStream(true).start();
            String out = new String(p.getInputStream().readAllBytes(), StandardCharsets.US_ASCII).trim();
            if (p.waitFor(5, TimeUnit.SECONDS) && p.exitValue() == 0) {
                return Long.parseLong(out);
            }
        } catch (IOException | RuntimeException e) {
            // fall through to the universal Linux value
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
        }
        return 100;
    }
}
