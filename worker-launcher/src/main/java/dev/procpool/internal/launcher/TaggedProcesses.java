package dev.procpool.internal.launcher;

import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.UUID;

/**
 * Finds the processes a worker's tasks started even after they left its process tree: a double fork
 * ({@code sh -c 'sleep 300 &'}) hands the grandchild to init, out of reach of
 * {@link ProcessHandle#descendants()}. Every worker starts with {@link #VARIABLE} set to a tag of its own in its
 * environment, which every process it starts inherits (unless a task clears it on purpose); on Linux the
 * environment a process started with is readable, for the user's own processes, in {@code /proc/<pid>/environ},
 * so the processes carrying a tag can be found and ended. macOS and Windows show no other process's environment
 * to a pure-Java program ({@link Platform#canReadProcessEnvironments}): there a double-forked process escapes.
 * Any thread.
 */
public final class TaggedProcesses {
    /** The environment variable that carries a worker's tag to everything it starts. */
    public static final String VARIABLE = "PROCPOOL_WORKER_TAG";
    /** Unique to this JVM, so that pools of other JVMs (and their workers) are never touched. */
    private static final String JVM_TAG = UUID.randomUUID().toString();

    private TaggedProcesses() {
    }

    /** The tag of worker {@code workerId} of this JVM's pool {@code poolId}. */
    static String tagOf(String poolId, int workerId) {
        return JVM_TAG + "/" + poolId + "/" + workerId;
    }

    /**
     * Ends every process but this one that carries {@code tag} (or, with {@code prefix}, a tag that starts with
     * it); returns how many. Does nothing where the platform cannot read environments.
     */
    public static int endTagged(String tag, boolean prefix) {
        if (tag == null || tag.isEmpty() || !Platform.canReadProcessEnvironments(Platform.current())) {
            return 0;
        }
        long self = ProcessHandle.current().pid();
        List<ProcessHandle> tagged = new ArrayList<>();
        ProcessHandle.allProcesses().forEach(process -> {
            if (process.pid() != self && carries(process.pid(), tag, prefix)) {
                tagged.add(process);
            }
        });
        tagged.forEach(ProcessHandle::destroyForcibly);
        return tagged.size();
    }

    private static boolean carries(long pid, String tag, boolean prefix) {
        try {
            byte[] environ = Files.readAllBytes(Path.of("/proc", Long.toString(pid), "environ"));
            return Platform.environmentHas(environ, VARIABLE, tag, prefix);
        } catch (IOException | RuntimeException e) {
            return false; // another user's process, or gone
        }
    }

    /** The tag this JVM was started with, as a worker; null in a parent. */
    public static String ownTag() {
        return System.getenv(VARIABLE);
    }

    static String utf8(byte[] bytes) {
        return new String(bytes, StandardCharsets.UTF_8);
    }
}
