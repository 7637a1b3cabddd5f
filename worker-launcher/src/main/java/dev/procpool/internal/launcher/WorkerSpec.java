package dev.procpool.internal.launcher;

import java.io.File;
import java.nio.file.InvalidPathException;
import java.nio.file.Path;
import java.util.List;
import java.util.Map;
import java.util.StringJoiner;

/**
 * Everything needed to start a worker JVM, fixed when the pool is built.
 *
 * @param javaExecutable     the {@code java} to run, normally the parent's own
 * @param javaFeatureVersion that JVM's feature version, which decides the Chronicle flags
 * @param classPath          the worker's class path entries that are plain files and folders, normally the parent's
 * @param nestedClassPath    URLs of further entries inside jars (a Spring Boot jar's), which the launch extracts
 *                           ({@link WorkerClassPath}) and appends to {@code classPath}
 * @param modulePath         the worker's module path, or empty
 * @param jvmOptions         the user's options, placed after procpool's defaults so they win
 * @param environment        variables added to the inherited environment
 * @param workingDirectory   the worker's working directory, or null for the parent's
 * @param output             where the worker's output lines go
 * @param classDataSharing   whether workers may start from a class-data archive ({@link ClassDataArchive})
 */
public record WorkerSpec(Path javaExecutable, int javaFeatureVersion, String classPath, List<String> nestedClassPath,
                         String modulePath,
                         List<String> jvmOptions, Map<String, String> environment, Path workingDirectory,
                         OutputSink output, boolean classDataSharing) {

    /** Receives each line a worker prints; called from that worker's pump threads. */
    @FunctionalInterface
    public interface OutputSink {
        void line(int workerId, boolean stderr, String line);
    }

    public WorkerSpec {
        nestedClassPath = List.copyOf(nestedClassPath);
    }

    /** The running JVM's own java and module path, and the class path {@link WorkerClassPath} discovers. */
    public static WorkerSpec ofCurrentJvm(List<String> jvmOptions, Map<String, String> environment,
                                          Path workingDirectory, OutputSink output) {
        return ofCurrentJvm(null, jvmOptions, environment, workingDirectory, output);
    }

    /**
     * The running JVM's own java and module path, and {@code classPath} after procpool's own jars, or the
     * discovered class path when {@code classPath} is null.
     */
    public static WorkerSpec ofCurrentJvm(List<Path> classPath, List<String> jvmOptions, Map<String, String> environment,
                                          Path workingDirectory, OutputSink output) {
        Path java = Path.of(System.getProperty("java.home"), "bin", Platform.javaExecutableName(Platform.current()));
        WorkerClassPath.Sources sources = classPath == null ? WorkerClassPath.discover() : WorkerClassPath.explicit(classPath);
        return new WorkerSpec(java, Runtime.version().feature(), sources.plain(), sources.nested(),
                absolute(System.getProperty("jdk.module.path", "")), List.copyOf(jvmOptions), Map.copyOf(environment),
                workingDirectory, output, false);
    }

    public WorkerSpec withClassDataSharing(boolean enabled) {
        return new WorkerSpec(javaExecutable, javaFeatureVersion, classPath, nestedClassPath, modulePath, jvmOptions,
                environment, workingDirectory, output, enabled);
    }

    /**
     * A path list with every entry made absolute against this JVM's working directory: workers may run in another
     * one ({@code workingDirectory}), where relative entries would point elsewhere. An empty entry means the
     * working directory itself. An entry that is not a valid path is kept as it is.
     */
    static String absolute(String pathList) {
        if (pathList.isEmpty()) {
            return pathList;
        }
        StringJoiner joined = new StringJoiner(File.pathSeparator);
        for (String entry : pathList.split(java.util.regex.Pattern.quote(File.pathSeparator), -1)) {
            try {
                joined.add(Path.of(entry.isEmpty() ? "." : entry).toAbsolutePath().toString());
            } catch (InvalidPathException e) {
                joined.add(entry);
            }
        }
        return joined.toString();
    }
}
