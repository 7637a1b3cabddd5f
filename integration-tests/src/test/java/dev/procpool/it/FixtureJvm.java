package dev.procpool.it;

import java.lang.management.ManagementFactory;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;

/** Command lines for fixture JVMs: this JVM's java, the flags the queues need, a class path and a main class. */
public final class FixtureJvm {
    private FixtureJvm() {
    }

    /** {@code java <queue flags> <procpool.internal.* properties> <jvmOptions> -cp <classPath> <mainClass> <args>}. */
    public static List<String> command(List<String> jvmOptions, String classPath, Class<?> mainClass, String... args) {
        List<String> command = new ArrayList<>();
        command.add(Path.of(System.getProperty("java.home"), "bin", "java").toString());
        ManagementFactory.getRuntimeMXBean().getInputArguments().stream()
                .filter(arg -> arg.startsWith("--add-opens") || arg.startsWith("--add-exports"))
                .forEach(command::add);
        System.getProperties().stringPropertyNames().stream() // e.g. where class-data archives go in tests
                .filter(name -> name.startsWith("procpool.internal."))
                .forEach(name -> command.add("-D" + name + "=" + System.getProperty(name)));
        command.addAll(jvmOptions);
        command.add("-cp");
        command.add(classPath);
        command.add(mainClass.getName());
        command.addAll(List.of(args));
        return command;
    }
}
