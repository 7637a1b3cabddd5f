package dev.procpool.internal.launcher;

import java.time.Duration;
import java.util.List;

import static org.awaitility.Awaitility.await;

/** Checks that a test left no process of its own behind. */
final class ChildProcesses {
    private ChildProcesses() {
    }

    static void awaitNoneAlive() {
        await("this JVM's child processes to end").atMost(Duration.ofSeconds(5))
                .until(() -> alive().isEmpty());
    }

    static List<String> alive() {
        return ProcessHandle.current().descendants().filter(ProcessHandle::isAlive)
                .map(p -> p.pid() + " " + p.info().commandLine().orElse("?")).toList();
    }
}
