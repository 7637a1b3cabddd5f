package dev.procpool.bench;

import java.io.BufferedReader;
import java.io.IOException;
import java.io.InputStreamReader;
import java.io.PrintStream;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardCopyOption;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.concurrent.TimeUnit;

/**
 * Runs {@code loky_bench.py} one section at a time, right after procpool's run of the same section, so that both
 * see the same background load. The script writes its results next to itself, and its folder may be
 * read-only, so it runs from a copy in a temporary folder (kept, with loky's own full tables, and named in the
 * output). Installs nothing: when {@code python3} lacks joblib (or numpy, psutil, which the script also imports)
 * it reports why and the harness prints procpool's figures alone. Called from the harness's main thread.
 */
final class LokyRunner {
    private static final long SECTION_TIMEOUT_MIN = 60;

    private final Path python;
    private final Path script;
    private final boolean quick;
    private final PrintStream progress;
    private Path workDir;

    private LokyRunner(Path python, Path script, boolean quick, PrintStream progress) {
        this.python = python;
        this.script = script;
        this.quick = quick;
        this.progress = progress;
    }

    /** Why loky cannot run, or null when it can. */
    static String unavailableBecause(Path python, Path script) {
        if (!Files.isExecutable(python)) {
            return python + " not found";
        }
        if (script == null || !Files.isRegularFile(script)) {
            return "loky_bench.py not found" + (script == null ? "" : " at " + script) + " (pass --loky-script=PATH)";
        }
        try {
            Process p = new ProcessBuilder(python.toString(), "-c", "import joblib, numpy, psutil")
                    .redirectErrorStream(true).start();
            String out = new String(p.getInputStream().readAllBytes(), StandardCharsets.UTF_8).trim();
            if (!p.waitFor(60, TimeUnit.SECONDS)) {
                p.destroyForcibly();
                return python + " -c 'import joblib' did not finish within 60 s";
            }
            if (p.exitValue() != 0) {
                String last = out.lines().reduce((a, b) -> b).orElse("exit code " + p.exitValue());
                return python + " cannot import joblib, numpy and psutil (" + last
                        + "); on Debian: apt-get install python3-joblib python3-numpy python3-psutil";
            }
            return null;
        } catch (IOException e) {
            return "cannot run " + python + ": " + e.getMessage();
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            return "interrupted while checking " + python;
        }
    }

    static LokyRunner create(Path python, Path script, boolean quick, PrintStream progress) {
        return new LokyRunner(python, script, quick, progress);
    }

    /** The folder with the script's copy and its own result files, once it has run. */
    Path workDir() {
        return workDir;
    }

    /** Runs one section of the script ({@code cold}, {@code latency}, ...) and adds its figures to {@code into}. */
    void runSection(String section, LokyResults into) throws IOException, InterruptedException {
        if (workDir == null) {
            // under the build folder when run through Maven, so the kept result files go with `mvnw clean`
            String inBuild = System.getProperty("procpool.bench.lokyDir");
            workDir = inBuild != null ? Files.createDirectories(Path.of(inBuild))
                    : Files.createTempDirectory("procpool-bench-loky-");
            Files.copy(script, workDir.resolve("loky_bench.py"), StandardCopyOption.REPLACE_EXISTING);
        }
        List<String> command = new ArrayList<>(List.of(python.toString(), "loky_bench.py", "--only=" + section));
        if (quick) {
            command.add("--quick");
        }
        ProcessBuilder builder = new ProcessBuilder(command).directory(workDir.toFile()).redirectErrorStream(true);
        builder.environment().put("PYTHONDONTWRITEBYTECODE", "1");
        Process p = builder.start();
        Thread pump = new Thread(() -> echo(p), "loky-output");
        pump.setDaemon(true);
        pump.start();
        if (!p.waitFor(SECTION_TIMEOUT_MIN, TimeUnit.MINUTES)) {
            p.descendants().forEach(ProcessHandle::destroyForcibly);
            p.destroyForcibly();
            throw new IOException("loky_bench.py --only=" + section + " did not finish in " + SECTION_TIMEOUT_MIN + " min");
        }
        pump.join(TimeUnit.SECONDS.toMillis(10));
        if (p.exitValue() != 0) {
            throw new IOException("loky_bench.py --only=" + section + " exited with code " + p.exitValue());
        }
        // the script names its output results-loky[-quick]-<sections>.json
        Path json = workDir.resolve("results-loky" + (quick ? "-quick" : "") + "-" + section + ".json");
        @SuppressWarnings("unchecked")
        Map<String, Object> parsed = (Map<String, Object>) MiniJson.parse(Files.readString(json, StandardCharsets.UTF_8));
        into.add(parsed);
    }

    /** Echoes the script's progress lines; its own tables stay in its results file. */
    private void echo(Process p) {
        try (BufferedReader out = new BufferedReader(new InputStreamReader(p.getInputStream(), StandardCharsets.UTF_8))) {
            boolean table = false;
            String line;
            while ((line = out.readLine()) != null) {
                table |= line.startsWith("# loky_bench results");
                if (!table && !line.startsWith("env:")) {
                    progress.println("    loky> " + line);
                }
            }
        } catch (IOException e) {
            progress.println("    loky> (output lost: " + e.getMessage() + ")");
        }
    }
}
