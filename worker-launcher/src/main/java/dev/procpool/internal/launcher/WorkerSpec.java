package dev.procpool.internal.launcher;

import java.nio.file.Path;
import java.util.List;
import java.util.Map;

/**
 * Everything needed to start a worker JVM, fixed when the pool is built.
 *
 * @param javaExecutable     the {@code java} to run, normally the parent's own
 * @param javaFeatureVersion that JVM's feature version, which decides the Chronicle flags
 * @param classPath          the worker's class path, normally the parent's
 * @param modulePath         the worker's module path, or empty
 * @param jvmOptions         the user's options, placed after procpool's defaults so they win
 * @param environment        variables added to the inherited environment
 * @param workingDirectory   the worker's working directory, or null for the parent's
 * @param output             where the worker's output lines go
 */
public record WorkerSpec(Path javaExecutable, int javaFeatureVersion, String classPath, String modulePath,
                         List<String> jvmOptions, Map<String, String> environment, Path workingDirectory,
                         OutputSink output) {

    /** Receives each line a worker prints; called from that worker's pump threads. */
    @FunctionalInterface
    public interface OutputSink {
        void line(int workerId, boolean stderr, String line);
    }

    /** The running JVM's own java, class path and module path. */
    public static WorkerSpec ofCurrentJvm(List<String> jvmOptions, Map<String, String> environment,
                                          Path workingDirectory, OutputSink output) {
        Path java = Path.of(System.getProperty("java.home"), "bin", Platform.javaExecutableName(Platform.current()));
        return new WorkerSpec(java, Runtime.version().feature(), System.getProperty("java.class.path", ""),
                System.getProperty("jdk.module.path", ""), List.copyOf(jvmOptions), Map.copyOf(environment),
                workingDirectory, output);
    }
}
