package dev.procpool.bench;

import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.OptionalDouble;

/**
 * loky's figures from {@code results-loky*.json}, keyed by the harness's row ids and converted to the rows'
 * units. Only the loky executor ({@code loky PPE (loky ctx)}) is compared; the script's other executors stay
 * in its own table.
 */
final class LokyResults {
    private final Map<String, Double> values = new HashMap<>();
    private final String absentText;
    private String version = "";

    private LokyResults(String absentText) {
        this.absentText = absentText;
    }

    /** Results to fill with {@link #add}; rows loky did not measure print {@code absentText}. */
    static LokyResults empty(String absentText) {
        return new LokyResults(absentText);
    }

    OptionalDouble value(String rowId) {
        Double v = values.get(rowId);
        return v == null || v.isNaN() ? OptionalDouble.empty() : OptionalDouble.of(v);
    }

    String absentText() {
        return absentText;
    }

    boolean isEmpty() {
        return values.isEmpty();
    }

    String version() {
        return version;
    }

    /** Takes the figures of one parsed {@code results-loky*.json}. */
    @SuppressWarnings("unchecked")
    void add(Map<String, Object> json) {
        Map<String, Object> env = (Map<String, Object>) json.getOrDefault("env", Map.of());
        version = "loky " + env.getOrDefault("loky (vendored)", "?") + " (joblib " + env.getOrDefault("joblib", "?")
                + ", " + String.valueOf(env.getOrDefault("python", "?")).split(" ")[0] + ")";
        Map<String, Object> r = (Map<String, Object>) json.getOrDefault("results", Map.of());
        Object cold = r.get("cold");
        if (cold != null) {
            put("cold.first.fresh", num(cold, "loky|first|fresh", "median") * 1e3);
            put("cold.up.fresh", (num(cold, "loky|both|fresh", "median") - 0.2) * 1e3);
            put("cold.first.warm", num(cold, "loky|first|warm", "median") * 1e3);
            put("cold.up.warm", (num(cold, "loky|both|warm", "median") - 0.2) * 1e3);
        }
        Object latency = r.get("latency");
        if (latency != null) {
            for (String q : List.of("median", "p90", "p99")) {
                put("latency." + q, num(latency, "loky", q) * 1e6);
            }
        }
        Object throughput = r.get("throughput");
        if (get(throughput, "loky") instanceof Map) {
            Map<String, Object> modes = (Map<String, Object>) get(throughput, "loky");
            for (Map.Entry<String, Object> mode : modes.entrySet()) {
                double rate = num(mode.getValue(), "tasks_per_s");
                if (mode.getKey().equals("submit-loop")) {
                    put("thr.submit", rate);
                } else if (mode.getKey().startsWith("map chunksize=")) {
                    String chunk = mode.getKey().substring("map chunksize=".length());
                    put("thr.map." + chunk, rate);
                    if (chunk.equals("1000")) {
                        put("thr.map.auto", rate); // loky chooses no chunk size; 1000 is the anchor's comparison
                    }
                }
            }
        }
        Object payload = r.get("payload");
        if (payload != null) {
            put("payload.send", num(payload, "loky", "send bytes", "GBps"));
            put("payload.return", num(payload, "loky", "return bytes", "GBps"));
        }
        Object crash = r.get("crash");
        if (crash != null) {
            put("crash.fail", num(crash, "loky|sigkill", "detect_median") * 1e3);
            put("crash.replace", num(crash, "loky|sigkill", "recover_median") * 1e3);
        }
        Object idle = r.get("idle");
        if (idle != null) {
            put("idle.rss", mean((List<Object>) get(idle, "loky", "rss_per_worker")) / (1 << 20));
            put("idle.pss", mean((List<Object>) get(idle, "loky", "pss_per_worker")) / (1 << 20));
            put("idle.uss", mean((List<Object>) get(idle, "loky", "uss_per_worker")) / (1 << 20));
            put("idle.cpu", mean((List<Object>) get(idle, "loky", "cpu_pct_per_worker")));
            put("idle.parentcpu", num(idle, "loky", "parent_cpu_pct_idle"));
        }
        Object scaling = r.get("scaling");
        if (scaling != null) {
            put("scaling.1", num(scaling, "loky", "1"));
            put("scaling.2", num(scaling, "loky", "2"));
            put("scaling.speedup", num(scaling, "loky", "speedup"));
        }
    }

    private void put(String id, double value) {
        values.put(id, value);
    }

    @SuppressWarnings("unchecked")
    private static Object get(Object node, String... path) {
        Object at = node;
        for (String key : path) {
            if (!(at instanceof Map)) {
                return null;
            }
            at = ((Map<String, Object>) at).get(key);
        }
        return at;
    }

    private static double num(Object node, String... path) {
        Object v = get(node, path);
        return v instanceof Double d ? d : Double.NaN;
    }

    private static double mean(List<Object> xs) {
        if (xs == null || xs.isEmpty()) {
            return Double.NaN;
        }
        return xs.stream().mapToDouble(x -> x instanceof Double d ? d : Double.NaN).average().orElse(Double.NaN);
    }
}
