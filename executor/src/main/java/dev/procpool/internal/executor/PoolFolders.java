package dev.procpool.internal.executor;

import dev.procpool.internal.ipc.FileTrees;

import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.file.DirectoryStream;
import java.nio.file.FileSystems;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.attribute.PosixFilePermissions;

/**
 * Each pool keeps its queues in a private folder under the temp directory, named {@code procpool-<pid>-...}
 * after the JVM that owns it. Creating one also removes folders whose owning JVM is gone (a parent killed
 * with kill -9 cannot clean up; its workers do, but this catches anything they could not).
 */
public final class PoolFolders {
    static final String PREFIX = "procpool-";

    private PoolFolders() {
    }

    public static Path create() {
        Path temp = Path.of(System.getProperty("java.io.tmpdir"));
        removeOrphans(temp);
        try {
            String prefix = PREFIX + ProcessHandle.current().pid() + "-";
            if (FileSystems.getDefault().supportedFileAttributeViews().contains("posix")) {
                return Files.createTempDirectory(temp, prefix,
                        PosixFilePermissions.asFileAttribute(PosixFilePermissions.fromString("rwx------")));
            }
            return Files.createTempDirectory(temp, prefix); // user-private temp directory on Windows
        } catch (IOException e) {
            throw new UncheckedIOException("cannot create the pool's folder under " + temp, e);
        }
    }

    static void removeOrphans(Path temp) {
        try (DirectoryStream<Path> folders = Files.newDirectoryStream(temp, PREFIX + "*")) {
            for (Path folder : folders) {
                long owner = ownerPid(folder.getFileName().toString());
                if (owner > 0 && ProcessHandle.of(owner).isEmpty() && Files.isDirectory(folder)) {
                    FileTrees.deleteTree(folder);
                }
            }
        } catch (IOException | RuntimeException ignored) {
            // best effort: an unreadable temp directory must not stop a pool from starting
        }
    }

    static long ownerPid(String folderName) {
        int end = folderName.indexOf('-', PREFIX.length());
        if (!folderName.startsWith(PREFIX) || end < 0) {
            return -1;
        }
        try {
            return Long.parseLong(folderName.substring(PREFIX.length(), end));
        } catch (NumberFormatException e) {
            return -1;
        }
    }
}
