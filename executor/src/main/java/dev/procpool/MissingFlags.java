package dev.procpool;

import java.util.List;

/** The message for a parent JVM that lacks the flags the queues need: which flags, and where to put them. */
final class MissingFlags {
    private MissingFlags() {
    }

    static String message(List<String> missing) {
        String flags = String.join(" ", missing);
        return "procpool needs this JVM to be started with: " + flags + "\n"
                + "(its memory-mapped queues use JDK internals that are closed by default). Add them:\n"
                + "  - on the command line:   java " + flags + " ...\n"
                + "  - in the environment:    JDK_JAVA_OPTIONS=\"" + flags + "\"\n"
                + "  - Maven Surefire:        <argLine>" + flags + "</argLine>\n"
                + "  - Gradle:                jvmArgs '" + String.join("', '", missing) + "'\n"
                + "  - an executable jar's manifest:\n"
                + "        Add-Opens: java.base/java.lang.reflect\n"
                + "        Add-Exports: java.base/sun.nio.ch java.base/jdk.internal.ref" + "\n"
                + "Worker JVMs get these flags from procpool automatically.";
    }
}
