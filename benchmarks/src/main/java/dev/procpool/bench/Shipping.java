package dev.procpool.bench;

import dev.procpool.ProcessPoolExecutor;

import javax.tools.ToolProvider;
import java.io.ByteArrayOutputStream;
import java.io.Serializable;
import java.net.URL;
import java.net.URLClassLoader;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Locale;
import java.util.concurrent.Callable;
import java.util.concurrent.TimeUnit;

/**
 * Section {@code shipping}, procpool only: the round trip of a task whose class the worker has to fetch from the
 * parent (a plugin's {@code URLClassLoader} over a folder on no class path), on its first call and on later
 * calls, beside the same code as a class on the class path. One worker, so every first call ships. Each trial
 * uses a new plugin loader, which the worker has never seen (15 trials).
 */
final class Shipping {
    private static final String SOURCE = """
            package bench.plugin;

            public record ShippedInc(int x) implements java.util.concurrent.Callable<Integer>, java.io.Serializable {
                @Override
                public Integer call() {
                    return x + 1;
                }
            }
            """;
    /** A task whose call needs five more classes of its package, as a plugin's task usually does. */
    private static final String CHAIN_SOURCE = """
            package bench.plugin;

            public record ShippedChain(int x) implements java.util.concurrent.Callable<Integer>, java.io.Serializable {
                @Override
                public Integer call() {
                    return Step1.f(Step2.f(Step3.f(Step4.f(Step5.f(x - 4)))));
                }
            }

            class Step1 { static int f(int x) { return x + 1; } }
            class Step2 { static int f(int x) { return x + 1; } }
            class Step3 { static int f(int x) { return x + 1; } }
            class Step4 { static int f(int x) { return x + 1; } }
            class Step5 { static int f(int x) { return x + 1; } }
            """;

    /** The same code, on the class path. */
    record ClassPathInc(int x) implements Callable<Integer>, Serializable {
        @Override
        public Integer call() {
            return x + 1;
        }
    }

    private Shipping() {
    }

    static void run(Params p, Report report, BenchMain.Progress progress) throws Exception {
        int trials = p.quick() ? 2 : 15;
        int calls = p.latN();
        Path folder = Files.createTempDirectory("procpool-bench-plugin");
        try (ProcessPoolExecutor pool = Pools.builder(1).build()) {
            compile(folder);
            Pools.warm(pool, 1);
            for (int i = 0; i < p.latWarmup(); i++) {
                check(pool.submit(new ClassPathInc(i)).get(60, TimeUnit.SECONDS), i);
            }
            for (int i = 0; i < 3; i++) { // the shipping path's own code, warmed once
                trial(pool, folder, Math.max(calls / 10, 10));
            }
            List<Double> first = new ArrayList<>();
            List<Double> later = new ArrayList<>();
            List<Double> onClassPath = new ArrayList<>();
            List<Double> notShipped = new ArrayList<>();
            List<Double> chain = new ArrayList<>();
            for (int t = 0; t < trials; t++) {
                double[] shipped = trial(pool, folder, calls);
                first.add(shipped[0]);
                later.add(shipped[1]);
                onClassPath.add(classPath(pool, calls));
                notShipped.add(firstCallOfOwnCopy(pool));
                chain.add(firstCallOfChain(pool, folder));
            }
            progress.line("shipping done");
            report.heading("classes shipped from a plugin loader (1 worker; median of " + trials + " trials)");
            report.row("shipping.first", "shipped task class: first call (us)", Stats.median(first),
                    spread(first), "us", Report.Better.LOWER, "");
            report.row("shipping.later", "shipped task class: later calls, median (us)", Stats.median(later),
                    spread(later), "us", Report.Better.LOWER, "");
            report.row("shipping.classpath", "the same class on the class path: median (us)",
                    Stats.median(onClassPath), spread(onClassPath), "us", Report.Better.LOWER, "");
            report.row("shipping.chain", "shipped task class needing 5 more classes: first call (us)",
                    Stats.median(chain), spread(chain), "us", Report.Better.LOWER, "");
            report.row("shipping.copy", "first call, new loader's copy of a class the worker has (us)",
                    Stats.median(notShipped), spread(notShipped), "us", Report.Better.LOWER, "");
            report.note(String.format(Locale.ROOT, "  shipping: %d trials, each a new URLClassLoader; later calls and"
                    + " class path: medians of %d round trips per trial", trials, calls));
        } finally {
            BenchFiles.deleteTree(folder);
        }
    }

