package dev.procpool.internal.ipc;

import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Comparator;
import java.util.stream.Stream;

/**
 * Removes folder trees (a pool's folder, a worker's channel folder, scratch folders). Plain file operations:
 * loading this class loads no queue library, so callers that only clean up do not pay for it. Any thread.
 * Close the queues in a folder, and call {@link Queues#releaseClosedQueues}, before removing it.
 */
public final class FileTrees {
    private FileTrees() {
    }

    /** Deletes a folder tree, best effort; returns true when it is gone. */
    public static boolean deleteTree(Path folder) {
        if (!Files.exists(folder)) {
            return true;
        }
        try (Stream<Path> paths = Files.walk(folder)) {
            paths.sorted(Comparator.reverseOrder()).forEach(p -> {
                try {
                    Files.deleteIfExists(p);
                } catch (IOException ignored) {
                    // reported through the return value
                }
            });
        } catch (IOException | UncheckedIOException e) {
            return false;
        }
        return !Files.exists(folder);
    }
}
