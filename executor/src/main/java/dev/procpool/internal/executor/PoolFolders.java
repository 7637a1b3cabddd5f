package dev.procpool.internal.executor;

import dev.procpool.internal.ipc.FileTrees;

import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.file.DirectoryStream;
import java.nio.file.FileSystems;
import java.nio.file.Files;
import java.nio.file.LinkOption;
import java.nio.file.Path;
import java.nio.file.SecureDirectoryStream;
import java.nio.file.attribute.BasicFileAttributeView;
import java.nio.file.attribute.BasicFileAttributes;
import java.nio.file.attribute.FileOwnerAttributeView;
import java.nio.file.attribute.PosixFilePermissions;
import java.nio.file.attribute.UserPrincipal;
import java.util.ArrayList;
import java.util.List;

/**
 * Each pool keeps its queues in a private folder under the temp directory, named {@code procpool-<pid>-...}
 * after the JVM that owns it. Creating one also removes, in the background, folders whose owning JVM is gone
 * (a parent killed with kill -9 cannot clean up; its workers do, but this catches anything they could not). The
 * temp directory is shared with other users, so the sweep removes only real folders (never a link) that the
 * current user owns, and where the platform allows ({@link SecureDirectoryStream}, Linux) deletes relative to the
 * folder it opened, so that swapping a folder for a link between the check and the deletion gains nothing. Any
 * thread.
 */
public final class PoolFolders {
    static final String PREFIX = "procpool-";
    private static final LinkOption NOFOLLOW = LinkOption.NOFOLLOW_LINKS;

    private PoolFolders() {
    }

    public static Path create() {
        Path temp = Path.of(System.getProperty("java.io.tmpdir"));
        Path folder;
        try {
            String prefix = PREFIX + ProcessHandle.current().pid() + "-";
            if (FileSystems.getDefault().supportedFileAttributeViews().contains("posix")) {
                folder = Files.createTempDirectory(temp, prefix,
                        PosixFilePermissions.asFileAttribute(PosixFilePermissions.fromString("rwx------")));
            } else {
                folder = Files.createTempDirectory(temp, prefix); // user-private temp directory on Windows
            }
        } catch (IOException e) {
            throw new UncheckedIOException("cannot create the pool's folder under " + temp, e);
        }
        // after creating our own: its owner is exactly who this JVM runs as, whatever user.name says. On a thread
        // of its own: listing a shared temp directory is not to delay the pool's first launch
        UserPrincipal owner = ownerOf(folder);
        Thread sweep = new Thread(() -> removeOrphans(temp, owner), "procpool-sweep");
        sweep.setDaemon(true);
        sweep.start();
        return folder;
    }

    /**
     * Removes the folders of dead JVMs in {@code temp} that {@code user} owns; best effort. {@code user} null:
     * the platform cannot tell owners, and any such folder is removed.
     */
    static void removeOrphans(Path temp, UserPrincipal user) {
        try (DirectoryStream<Path> entries = Files.newDirectoryStream(temp, PREFIX + "*")) {
            List<Path> orphans = new ArrayList<>();
            for (Path entry : entries) {
                long owner = ownerPid(entry.getFileName().toString());
                if (owner > 0 && ProcessHandle.of(owner).isEmpty()) {
                    orphans.add(entry.getFileName());
                }
            }
            for (Path name : orphans) {
                try {
                    if (entries instanceof SecureDirectoryStream<Path> opened) {
                        removeRelative(opened, name, user);
                    } else {
                        removeByPath(temp.resolve(name), user);
                    }
                } catch (IOException | RuntimeException e) {
                    // gone already, replaced, or not ours to remove: leave it
                }
            }
        } catch (IOException | RuntimeException ignored) {
            // best effort: an unreadable temp directory must not stop a pool from starting
        }
    }

    /** Opens {@code name} in {@code parent} without following a link, checks its owner, then empties and removes it. */
    static void removeRelative(SecureDirectoryStream<Path> parent, Path name, UserPrincipal user) throws IOException {
        BasicFileAttributes seen = parent.getFileAttributeView(name, BasicFileAttributeView.class, NOFOLLOW)
                .readAttributes();
        if (!seen.isDirectory()) {
            return; // a link (or a file) named like a pool folder is someone else's doing
        }
        // O_NOFOLLOW: should the folder have been swapped for a link since, this fails
        try (SecureDirectoryStream<Path> folder = parent.newDirectoryStream(name, NOFOLLOW)) {
            // the owner of what was opened, not of whatever the name points to now
            if (user != null && !user.equals(folder.getFileAttributeView(FileOwnerAttributeView.class).getOwner())) {
                return;
            }
            emptyRelative(folder);
        }
        parent.deleteDirectory(name);
    }

    private static void emptyRelative(SecureDirectoryStream<Path> folder) throws IOException {
        List<Path> names = new ArrayList<>();
        for (Path entry : folder) {
            names.add(entry.getFileName());
        }
        for (Path name : names) {
            BasicFileAttributes attributes = folder.getFileAttributeView(name, BasicFileAttributeView.class, NOFOLLOW)
                    .readAttributes();
            if (attributes.isDirectory()) {
                try (SecureDirectoryStream<Path> child = folder.newDirectoryStream(name, NOFOLLOW)) {
                    emptyRelative(child);
                }
                folder.deleteDirectory(name);
            } else {
                folder.deleteFile(name); // a link is removed itself; its target is not touched
            }
        }
    }

    /** Where no {@link SecureDirectoryStream} is available: the same checks, then a walk that follows no link. */
    static void removeByPath(Path folder, UserPrincipal user) throws IOException {
        BasicFileAttributes seen = Files.readAttributes(folder, BasicFileAttributes.class, NOFOLLOW);
        if (!seen.isDirectory()) {
            return;
        }
        if (user != null && !user.equals(Files.getOwner(folder, NOFOLLOW))) {
            return;
        }
        FileTrees.deleteTree(folder);
    }

    /** The owner of {@code file}; null when the platform cannot tell. */
    static UserPrincipal ownerOf(Path file) {
        try {
            return Files.getOwner(file, NOFOLLOW);
        } catch (IOException | UnsupportedOperationException e) {
            return null;
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
