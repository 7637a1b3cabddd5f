package dev.procpool.bench;

import java.util.ArrayList;
import java.util.List;
import java.util.Locale;
import java.util.OptionalDouble;

/**
 * The one table the harness prints: a row per figure, with procpool's value, loky's from the same run when it
 * ran, how procpool compares, and the target from issue 4; then the details each section noted. Sections add
 * rows from the harness's main thread.
 */
final class Report {
    /** Which direction is better for a row, which decides how the comparison with loky reads. */
    enum Better { LOWER, HIGHER, NONE }

    /**
     * One figure.
     *
     * @param id       the key under which {@link LokyResults} finds loky's figure for the same row
     * @param what     the label
     * @param value    procpool's figure, in the row's unit; NaN when not measured
     * @param procpool procpool's figure as printed, with its spread
     * @param unit     printed after loky's value
     * @param better   which way is better
     * @param target   the target from issue 4, as text
     */
    record Row(String id, String what, double value, String procpool, String unit, Better better, String target) {
    }

    private record Entry(String heading, Row row) {
    }

    private final List<Entry> entries = new ArrayList<>();
    private final List<String> notes = new ArrayList<>();

    void heading(String heading) {
        entries.add(new Entry(heading, null));
    }

    void row(String id, String what, double value, String procpool, String unit, Better better, String target) {
        entries.add(new Entry(null, new Row(id, what, value, procpool, unit, better, target)));
    }

    /** A row of milliseconds, lower is better, printed as "median (min-max)". */
    void millis(String id, String what, List<Double> ms, String target) {
        double median = Stats.median(ms);
        String text = ms.isEmpty() ? "n/a" : String.format(Locale.ROOT, "%s (%s-%s)", format(median),
                format(Stats.min(ms)), format(Stats.max(ms)));
        row(id, what, median, text, "ms", Better.LOWER, target);
    }

    void note(String line) {
        notes.add(line);
    }

    /** The table, with loky's column filled from {@code loky} (which may hold nothing). */
    String render(LokyResults loky) {
        List<String[]> rows = new ArrayList<>();
        String[] header = {"what", "procpool", "loky (this run)", "procpool vs loky", "target"};
        rows.add(header);
        for (Entry e : entries) {
            if (e.heading != null) {
                rows.add(new String[] {e.heading, "", "", "", ""});
                continue;
            }
            Row r = e.row;
            OptionalDouble theirs = loky.value(r.id);
            String lokyText = theirs.isPresent() ? format(theirs.getAsDouble()) + " " + r.unit : loky.absentText();
            String compare = theirs.isPresent() ? compare(r.value, theirs.getAsDouble(), r.better) : "";
            rows.add(new String[] {"  " + r.what, r.procpool, lokyText, compare, r.target});
        }
        int[] widths = new int[header.length];
        for (String[] row : rows) {
            for (int i = 0; i < row.length; i++) {
                widths[i] = Math.max(widths[i], row[i].length());
            }
        }
        StringBuilder line = new StringBuilder();
        for (int i = 0; i < widths.length; i++) {
            line.append(i == 0 ? "" : "+").append("-".repeat(widths[i] + 2));
        }
        StringBuilder out = new StringBuilder();
        out.append(line).append('\n');
        for (int k = 0; k < rows.size(); k++) {
            String[] row = rows.get(k);
            StringBuilder text = new StringBuilder();
            for (int i = 0; i < row.length; i++) {
                text.append(i == 0 ? "" : " | ").append(pad(row[i], widths[i]));
            }
            out.append(text.toString().stripTrailing()).append('\n');
            if (k == 0) {
                out.append(line).append('\n');
            }
        }
        out.append(line).append('\n');
        for (String note : notes) {
            out.append(note).append('\n');
        }
        return out.toString();
    }

    /** "3.1x better" / "2.0x worse" / "same"; a ratio of figures where both are meaningful. */
    static String compare(double ours, double theirs, Better better) {
        if (better == Better.NONE || Double.isNaN(ours) || Double.isNaN(theirs) || ours <= 0 || theirs <= 0) {
            return "";
        }
        double advantage = better == Better.LOWER ? theirs / ours : ours / theirs;
        if (Math.abs(advantage - 1) < 0.05) {
            return "same (" + format(advantage) + "x)";
        }
        return advantage > 1 ? format(advantage) + "x better" : format(1 / advantage) + "x worse";
    }

    /** Three significant digits, grouped thousands above 1000. */
    static String format(double v) {
        if (Double.isNaN(v)) {
            return "n/a";
        }
        double a = Math.abs(v);
        if (a >= 1000) {
            return String.format(Locale.ROOT, "%,.0f", v);
        }
        if (a >= 100) {
            return String.format(Locale.ROOT, "%.0f", v);
        }
        if (a >= 10) {
            return String.format(Locale.ROOT, "%.1f", v);
        }
        if (a >= 1) {
            return String.format(Locale.ROOT, "%.2f", v);
        }
        return String.format(Locale.ROOT, "%.3f", v);
    }

    private static String pad(String s, int width) {
        return s + " ".repeat(width - s.length());
    }
}
