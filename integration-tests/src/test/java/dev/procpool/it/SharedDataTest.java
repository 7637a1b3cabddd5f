package dev.procpool.it;

import dev.procpool.ProcessPoolExecutor;
import dev.procpool.SerializableCallable;
import dev.procpool.SharedData;
import dev.procpool.TaskNotSerializableException;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;
import org.junit.jupiter.api.extension.ExtendWith;
import org.junit.jupiter.api.io.TempDir;

import java.io.ByteArrayOutputStream;
import java.io.ObjectOutputStream;
import java.nio.ByteBuffer;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.HashSet;
import java.util.List;
import java.util.Set;
import java.util.concurrent.Future;
import java.util.concurrent.RejectedExecutionException;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.locks.LockSupport;
import java.util.stream.Stream;

import static dev.procpool.it.Pools.WORKER_BOUND;
import static dev.procpool.it.Pools.failureOf;
import static dev.procpool.it.Pools.quietPool;
import static dev.procpool.it.Pools.valueOf;
import static org.awaitility.Awaitility.await;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertInstanceOf;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

/** {@code pool.share(...)}: data mapped read-only by every worker, a small handle on the wire, files removed. */
@ExtendWith(NoLeakedWorkers.class)
@Timeout(180)
class SharedDataTest {
    private static final int SIZE = 8 << 20;

    @Test
    void sharedBytes_readByTwoWorkers_bothSeeTheSameBytesThroughAReadOnlyMapping() throws Exception {
        byte[] bytes = pattern(SIZE);
        long expected = checksum(ByteBuffer.wrap(bytes));
        try (ProcessPoolExecutor pool = quietPool(2).build(); SharedData shared = pool.share(bytes)) {
            bytes[0]++; // a copy was shared: later changes to the array are not seen
            Set<Long> pids = new HashSet<>();
            await("two workers to read the shared data").atMost(WORKER_BOUND.multipliedBy(2)).until(() -> {
                for (Future<String> f : List.of(pool.submit(readTask(shared)), pool.submit(readTask(shared)))) {
                    String[] answer = valueOf(f).split(" ");
                    assertEquals(expected, Long.parseLong(answer[1]), "checksum seen by worker " + answer[0]);
                    assertEquals("direct,read-only," + SIZE, answer[2], "a view of a mapping, not a copy");
                    pids.add(Long.parseLong(answer[0]));
                }
                return pids.size() == 2;
            });
            assertEquals(SIZE, shared.size());
            assertEquals(expected, checksum(shared.buffer()), "the parent reads the same bytes");
        }
    }

    @Test
    void handleToLargeData_serialized_isUnderOneKilobyte() throws Exception {
        try (ProcessPoolExecutor pool = quietPool(1).build(); SharedData shared = pool.share(new byte[SIZE])) {
            ByteArrayOutputStream out = new ByteArrayOutputStream();
            try (ObjectOutputStream objects = new ObjectOutputStream(out)) {
                objects.writeObject(readTask(shared));
            }
            assertTrue(out.size() < 1024, "a task capturing the handle of 8 MiB serializes to " + out.size() + " bytes");
        }
    }

    @Test
    void closedHandle_fileRemoved_andBufferOrSubmitFailsWithAClearMessage() throws Exception {
        try (ProcessPoolExecutor pool = quietPool(1).build()) {
            SharedData shared = pool.share(ByteBuffer.wrap(pattern(1000)));
            Path file = onlySharedFile();
            assertEquals(1000, Files.size(file));
            assertEquals(checksum(ByteBuffer.wrap(pattern(1000))), Long.parseLong(valueOf(pool.submit(readTask(shared))).split(" ")[1]));

            shared.close();
            shared.close(); // idempotent

            assertFalse(Files.exists(file), "the shared file is deleted on close");
            IllegalStateException inParent = assertThrows(IllegalStateException.class, shared::buffer);
            assertEquals("this SharedData (1000 bytes) is no longer shared: its handle was closed or its pool"
                    + " terminated. Keep the handle open while tasks use it, or share the data again.", inParent.getMessage());
            TaskNotSerializableException refused = assertThrows(TaskNotSerializableException.class,
                    () -> pool.submit(readTask(shared)));
            assertTrue(refused.getMessage().contains("is no longer shared"), refused.getMessage());
            assertEquals(42, valueOf(pool.submit((SerializableCallable<Integer>) () -> 42)), "the pool is unaffected");
        }
    }

