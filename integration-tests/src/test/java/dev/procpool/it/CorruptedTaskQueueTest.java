package dev.procpool.it;

import dev.procpool.ProcessPoolExecutor;
import dev.procpool.it.QueueFiles.Frame;
import dev.procpool.it.fixtures.EchoWordTask;
import dev.procpool.it.fixtures.GateTask;
import dev.procpool.it.fixtures.PidTask;
import org.junit.jupiter.api.Timeout;
import org.junit.jupiter.api.extension.ExtendWith;
import org.junit.jupiter.api.io.TempDir;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.EnumSource;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.HashSet;
import java.util.List;
import java.util.Random;
import java.util.Set;
import java.util.concurrent.Future;

import static dev.procpool.it.Pools.WORKER_BOUND;
import static dev.procpool.it.Pools.awaitStarted;
import static dev.procpool.it.Pools.quietPool;
import static dev.procpool.it.Pools.valueOf;
import static org.awaitility.Awaitility.await;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNotEquals;

/**
 * A worker's tasks queue damaged in its file while tasks wait in it, in each of the ways a disk, a bug or a
 * task can damage it: the worker never runs a damaged task and never answers one task with another's result; it
 * says it cannot read its queue (or the parent notices it sleeping over unread tasks) and is replaced, and the
 * tasks it could not read run on its replacement from the parent's own copy, each with its own answer. The pool
 * keeps serving.
 */
@ExtendWith(NoLeakedWorkers.class)
@Timeout(180)
class CorruptedTaskQueueTest {
    @TempDir
    Path temp;

    enum Damage {
        /** The next document's header zeroed: Chronicle sees the end of the queue there. */
        ZEROED_HEADER,
        /** The header claims 0x3FFFFF00 bytes. */
        ABSURD_LENGTH,
        /** The header keeps its not-complete bit, as if its writer died mid-write. */
        LEFT_INCOMPLETE,
        /** Random bytes over the whole frame. */
        RANDOM_BYTES,
        /** One bit flipped inside the task's serialized value. */
        FLIPPED_BIT,
        /** The task ids of the two waiting frames swapped. */
        SWAPPED_TASK_IDS
    }

    @ParameterizedTest
    @EnumSource(Damage.class)
    void queuedTaskFrameDamaged_workerReplaced_eachWaitingTaskGetsItsOwnAnswer(Damage damage) throws Exception {
        Set<Path> before = new HashSet<>(NoLeakedWorkers.poolFolders());
        try (ProcessPoolExecutor pool = quietPool(1).retries(0).build()) {
            Pools.awaitQueuesInUse(pool);
            Path started = temp.resolve("gate-started");
            Path release = temp.resolve("gate-release");
            Future<Long> gate = pool.submit(new GateTask(started, release));
            long gatePid = awaitStarted(started);
            Path workerFolder = workerFolder(before, started);
            int gateFrame = QueueFiles.runTaskFrames(workerFolder).size() - 1; // after the probes of awaitQueuesInUse
            Future<String> alpha = pool.submit(new EchoWordTask("alpha"));
            Future<String> omega = pool.submit(new EchoWordTask("omega"));
            List<Frame> waiting = await("both tasks written to the busy worker's queue").atMost(WORKER_BOUND)
                    .until(() -> QueueFiles.runTaskFrames(workerFolder), frames -> frames.size() >= gateFrame + 3);

            damage(damage, waiting.get(gateFrame + 1), waiting.get(gateFrame + 2));
            Files.createFile(release);

            assertEquals(gatePid, valueOf(gate), "the running task was not disturbed");
            assertEquals("alpha", valueOf(alpha));
            assertEquals("omega", valueOf(omega));
            assertNotEquals(gatePid, valueOf(pool.submit(new PidTask())), "the damaged worker was replaced");
        }
    }

    private static Path workerFolder(Set<Path> before, Path started) {
        List<Path> created = NoLeakedWorkers.poolFolders().stream().filter(p -> !before.contains(p)).toList();
        assertEquals(1, created.size(), created::toString);
        return created.get(0).resolve("worker-" + dev.procpool.it.fixtures.StartedFile.workerId(started));
    }

    private static void damage(Damage damage, Frame first, Frame second) throws IOException {
        switch (damage) {
            case ZEROED_HEADER -> QueueFiles.writeInt(first.file(), first.headerAt(), 0);
            case ABSURD_LENGTH -> QueueFiles.writeInt(first.file(), first.headerAt(), 0x3FFFFF00);
            case LEFT_INCOMPLETE -> QueueFiles.writeInt(first.file(), first.headerAt(),
                    QueueFiles.NOT_COMPLETE | first.length());
            case RANDOM_BYTES -> {
                byte[] junk = new byte[first.length()];
                new Random(14).nextBytes(junk);
                QueueFiles.write(first.file(), first.frameAt(), junk);
            }
            case FLIPPED_BIT -> {
                long at = first.frameAt() + first.length() - 2; // inside the serialized value
                byte[] b = QueueFiles.read(first.file(), at, 1);
                QueueFiles.write(first.file(), at, new byte[] {(byte) (b[0] ^ 0x02)});
            }
            case SWAPPED_TASK_IDS -> {
                byte[] id1 = QueueFiles.read(first.file(), first.frameAt() + QueueFiles.TASK_ID_OFFSET, 8);
                byte[] id2 = QueueFiles.read(second.file(), second.frameAt() + QueueFiles.TASK_ID_OFFSET, 8);
                QueueFiles.write(first.file(), first.frameAt() + QueueFiles.TASK_ID_OFFSET, id2);
                QueueFiles.write(second.file(), second.frameAt() + QueueFiles.TASK_ID_OFFSET, id1);
            }
        }
    }
}