    /** A new plugin loader: its first round trip, then the median of {@code calls} more, in microseconds. */
    private static double[] trial(ProcessPoolExecutor pool, Path folder, int calls) throws Exception {
        try (URLClassLoader plugin = new URLClassLoader("bench-plugin", new URL[]{folder.toUri().toURL()},
                Shipping.class.getClassLoader())) {
            Class<?> type = plugin.loadClass("bench.plugin.ShippedInc");
            Callable<?> firstTask = (Callable<?>) type.getConstructor(int.class).newInstance(0);
            long t0 = System.nanoTime();
            check((Integer) pool.submit(firstTask).get(60, TimeUnit.SECONDS), 0);
            double first = (System.nanoTime() - t0) / 1e3;
            double[] samples = new double[calls];
            for (int i = 0; i < calls; i++) {
                Callable<?> task = (Callable<?>) type.getConstructor(int.class).newInstance(i);
                long s0 = System.nanoTime();
                Object r = pool.submit(task).get(60, TimeUnit.SECONDS);
                samples[i] = (System.nanoTime() - s0) / 1e3;
                check((Integer) r, i);
            }
            return new double[]{first, Stats.median(samples)};
        }
    }

    /** The first call of a task that needs six classes of its package, from a new plugin loader. */
    private static double firstCallOfChain(ProcessPoolExecutor pool, Path folder) throws Exception {
        try (URLClassLoader plugin = new URLClassLoader("bench-plugin", new URL[]{folder.toUri().toURL()},
                Shipping.class.getClassLoader())) {
            Callable<?> task = (Callable<?>) plugin.loadClass("bench.plugin.ShippedChain").getConstructor(int.class)
                    .newInstance(7);
            long t0 = System.nanoTime();
            check((Integer) pool.submit(task).get(60, TimeUnit.SECONDS), 7);
            return (System.nanoTime() - t0) / 1e3;
        }
    }

    /**
     * The first call of a task whose class a new loader defines itself from the class path's bytes: the parent
     * meets a new class (as on a shipped first call), the worker already has the class and fetches nothing.
     */
    private static double firstCallOfOwnCopy(ProcessPoolExecutor pool) throws Exception {
        ClassLoader copy = new OwnCopyLoader(Shipping.class.getClassLoader(), ClassPathInc.class.getName());
        java.lang.reflect.Constructor<?> constructor = copy.loadClass(ClassPathInc.class.getName())
                .getDeclaredConstructor(int.class);
        constructor.setAccessible(true);
        Callable<?> task = (Callable<?>) constructor.newInstance(5);
        long t0 = System.nanoTime();
        check((Integer) pool.submit(task).get(60, TimeUnit.SECONDS), 5);
        return (System.nanoTime() - t0) / 1e3;
    }

    /** Defines its own copy of one class from its parent's bytes; everything else comes from the parent. */
    private static final class OwnCopyLoader extends ClassLoader {
        private final String copied;

        OwnCopyLoader(ClassLoader parent, String copied) {
            super(parent);
            this.copied = copied;
        }

        @Override
        protected Class<?> loadClass(String name, boolean resolve) throws ClassNotFoundException {
            if (!name.equals(copied)) {
                return super.loadClass(name, resolve);
            }
            synchronized (getClassLoadingLock(name)) {
                Class<?> loaded = findLoadedClass(name);
                if (loaded != null) {
                    return loaded;
                }
                try (java.io.InputStream in = getParent().getResourceAsStream(name.replace('.', '/') + ".class")) {
                    byte[] bytes = in.readAllBytes();
                    return defineClass(name, bytes, 0, bytes.length);
                } catch (java.io.IOException e) {
                    throw new ClassNotFoundException(name, e);
                }
            }
        }
    }

    private static double classPath(ProcessPoolExecutor pool, int calls) throws Exception {
        double[] samples = new double[calls];
        for (int i = 0; i < calls; i++) {
            long s0 = System.nanoTime();
            int r = pool.submit(new ClassPathInc(i)).get(60, TimeUnit.SECONDS);
            samples[i] = (System.nanoTime() - s0) / 1e3;
            check(r, i);
        }
        return Stats.median(samples);
    }

    private static void compile(Path out) throws Exception {
        Path source = out.resolve("src/bench/plugin/ShippedInc.java");
        Path chain = out.resolve("src/bench/plugin/ShippedChain.java");
        Files.createDirectories(source.getParent());
        Files.writeString(source, SOURCE, StandardCharsets.UTF_8);
        Files.writeString(chain, CHAIN_SOURCE, StandardCharsets.UTF_8);
        ByteArrayOutputStream errors = new ByteArrayOutputStream();
        int code = ToolProvider.getSystemJavaCompiler().run(null, errors, errors, "--release", "17", "-d",
                out.toString(), source.toString(), chain.toString());
        if (code != 0) {
            throw new IllegalStateException("cannot compile the plugin class: " + errors.toString(StandardCharsets.UTF_8));
        }
    }

    private static String spread(List<Double> xs) {
        return String.format(Locale.ROOT, "%s (%s-%s)", Report.format(Stats.median(xs)), Report.format(Stats.min(xs)),
                Report.format(Stats.max(xs)));
    }

    private static void check(int result, int input) {
        if (result != input + 1) {
            throw new IllegalStateException("inc(" + input + ") answered " + result);
        }
    }
}
