package dev.procpool;

import java.io.PrintStream;
import java.time.Duration;
import java.util.function.Consumer;

/**
 * {@link BatchProgress#console()}: a one-line progress bar on a terminal, plain periodic lines elsewhere. Written
 * here rather than taken from a progress-bar library: a bar of a few dozen lines does not earn a dependency in
 * the core of a library that others embed. Called by a batch's progress thread only.
 */
final class ConsoleProgress implements Consumer<BatchProgress> {
    private static final int BAR_WIDTH = 30;
    /** How often a non-terminal gets a line: often enough to show life in a CI log, rarely enough to read it. */
    private static final long PLAIN_PERIOD_NS = Duration.ofSeconds(5).toNanos();

    private final PrintStream out;
    private final boolean terminal;
    private long lastPlainNs = Long.MIN_VALUE;
    private int lastLength;

    ConsoleProgress(PrintStream out, boolean terminal) {
        this.out = out;
        this.terminal = terminal;
    }

    @Override
    public void accept(BatchProgress progress) {
        String line = line(progress, terminal);
        if (terminal) {
            String padding = " ".repeat(Math.max(0, lastLength - line.length()));
            lastLength = line.length();
            out.print("\r" + line + padding + (progress.isLast() ? System.lineSeparator() : ""));
            out.flush();
        } else {
            long now = progress.elapsed().toNanos();
            if (progress.isLast() || lastPlainNs == Long.MIN_VALUE || now - lastPlainNs >= PLAIN_PERIOD_NS) {
                lastPlainNs = now;
                out.println(line);
            }
        }
    }

    /** One report as text: "[######......]  45% 4500/10000  1234/s  3 failed  ETA 0:04". */
    static String line(BatchProgress p, boolean withBar) {
        StringBuilder s = new StringBuilder();
        if (p.total().isPresent()) {
            long total = p.total().getAsLong();
            double fraction = total == 0 ? 1 : Math.min(1, p.completed() / (double) total);
            if (withBar) {
                int filled = (int) Math.round(fraction * BAR_WIDTH);
                s.append('[').append("#".repeat(filled)).append(".".repeat(BAR_WIDTH - filled)).append("] ");
            }
            s.append(String.format("%3d%% %d/%d", (int) Math.floor(fraction * 100), p.completed(), total));
        } else {
            s.append(p.completed()).append(" done");
        }
        s.append("  ").append(Math.round(p.ratePerSecond())).append("/s");
        s.append("  ").append(p.failed()).append(" failed");
        if (p.isLast()) {
            s.append("  in ").append(clock(p.elapsed()));
        } else {
            p.eta().ifPresent(eta -> s.append("  ETA ").append(clock(eta)));
        }
        return s.toString();
    }

    /** "1:02:03" or "2:03". */
    static String clock(Duration d) {
        long seconds = d.toSeconds();
        long h = seconds / 3600;
        long m = seconds / 60 % 60;
        long sec = seconds % 60;
        return h > 0 ? String.format("%d:%02d:%02d", h, m, sec) : String.format("%d:%02d", m, sec);
    }
}
