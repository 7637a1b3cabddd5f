package dev.procpool.internal.ipc;

import java.io.IOException;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;

/** A JVM for a test: this JVM's {@code java} and class path, none of the launcher's environment options. */
final class ChildJvm {
    private ChildJvm() {
    }

    /** Starts {@code main} with {@code options}; its stderr is discarded, its stdout is the caller's to read. */
    static Process start(List<String> options, Class<?> main) throws IOException {
        List<String> command = new ArrayList<>();
        command.add(Path.of(System.getProperty("java.home"), "bin", "java").toString());
        command.addAll(options);
        command.addAll(List.of("-cp", System.getProperty("java.class.path"), main.getName()));
        ProcessBuilder builder = new ProcessBuilder(command);
        builder.environment().remove("JDK_JAVA_OPTIONS");
        builder.environment().remove("JAVA_TOOL_OPTIONS");
        builder.redirectError(ProcessBuilder.Redirect.DISCARD);
        return builder.start();
    }
}
