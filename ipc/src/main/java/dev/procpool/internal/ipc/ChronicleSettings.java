package dev.procpool.internal.ipc;

import java.io.IOException;
import java.nio.file.FileAlreadyExistsException;
import java.nio.file.FileSystems;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.attribute.FileAttribute;
import java.nio.file.attribute.PosixFilePermissions;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.locks.ReentrantLock;

/**
 * Silences Chronicle before any of its classes load: no usage analytics (it phones home by default), no
 * banner, no performance chatter. Also selects Chronicle's no-op POSIX layer: the default one initialises
 * jnr-ffi, which generates code at run time (about 360 classes and 100 ms or more of every JVM's first queue
 * open), and procpool's queues use none of its calls. Keeps Chronicle from creating {@code <tmpdir>/target}
 * (see {@link #pointBuildFolderAtTemp}). {@link #apply} is called from the static initialisers of the classes
 * through which every queue is opened, so it runs first in the parent and in every worker; a worker calls
 * {@link #silence} as it starts.
 */
public final class ChronicleSettings {
    /** Held from the creation of this JVM's build folder for Chronicle to its removal. */
    private static final ReentrantLock FOLDER_LIFE = new ReentrantLock();
    private static final long FOLDER_EXIT_WAIT_SECONDS = 5;

    private ChronicleSettings() {
    }

    static {
        setDefault("chronicle.analytics.disable", "true");
        setDefault("chronicle.announcer.disable", "true");
        setDefault("disable.perf.info", "true");
        setDefault("chronicle.disk.monitor.disable", "true");
        setDefault("disable.resource.warning", "true");
        try {
            net.openhft.posix.PosixAPI.useNoOpPosixApi();
        } catch (LinkageError e) {
            // an older Chronicle without the switch: it loads its usual POSIX layer
        }
    }

    /**
     * When Chronicle's {@code OS} class loads, it looks for a build folder ({@code target} or {@code build} in
     * the working directory or above it) unless {@code project.build.directory} names one, and when it finds
     * none it creates {@code <java.io.tmpdir>/target}: every parent and worker run from a folder without one
     * left that folder behind. Told of a build folder, it creates a {@code tmp} folder inside it instead. So
     * Chronicle is told of a new empty folder of this JVM's own while that class initialises, and the folder
     * is removed right after, as is the property, so that the user's JVM does not keep it. A folder of its own
     * per JVM, because JVMs that start together would otherwise race on creating and removing a shared one.
     * Chronicle uses its build folder only when it dumps generated code for debugging, and only if the folder
     * exists.
     */
    private static void pointBuildFolderAtTemp() {
        String key = "project.build.directory";
        if (System.getProperty(key) != null) {
            return;
        }
        Thread exitWait = new Thread(ChronicleSettings::awaitFolderGone, "procpool-chronicle-folder");
        boolean hooked;
        try {
            Runtime.getRuntime().addShutdownHook(exitWait);
            hooked = true;
        } catch (IllegalStateException e) { // the JVM is exiting (a pool built in a shutdown hook): it waits for us
            hooked = false;
        }
        FOLDER_LIFE.lock();
        try {
            Path folder = ownFolder();
            if (folder == null) {
                return; // Chronicle looks for a build folder as it always does
            }
            System.setProperty(key, folder.toString());
            try {
                Class.forName("net.openhft.chronicle.core.OS", true, ChronicleSettings.class.getClassLoader());
            } catch (ClassNotFoundException | LinkageError e) {
                // without Chronicle there are no queues either: the first queue open reports what is missing
            } finally {
                System.clearProperty(key);
                try {
                    Files.deleteIfExists(folder.resolve("tmp"));
                    Files.deleteIfExists(folder);
                } catch (IOException | RuntimeException e) {
                    // an empty folder left in the temp directory; nothing depends on it
                }
            }
        } finally {
            FOLDER_LIFE.unlock();
            if (hooked) {
                try {
                    Runtime.getRuntime().removeShutdownHook(exitWait);
                } catch (IllegalStateException e) {
                    // the JVM is exiting: the hook finds the folder gone
                }
            }
        }
    }

    /**
     * Shutdown hook while the folder may exist: the JVM waits (a few seconds at most) for the folder to be
     * removed. Without it, a JVM told to exit while another thread initialised Chronicle (a worker told to stop
     * while its queues still opened, a parent whose {@code main} ended meanwhile) ended with the folder still
     * there: a daemon thread stops wherever it is when the JVM halts.
     */
    private static void awaitFolderGone() {
        try {
            if (FOLDER_LIFE.tryLock(FOLDER_EXIT_WAIT_SECONDS, TimeUnit.SECONDS)) {
                FOLDER_LIFE.unlock();
            }
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
        }
    }

    /**
     * A new empty folder in the temp directory, or null. Named like a pool folder ({@code procpool-<pid>-...}):
     * should this JVM die before removing it, the next pool created on the machine removes it with the other
     * folders of dead JVMs. Not {@code Files.createTempDirectory}: its random name initialises the JDK's security
     * providers and seeds a {@code SecureRandom}, 10-30 ms of every worker's start; the pid and the clock make the
     * name unique, and the folder is its owner's alone (where POSIX permissions exist), as a temp directory's is.
     */
    private static Path ownFolder() {
        try {
            Path temp = Path.of(System.getProperty("java.io.tmpdir"));
            FileAttribute<?>[] ownerOnly = FileSystems.getDefault().supportedFileAttributeViews().contains("posix")
                    ? new FileAttribute<?>[] {PosixFilePermissions.asFileAttribute(PosixFilePermissions.fromString("rwx------"))}
                    : new FileAttribute<?>[0];
            String prefix = "procpool-" + ProcessHandle.current().pid() + "-chronicle-";
            // runs once per JVM (a static initialiser); a name is taken only by a folder an earlier JVM with the
            // same pid left at the same clock reading, so a few tries are plenty
            for (int attempt = 0; attempt < 3; attempt++) {
                try {
                    return Files.createDirectory(temp.resolve(prefix + Long.toUnsignedString(System.nanoTime(), 36)), ownerOnly);
                } catch (FileAlreadyExistsException e) {
                    // try the clock's next reading
                }
            }
            return null;
        } catch (IOException | RuntimeException e) {
            return null;
        }
    }

    /**
     * Silences Chronicle and selects its POSIX layer without starting Chronicle itself (a few classes load). A
     * worker calls this first thing: it serves its first tasks on the start-up lane, and starts Chronicle only
     * when it opens its queues ({@link #apply}), which kept Chronicle's core start (about 60 ms of class loading
     * and initialisation) off the way to its first answer. Idempotent.
     */
    public static void silence() {
    }

    /**
     * {@link #silence}, then initialises Chronicle's {@code OS} class without letting it create a build folder
     * (see {@link #pointBuildFolderAtTemp}). Before any queue opens. Idempotent; the work happens once.
     */
    public static void apply() {
        BuildFolder.pointed();
    }

    /** Initialised on the first {@link #apply}, after the settings: loading {@code OS} picks a POSIX layer. */
    private static final class BuildFolder {
        static {
            pointBuildFolderAtTemp();
        }

        static void pointed() {
        }
    }

    private static void setDefault(String key, String value) {
        if (System.getProperty(key) == null) {
            System.setProperty(key, value);
        }
    }
}
