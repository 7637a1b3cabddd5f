package dev.procpool.internal.ipc;

import java.io.IOException;
import java.nio.file.DirectoryStream;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.locks.LockSupport;

/**
 * A JVM that starts Chronicle on a daemon thread ({@link ChronicleSettings#apply}, as a worker's queue opener
 * does) and calls {@code System.exit(0)} as soon as the build folder that start makes appears in its temp
 * folder: a worker told to stop while its queues still open. Prints {@code SEEN} once it saw the folder, or
 * {@code NOT SEEN} if the start ended without it appearing.
 */
public final class ExitDuringChronicleStart {
    private ExitDuringChronicleStart() {
    }

    public static void main(String[] args) throws IOException {
        Path temp = Path.of(System.getProperty("java.io.tmpdir"));
        Thread opener = new Thread(ChronicleSettings::apply, "opener");
        opener.setDaemon(true);
        opener.start();
        long deadline = System.nanoTime() + TimeUnit.SECONDS.toNanos(60);
        while (opener.isAlive() && System.nanoTime() - deadline < 0) {
            try (DirectoryStream<Path> folders = Files.newDirectoryStream(temp, "procpool-*-chronicle-*")) {
                if (folders.iterator().hasNext()) {
                    System.out.println("SEEN");
                    System.out.flush();
                    System.exit(0);
                }
            }
            LockSupport.parkNanos(100_000);
        }
        System.out.println("NOT SEEN");
    }
}
