package dev.procpool.it;

import org.junit.jupiter.api.extension.AfterAllCallback;
import org.junit.jupiter.api.extension.AfterEachCallback;
import org.junit.jupiter.api.extension.BeforeAllCallback;
import org.junit.jupiter.api.extension.BeforeEachCallback;
import org.junit.jupiter.api.extension.ExtensionContext;
import org.opentest4j.AssertionFailedError;

import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.List;
import java.util.Set;
import java.util.stream.Collectors;
import java.util.stream.Stream;

import static org.awaitility.Awaitility.await;

/**
 * Fails a test that leaves behind a child JVM or a pool folder. After each test, every process this JVM started
 * (directly or not) that was not already running before the test must have exited, and every
 * {@code procpool-<thisPid>-*} folder in {@code java.io.tmpdir} that was not there before must be gone; after the
 * class (when a shared pool has been closed), nothing at all may remain. Workers exit asynchronously after
 * {@code close()}, so both checks wait a few seconds before failing. Leaked processes are killed after the
 * failure is recorded, so that one leak does not fail every later test.
 */
public final class NoLeakedWorkers implements BeforeAllCallback, AfterAllCallback, BeforeEachCallback, AfterEachCallback {
    private static final Duration BOUND = Duration.ofSeconds(10);
    private static final ExtensionContext.Namespace NAMESPACE = ExtensionContext.Namespace.create(NoLeakedWorkers.class);

    private record Snapshot(Set<Long> processes, Set<Path> folders) {
        static Snapshot take() {
            return new Snapshot(Processes.runningDescendants().stream().map(ProcessHandle::pid).collect(Collectors.toSet()),
                    Set.copyOf(poolFolders()));
        }
    }

    @Override
    public void beforeAll(ExtensionContext context) {
        context.getStore(NAMESPACE).put("class", Snapshot.take());
    }

    @Override
    public void beforeEach(ExtensionContext context) {
        context.getStore(NAMESPACE).put("test", Snapshot.take());
    }

    @Override
    public void afterEach(ExtensionContext context) {
        check(context.getStore(NAMESPACE).get("test", Snapshot.class), "the test " + context.getDisplayName());
    }

    @Override
    public void afterAll(ExtensionContext context) {
        check(context.getStore(NAMESPACE).get("class", Snapshot.class), "the class " + context.getDisplayName());
    }

    /** The pool folders this JVM owns, named {@code procpool-<pid>-...}. */
    public static List<Path> poolFolders() {
        return poolFoldersOf(ProcessHandle.current().pid());
    }

    /** The pool folders the JVM with {@code pid} owns in {@code java.io.tmpdir}. */
    public static List<Path> poolFoldersOf(long pid) {
        return poolFoldersOf(pid, Path.of(System.getProperty("java.io.tmpdir")));
    }

    /**
     * The pool folders the JVM with {@code pid} owns in {@code temp}. Not the folder a JVM holds for a moment
     * while Chronicle initialises ({@code procpool-<pid>-chronicle-...}, see ChronicleSettings): a parent opens its
     * queues once its workers are up, so that folder may come and go while a test looks.
     */
    public static List<Path> poolFoldersOf(long pid, Path temp) {
        String pool = "procpool-" + pid + "-";
        String chronicle = pool + "chronicle-";
        try (Stream<Path> entries = Files.list(temp)) {
            return entries.map(p -> p.getFileName().toString())
                    .filter(name -> name.startsWith(pool) && !name.startsWith(chronicle))
                    .map(temp::resolve)
                    .toList();
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
    }

    private static void check(Snapshot before, String who) {
        try {
            await("child processes started by " + who + " to exit").atMost(BOUND)
                    .until(() -> newProcesses(before).isEmpty());
        } catch (org.awaitility.core.ConditionTimeoutException e) {
            List<ProcessHandle> leaked = newProcesses(before);
            String described = leaked.stream().map(NoLeakedWorkers::describe).collect(Collectors.joining("\n  "));
            leaked.forEach(ProcessHandle::destroyForcibly);
            throw new AssertionFailedError(who + " left " + leaked.size() + " child process(es) running " + BOUND.toSeconds()
                    + " s after it ended (now killed):\n  " + described);
        }
        try {
            await("pool folders created by " + who + " to be removed").atMost(BOUND)
                    .until(() -> newFolders(before).isEmpty());
        } catch (org.awaitility.core.ConditionTimeoutException e) {
            throw new AssertionFailedError(who + " left pool folders behind: " + newFolders(before));
        }
    }

    private static List<ProcessHandle> newProcesses(Snapshot before) {
        return Processes.runningDescendants().stream().filter(p -> !before.processes().contains(p.pid())).toList();
    }

    private static List<Path> newFolders(Snapshot before) {
        return poolFolders().stream().filter(f -> !before.folders().contains(f)).toList();
    }

    private static String describe(ProcessHandle process) {
        return "pid " + process.pid() + ": " + process.info().commandLine().orElse("(command line unknown)");
    }
}
