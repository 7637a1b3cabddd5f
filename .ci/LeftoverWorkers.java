import java.io.BufferedReader;
import java.io.IOException;
import java.io.InputStreamReader;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.Paths;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.TreeMap;
import java.util.concurrent.TimeUnit;

/**
 * Fails when procpool worker JVMs outlive a build: {@code java .ci/LeftoverWorkers.java <checkout> [seconds]}.
 *
 * <p>A worker exits within a second or two of its parent, so one still alive {@code seconds} (default 15) after
 * the build ended was leaked by a test. Workers are found on any OS, in two ways whose results are merged:
 * {@link ProcessHandle} command lines (Linux and macOS report them; Windows reports no arguments) and
 * {@code jps -l} from this JDK (any OS, for JVMs of this user that keep their perf data). Where the OS tells
 * a process's working directory (Linux, {@code /proc/<pid>/cwd}), only workers whose working directory is
 * inside {@code <checkout>} count, so that builds of other checkouts on the same machine are left out;
 * elsewhere every worker counts. Exits 0 with a message when neither way can list processes here.
 */
public final class LeftoverWorkers {
    private static final String WORKER_MAIN = "dev.procpool.internal.worker.WorkerMain";

    private LeftoverWorkers() {
    }

    public static void main(String[] args) throws Exception {
        if (args.length < 1 || args.length > 2) {
            System.err.println("usage: java .ci/LeftoverWorkers.java <checkout> [seconds]");
            System.exit(2);
        }
        Path checkout = realPath(Paths.get(args[0]).toAbsolutePath().normalize());
        long deadline = System.nanoTime() + TimeUnit.SECONDS.toNanos(args.length > 1 ? Long.parseLong(args[1]) : 15);
        while (true) {
            Optional<Map<Long, String>> workers = workersIn(checkout);
            if (workers.isEmpty()) {
                System.out.println("(cannot list processes here: no command lines from the OS and no jps;"
                        + " skipping the leftover-worker check)");
                return;
            }
            if (workers.get().isEmpty()) {
                System.out.println("no worker JVMs left running");
                return;
            }
            if (System.nanoTime() - deadline >= 0) {
                System.err.println("FAIL: worker JVMs still running " + (args.length > 1 ? args[1] : "15")
                        + " s after the build ended (a test leaked them):");
                workers.get().forEach((pid, command) -> System.err.println("  " + pid + " " + command));
                System.exit(1);
            }
            Thread.sleep(1000);
        }
    }

    /** Pid to command line of the workers running in {@code checkout}; empty if processes cannot be listed. */
    private static Optional<Map<Long, String>> workersIn(Path checkout) {
        Map<Long, String> found = new TreeMap<>();
        boolean listed = false;
        for (ProcessHandle process : (Iterable<ProcessHandle>) ProcessHandle.allProcesses()::iterator) {
            ProcessHandle.Info info = process.info();
            if (info.arguments().isPresent() && info.commandLine().isPresent()) { // never on Windows
                listed = true;
                if (info.commandLine().get().contains(WORKER_MAIN)) {
                    found.put(process.pid(), info.commandLine().get());
                }
            }
        }
        Optional<List<String>> jps = jps();
        if (jps.isPresent()) {
            listed = true;
            for (String line : jps.get()) {
                String[] pidAndMain = line.trim().split("\\s+", 2);
                if (pidAndMain.length == 2 && pidAndMain[1].contains(WORKER_MAIN)) {
                    long pid = Long.parseLong(pidAndMain[0]);
                    if (ProcessHandle.of(pid).map(ProcessHandle::isAlive).orElse(false)) {
                        found.putIfAbsent(pid, line.trim());
                    }
                }
            }
        }
        if (!listed) {
            return Optional.empty();
        }
        if (workingDirectory(ProcessHandle.current().pid()).isPresent()) {
            found.keySet().removeIf(pid -> !workingDirectory(pid).map(cwd -> cwd.startsWith(checkout)).orElse(false));
        }
        return Optional.of(found);
    }

    /** The output lines of this JDK's {@code jps -l}, or empty if it is missing or fails. */
    private static Optional<List<String>> jps() {
        Path bin = Paths.get(System.getProperty("java.home"), "bin");
        Path jps = Files.isExecutable(bin.resolve("jps")) ? bin.resolve("jps") : bin.resolve("jps.exe");
        if (!Files.isExecutable(jps)) {
            return Optional.empty();
        }
        try {
            Process process = new ProcessBuilder(jps.toString(), "-l").redirectErrorStream(true).start();
            List<String> lines = new ArrayList<>();
            try (BufferedReader reader = new BufferedReader(
                    new InputStreamReader(process.getInputStream(), StandardCharsets.UTF_8))) {
                for (String line; (line = reader.readLine()) != null; ) {
                    lines.add(line);
                }
            }
            if (!process.waitFor(30, TimeUnit.SECONDS) || process.exitValue() != 0) {
                process.destroyForcibly();
                return Optional.empty();
            }
            return Optional.of(lines);
        } catch (IOException e) {
            return Optional.empty();
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            return Optional.empty();
        }
    }

    /** The path with links resolved, or as given where that fails (a Git Bash path such as /c/x on Windows). */
    private static Path realPath(Path path) {
        try {
            return path.toRealPath();
        } catch (IOException e) {
            return path;
        }
    }

    /** The process's working directory where the OS tells it (Linux), else empty. */
    private static Optional<Path> workingDirectory(long pid) {
        Path link = Paths.get("/proc", Long.toString(pid), "cwd");
        try {
            return Files.exists(link) ? Optional.of(link.toRealPath()) : Optional.empty();
        } catch (IOException | SecurityException e) {
            return Optional.empty();
        }
    }
}
