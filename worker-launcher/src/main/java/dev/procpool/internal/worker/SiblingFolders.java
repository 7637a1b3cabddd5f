package dev.procpool.internal.worker;

import dev.procpool.internal.ipc.FileTrees;

import java.io.IOException;
import java.nio.channels.FileChannel;
import java.nio.channels.FileLock;
import java.nio.channels.OverlappingFileLockException;
import java.nio.file.DirectoryStream;
import java.nio.file.Files;
import java.nio.file.NoSuchFileException;
import java.nio.file.Path;
import java.nio.file.StandardOpenOption;
import java.util.ArrayList;
import java.util.List;

/**
 * How the last worker out removes the pool's folder once the parent is gone. Each worker holds a lock on
 * {@link #ALIVE_LOCK} in its folder for as long as it lives (the OS drops it however the JVM ends). An orphaned
 * worker removes its own folder, then every sibling folder no live worker uses: one whose lock it can take (its
 * worker died, e.g. killed), or one without a lock file whose folder no process names on its command line (the
 * parent made it but died before starting that worker; once the parent is dead no worker can start any more).
 * Then it removes the pool folder if that is empty; whichever worker finishes last succeeds. Only once the
 * parent (the pid in the pool folder's name) is gone: a live parent may be starting a worker in a folder that
 * has neither lock nor process yet. Where a command
 * line cannot be read (some platforms hide it), a lockless sibling is left to the next pool's sweep of dead
 * JVMs' folders. Called on the orphan cleanup's thread and, for the lock, on the main thread at start.
 */
final class SiblingFolders {
    static final String ALIVE_LOCK = "alive.lock";
    private static final String WORKER_PREFIX = "worker-";
    private static final String WORKER_MAIN = WorkerMain.class.getName();

    private static FileChannel aliveChannel;

    private SiblingFolders() {
    }

    /** Takes this worker's lock; best effort (without it, siblings treat this worker's folder as abandoned only once it is gone). */
    static synchronized void holdAliveLock(Path folder) {
        try {
            FileChannel channel = FileChannel.open(folder.resolve(ALIVE_LOCK), StandardOpenOption.CREATE, StandardOpenOption.WRITE);
            if (channel.tryLock() == null) {
                channel.close();
                return;
            }
            aliveChannel = channel;
        } catch (IOException | RuntimeException e) {
            // no lock: a sibling may still see the command line naming this folder
        }
    }

    /** Drops this worker's lock, so that its own folder can be removed (Windows refuses to delete an open file). */
    static synchronized void releaseAliveLock() {
        if (aliveChannel != null) {
            try {
                aliveChannel.close();
            } catch (IOException ignored) {
                // the file is removed with the folder anyway
            }
            aliveChannel = null;
        }
    }

    /** Removes the folders in {@code poolFolder} that no live worker uses, then the pool folder if it is empty. */
    static void removeAbandoned(Path poolFolder) {
        long owner = ownerPid(String.valueOf(poolFolder.getFileName()));
        if (owner <= 0 || ProcessHandle.of(owner).map(ProcessHandle::isAlive).orElse(false)) {
            // its parent lives on (and may be starting a worker in a sibling folder right now), or it is named
            // by no pid: only an empty pool folder goes
            deleteIfEmpty(poolFolder);
            return;
        }
        List<Path> siblings = new ArrayList<>();
        try (DirectoryStream<Path> entries = Files.newDirectoryStream(poolFolder, WORKER_PREFIX + "*")) {
            entries.forEach(siblings::add);
        } catch (NoSuchFileException e) {
            return; // another worker was faster
        } catch (IOException | RuntimeException e) {
            return;
        }
        List<String> commandLines = siblings.isEmpty() ? List.of() : workerCommandLines();
        for (Path sibling : siblings) {
            if (isAbandoned(sibling, commandLines)) {
                FileTrees.deleteTree(sibling);
            }
        }
        deleteIfEmpty(poolFolder);
        removeChronicleFolders(poolFolder.getParent(), owner);
    }

    private static void deleteIfEmpty(Path poolFolder) {
        try {
            Files.deleteIfExists(poolFolder);
        } catch (IOException ignored) {
            // a live worker's folder remains: that worker removes the pool folder when it goes
        }
    }

    /**
     * The parent's own short-lived folder for Chronicle ({@code procpool-<pid>-chronicle-*}, see ChronicleSettings),
     * left when it was killed while loading Chronicle: removed if it holds nothing but its empty {@code tmp}.
     */
    private static void removeChronicleFolders(Path temp, long owner) {
        if (temp == null) {
            return;
        }
        try (DirectoryStream<Path> entries = Files.newDirectoryStream(temp, "procpool-" + owner + "-chronicle-*")) {
            for (Path folder : entries) {
                try {
                    Files.deleteIfExists(folder.resolve("tmp"));
                    Files.deleteIfExists(folder);
                } catch (IOException | RuntimeException e) {
                    // not empty, or not ours: the next pool's sweep decides
                }
            }
        } catch (IOException | RuntimeException ignored) {
            // best effort
        }
    }

    /** The pid in a pool folder's name, {@code procpool-<pid>-<random>}; -1 when there is none. */
    static long ownerPid(String folderName) {
        String prefix = "procpool-";
        int end = folderName.indexOf('-', prefix.length());
        if (!folderName.startsWith(prefix) || end < 0) {
            return -1;
        }
        try {
            return Long.parseLong(folderName.substring(prefix.length(), end));
        } catch (NumberFormatException e) {
            return -1;
        }
    }

    static boolean isAbandoned(Path sibling, List<String> commandLines) {
        Path lockFile = sibling.resolve(ALIVE_LOCK);
        if (Files.exists(lockFile)) {
            try (FileChannel channel = FileChannel.open(lockFile, StandardOpenOption.WRITE)) {
                FileLock lock = channel.tryLock();
                return lock != null; // closing the channel releases it
            } catch (OverlappingFileLockException e) {
                return false; // this JVM's own lock: never a sibling's
            } catch (IOException | RuntimeException e) {
                return false;
            }
        }
        if (commandLines == null) {
            return false; // cannot tell whether a worker is about to use it
        }
        String name = sibling.toString();
        return commandLines.stream().noneMatch(line -> line.contains(name));
    }

    /** The command lines of the worker JVMs alive now; null when the platform does not show command lines. */
    static List<String> workerCommandLines() {
        if (ProcessHandle.current().info().commandLine().isEmpty()) {
            return null; // not even this JVM's own: no other can be told either
        }
        List<String> lines = new ArrayList<>();
        ProcessHandle.allProcesses().forEach(process -> process.info().commandLine()
                .filter(line -> line.contains(WORKER_MAIN))
                .ifPresent(lines::add));
        return lines;
    }
}
