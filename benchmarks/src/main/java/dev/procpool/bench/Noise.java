package dev.procpool.bench;

import java.util.Locale;

/**
 * How busy the machine was with other work during a section: CPU used outside this benchmark's process tree
 * (in cores), and the 1-minute load average before and after. Same idea as loky_bench.py's {@code Noise}.
 */
final class Noise {
    private final long t0 = System.nanoTime();
    private final double machine0 = ProcFs.machineBusySeconds();
    private final double tree0 = ProcFs.treeCpuSeconds();
    private final double load0 = ProcFs.load1();

    /** One line describing the section's noise. */
    String done() {
        double wall = (System.nanoTime() - t0) / 1e9;
        if (!ProcFs.AVAILABLE) {
            return String.format(Locale.ROOT, "wall %.1f s (no /proc: noise unknown)", wall);
        }
        double foreign = ((ProcFs.machineBusySeconds() - machine0) - (ProcFs.treeCpuSeconds() - tree0)) / wall;
        return String.format(Locale.ROOT, "wall %.1f s, foreign %.2f cores, load1 %.2f -> %.2f",
                wall, Math.max(0, foreign), load0, ProcFs.load1());
    }
}
