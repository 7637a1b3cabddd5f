package dev.procpool.internal.worker;

import dev.procpool.internal.ipc.ChannelReader;
import dev.procpool.internal.ipc.ChannelWriter;
import dev.procpool.internal.ipc.Message.RunTask;
import dev.procpool.internal.ipc.Message.ShipResource;
import dev.procpool.internal.ipc.Message.Shutdown;
import dev.procpool.internal.ipc.Queues;
import dev.procpool.internal.ipc.codec.Payload;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

import java.nio.file.Path;
import java.util.concurrent.TimeUnit;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertInstanceOf;
import static org.junit.jupiter.api.Assertions.assertNull;
import static org.junit.jupiter.api.Assertions.assertTrue;

/** A thread waiting for a shipped class reads the task queue, and loses none of the other commands it reads. */
class TaskInboxTest {
    @TempDir
    Path folder;
    private ChannelWriter parent;
    private ChannelReader queue;
    private TaskInbox inbox;

    @BeforeEach
    void openQueue() {
        parent = ChannelWriter.open(folder);
        queue = ChannelReader.open(folder);
        inbox = new TaskInbox(queue);
    }

    @AfterEach
    void closeQueue() {
        queue.close();
        parent.close();
        Queues.releaseClosedQueues();
    }

    @Test
    void await_readsPastOtherCommands_keepsThemInOrderForTheTaskLoop() throws Exception {
        parent.write(new RunTask(1, Payload.of(new byte[]{1})));
        parent.write(new ShipResource(2, "b/Other.class", null, "not here"));
        parent.write(new Shutdown());
        parent.write(new ShipResource(1, "a/Mine.class", Payload.of(new byte[]{9}), null));

        ShipResource mine = inbox.await(1, "a/Mine.class", TimeUnit.SECONDS.toNanos(10));

        assertEquals(9, mine.bytes().toByteArray()[0]);
        assertEquals(1, assertInstanceOf(RunTask.class, inbox.poll()).taskId());
        assertInstanceOf(Shutdown.class, inbox.poll());
        assertNull(inbox.poll());
        assertEquals("not here", inbox.await(2, "b/Other.class", TimeUnit.SECONDS.toNanos(10)).missing(),
                "an answer read for another asker is kept for it");
    }

    @Test
    void poll_keepsAnswersItReads_forTheirAskers() throws Exception {
        parent.write(new ShipResource(1, "a/Early.class", null, "gone"));
        parent.write(new Shutdown());

        assertInstanceOf(Shutdown.class, inbox.poll());
        assertEquals("gone", inbox.await(1, "a/Early.class", TimeUnit.SECONDS.toNanos(10)).missing());
    }

    @Test
    void await_interrupted_keepsWaitingUntilTimeout_andRestoresTheInterrupt() {
        long timeoutNs = TimeUnit.MILLISECONDS.toNanos(100);
        Thread.currentThread().interrupt();
        long start = System.nanoTime();

        assertNull(inbox.await(1, "a/Never.class", timeoutNs));

        assertTrue(System.nanoTime() - start >= timeoutNs, "the interrupt did not end the wait");
        assertTrue(Thread.interrupted(), "the interrupt is kept for the task");
    }
}
