package dev.procpool.internal.launcher;

import java.io.IOException;
import java.nio.file.FileSystems;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.attribute.FileAttribute;
import java.nio.file.attribute.PosixFileAttributes;
import java.nio.file.attribute.PosixFilePermission;
import java.nio.file.attribute.PosixFilePermissions;
import java.nio.file.attribute.UserPrincipal;
import java.util.Set;

/**
 * Whether a file in the class-data cache may be trusted: every worker runs the code in the archive, so the
 * archive and its folder must belong to the user this JVM runs as and be writable by no one else. POSIX only;
 * elsewhere (Windows) the cache lives in the user's private profile and nothing is checked. Any thread.
 */
final class CacheTrust {
    private static final boolean POSIX = FileSystems.getDefault().supportedFileAttributeViews().contains("posix");
    private static volatile UserPrincipal currentUser;

    private CacheTrust() {
    }

    /** Creates {@code folder} and any missing parents owner-only ({@code rwx------}) where POSIX permissions exist. */
    static Path createFolder(Path folder) throws IOException {
        if (!POSIX) {
            return Files.createDirectories(folder);
        }
        FileAttribute<Set<PosixFilePermission>> ownerOnly =
                PosixFilePermissions.asFileAttribute(PosixFilePermissions.fromString("rwx------"));
        return Files.createDirectories(folder, ownerOnly);
    }

    /** Creation attributes of a file only its owner can read and write, where POSIX permissions exist. */
    static FileAttribute<?>[] ownerOnlyFile() {
        return POSIX ? new FileAttribute<?>[] {PosixFilePermissions.asFileAttribute(PosixFilePermissions.fromString("rw-------"))}
                : new FileAttribute<?>[0];
    }

    /** Why {@code path} (a file or folder that exists) may not be trusted, or null when it may. */
    static String whyNotTrusted(Path path) {
        if (!POSIX) {
            return null;
        }
        try {
            PosixFileAttributes attributes = Files.readAttributes(path, PosixFileAttributes.class);
            UserPrincipal user = currentUser();
            if (!attributes.owner().equals(user)) {
                return path + " is owned by " + attributes.owner().getName() + ", not by " + user.getName()
                        + ", who runs this JVM";
            }
            Set<PosixFilePermission> permissions = attributes.permissions();
            boolean group = permissions.contains(PosixFilePermission.GROUP_WRITE);
            boolean others = permissions.contains(PosixFilePermission.OTHERS_WRITE);
            if (group || others) {
                return path + " can be written by " + (group && others ? "its group and others" : group ? "its group" : "others")
                        + " (" + PosixFilePermissions.toString(permissions) + ")";
            }
            return null;
        } catch (IOException | RuntimeException e) {
            return "the owner and permissions of " + path + " could not be read: " + e;
        }
    }

    /**
     * The user this JVM runs as: the owner of a file it creates. {@code user.name} is not enough, as a container's
     * user may have no name.
     */
    private static UserPrincipal currentUser() throws IOException {
        UserPrincipal user = currentUser;
        if (user == null) {
            Path probe = Files.createTempFile("procpool-owner-", ".tmp");
            try {
                user = Files.getOwner(probe);
            } finally {
                Files.deleteIfExists(probe);
            }
            currentUser = user;
        }
        return user;
    }
}
