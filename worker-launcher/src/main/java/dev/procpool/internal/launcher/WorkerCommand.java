package dev.procpool.internal.launcher;

import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;

/**
 * Builds a worker's command line. JVM options and paths go into an {@code @argfile} in the worker's folder, so
 * that a long class path survives Windows' 32 K command-line limit and no shell quoting is involved anywhere;
 * the main class and its two arguments stay visible on the command line.
 */
public final class WorkerCommand {
    public static final String MAIN_CLASS = "dev.procpool.internal.worker.WorkerMain";
    static final String ARG_FILE = "jvm.args";

    private WorkerCommand() {
    }

    /** The JVM arguments, in order: procpool's defaults, forwarded internal settings, the user's options, paths. */
    static List<String> jvmArguments(WorkerSpec spec, int workerId) {
        List<String> args = new ArrayList<>(Platform.chronicleFlags(spec.javaFeatureVersion()));
        // An OutOfMemoryError leaves a JVM in an unknown state; end it and report the crash instead.
        args.add("-XX:+ExitOnOutOfMemoryError");
        // HotSpot prints its own messages ("Terminating due to java.lang.OutOfMemoryError: ...") to stdout by
        // default; the crash report reads the stderr tail, so send them there (and keep them out of task output).
        args.add("-XX:+DisplayVMOutputToStderr");
        args.add("-Dprocpool.worker.id=" + workerId);
        System.getProperties().stringPropertyNames().stream()
                .filter(name -> name.startsWith("procpool.internal."))
                .sorted()
                .forEach(name -> args.add("-D" + name + "=" + System.getProperty(name)));
        args.addAll(spec.jvmOptions());
        if (!spec.classPath().isEmpty()) {
            args.add("-cp");
            args.add(spec.classPath());
        }
        if (!spec.modulePath().isEmpty()) {
            args.add("--module-path");
            args.add(spec.modulePath());
            args.add("--add-modules=ALL-MODULE-PATH");
        }
        return args;
    }

    /** Writes the argfile into {@code folder} and returns the full command. */
    static List<String> build(WorkerSpec spec, int workerId, Path folder) throws IOException {
        Path argFile = folder.resolve(ARG_FILE);
        StringBuilder text = new StringBuilder();
        for (String arg : jvmArguments(spec, workerId)) {
            text.append(Platform.quoteForArgFile(arg)).append(System.lineSeparator());
        }
        Files.writeString(argFile, text, StandardCharsets.UTF_8);
        return List.of(spec.javaExecutable().toString(), "@" + argFile, MAIN_CLASS,
                Integer.toString(workerId), folder.toString());
    }
}