    @Test
    void handleClosedWhileATaskHoldsIt_workerThatHadMappedIt_failsTheNextRead(@TempDir Path temp) throws Exception {
        Path go = temp.resolve("go");
        String goFile = go.toString();
        try (ProcessPoolExecutor pool = quietPool(1).build()) {
            SharedData shared = pool.share(pattern(4096));
            valueOf(pool.submit(readTask(shared))); // the worker maps it and keeps the mapping
            Future<Integer> late = pool.submit((SerializableCallable<Integer>) () -> {
                long deadline = System.nanoTime() + TimeUnit.SECONDS.toNanos(60);
                while (!Files.exists(Path.of(goFile)) && System.nanoTime() < deadline) {
                    LockSupport.parkNanos(TimeUnit.MILLISECONDS.toNanos(1));
                }
                return shared.buffer().remaining();
            });
            shared.close();
            Files.createFile(go);
            Throwable failure = failureOf(late);
            assertInstanceOf(IllegalStateException.class, failure);
            assertTrue(failure.getMessage().startsWith("this SharedData (4096 bytes) is no longer shared"), failure.getMessage());
        }
    }

    @Test
    void poolClosed_writtenFileGoes_fileSharedInPlaceStays_andBothHandlesFail(@TempDir Path temp) throws Exception {
        Path own = Files.write(temp.resolve("model.bin"), pattern(5000));
        SharedData written;
        SharedData inPlace;
        try (ProcessPoolExecutor pool = quietPool(1).build()) {
            written = pool.share(pattern(3000));
            inPlace = pool.share(own);
            assertEquals(5000, inPlace.size());
            assertEquals(checksum(ByteBuffer.wrap(pattern(5000))),
                    Long.parseLong(valueOf(pool.submit(readTask(inPlace))).split(" ")[1]), "a worker reads the file in place");
            assertEquals(1, sharedFiles().size(), "only the written data is copied into the pool's folder");
        }
        assertTrue(NoLeakedWorkers.poolFolders().isEmpty(), "the pool's folder, with the shared file, is gone");
        assertTrue(Files.exists(own), "a file shared in place is not deleted");
        assertThrows(IllegalStateException.class, written::buffer);
        IllegalStateException failure = assertThrows(IllegalStateException.class, inPlace::buffer);
        assertTrue(failure.getMessage().contains("5000 bytes of " + own.toRealPath()), failure.getMessage());
    }

    @Test
    void share_badFileOrShutDownPool_refusedAtTheCall(@TempDir Path temp) {
        try (ProcessPoolExecutor pool = quietPool(1).build()) {
            IllegalArgumentException missing = assertThrows(IllegalArgumentException.class,
                    () -> pool.share(temp.resolve("absent.bin")));
            assertEquals("cannot share " + temp.resolve("absent.bin") + ": no such file", missing.getMessage());
            assertThrows(IllegalArgumentException.class, () -> pool.share(temp));
            pool.shutdown();
            assertThrows(RejectedExecutionException.class, () -> pool.share(new byte[1]));
        }
    }

    @Test
    void window_ofSharedData_readsThoseBytes_andOutOfRangeWindowIsRefused() throws Exception {
        byte[] bytes = pattern(10_000);
        try (ProcessPoolExecutor pool = quietPool(1).build(); SharedData shared = pool.share(bytes)) {
            int inWorker = valueOf(pool.submit((SerializableCallable<Integer>) () -> (int) shared.buffer(9_000, 100).get(5)));
            assertEquals(bytes[9_005], inWorker);
            assertThrows(IndexOutOfBoundsException.class, () -> shared.buffer(9_950, 100));
            assertThrows(java.nio.ReadOnlyBufferException.class, () -> shared.buffer().put(0, (byte) 1));
        }
    }

    /** A task that answers "pid checksum direct,read-only,size" for the shared data it captured. */
    private static SerializableCallable<String> readTask(SharedData shared) {
        return () -> {
            ByteBuffer view = shared.buffer();
            String kind = (view.isDirect() ? "direct" : "heap") + "," + (view.isReadOnly() ? "read-only" : "writable")
                    + "," + view.remaining();
            return ProcessHandle.current().pid() + " " + checksum(view) + " " + kind;
        };
    }

    static long checksum(ByteBuffer view) {
        long sum = 0;
        for (int i = view.position(); i < view.limit(); i++) {
            sum = sum * 31 + view.get(i);
        }
        return sum;
    }

    private static byte[] pattern(int size) {
        byte[] bytes = new byte[size];
        for (int i = 0; i < size; i++) {
            bytes[i] = (byte) (i * 7 + i / 251);
        }
        return bytes;
    }

    private static List<Path> sharedFiles() throws Exception {
        List<Path> folders = NoLeakedWorkers.poolFolders();
        assertEquals(1, folders.size(), "one pool folder: " + folders);
        try (Stream<Path> files = Files.list(folders.get(0))) {
            return files.filter(f -> f.getFileName().toString().endsWith(".data")).toList();
        }
    }

    private static Path onlySharedFile() throws Exception {
        List<Path> files = sharedFiles();
        assertEquals(1, files.size(), "one shared file: " + files);
        return files.get(0);
    }
}
