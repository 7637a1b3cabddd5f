package dev.procpool.it;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;

/** Process checks that do not count a zombie (exited, not yet reaped) as running. */
public final class Processes {
    private Processes() {
    }

    /** The processes this JVM started, directly or not, that are still running. */
    public static List<ProcessHandle> runningDescendants() {
        return ProcessHandle.current().descendants().filter(Processes::isRunning).toList();
    }

    public static boolean isRunning(long pid) {
        return ProcessHandle.of(pid).map(Processes::isRunning).orElse(false);
    }

    /**
     * True while the process runs. An orphan whose parent was killed is re-parented to a process that may reap it
     * late, and {@link ProcessHandle#isAlive()} reports such a zombie as alive; on Linux /proc tells the truth.
     */
    public static boolean isRunning(ProcessHandle process) {
        if (!process.isAlive()) {
            return false;
        }
        Path stat = Path.of("/proc", Long.toString(process.pid()), "stat");
        if (!Files.exists(stat)) {
            return true; // not Linux: trust isAlive
        }
        try {
            String text = Files.readString(stat);
            // pid (comm) state ...; comm may contain spaces and parentheses, so look after the last ')'
            char state = text.charAt(text.lastIndexOf(')') + 2);
            return state != 'Z' && state != 'X';
        } catch (IOException | RuntimeException e) {
            return process.isAlive(); // it vanished while we looked
        }
    }
}
