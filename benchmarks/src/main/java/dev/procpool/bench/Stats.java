package dev.procpool.bench;

import java.util.Arrays;
import java.util.List;

/** Order statistics over samples, computed the way {@code loky_bench.py} computes them. */
final class Stats {
    private Stats() {
    }

    static double median(List<Double> samples) {
        return median(toArray(samples));
    }

    static double median(double[] samples) {
        double[] s = sorted(samples);
        int n = s.length;
        if (n == 0) {
            return Double.NaN;
        }
        return n % 2 == 1 ? s[n / 2] : (s[n / 2 - 1] + s[n / 2]) / 2;
    }

    /** Nearest-rank percentile, as {@code pct()} in loky_bench.py. */
    static double percentile(double[] samples, double q) {
        double[] s = sorted(samples);
        if (s.length == 0) {
            return Double.NaN;
        }
        int k = (int) Math.max(0, Math.min(s.length - 1, Math.round(q / 100.0 * s.length + 0.5) - 1));
        return s[k];
    }

    static double min(List<Double> samples) {
        return samples.stream().mapToDouble(Double::doubleValue).min().orElse(Double.NaN);
    }

    static double max(List<Double> samples) {
        return samples.stream().mapToDouble(Double::doubleValue).max().orElse(Double.NaN);
    }

    static double[] toArray(List<Double> samples) {
        return samples.stream().mapToDouble(Double::doubleValue).toArray();
    }

    private static double[] sorted(double[] samples) {
        double[] s = samples.clone();
        Arrays.sort(s);
        return s;
    }
}
