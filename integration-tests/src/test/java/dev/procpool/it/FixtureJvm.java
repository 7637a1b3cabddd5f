package dev.procpool.it;

import java.lang.management.ManagementFactory;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;

/** Command lines for fixture JVMs: this JVM's java, the flags the queues need, a class path and a main class. */
final class FixtureJvm {
    private FixtureJvm() {
    }

    /** {@code java <queue flags> <jvmOptions> -cp <classPath> <mainClass> <args>}. */
    static List<String> command(List<String> jvmOptions, String classPath, Class<?> mainClass, String... args) {
        List<String> command = new ArrayList<>();
        command.add(Path.of(System.getProperty("java.home"), "bin", "java").toString());
        ManagementFactory.getRuntimeMXBean().getInputArguments().stream()
                .filter(arg -> arg.startsWith("--add-opens") || arg.startsWith("--add-exports"))
                .forEach(command::add);
        command.addAll(jvmOptions);
        command.add("-cp");
        command.add(classPath);
        command.add(mainClass.getName());
        command.addAll(List.of(args));
        return command;
    }
}
