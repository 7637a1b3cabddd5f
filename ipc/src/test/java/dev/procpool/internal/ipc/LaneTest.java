package dev.procpool.internal.ipc;

import dev.procpool.internal.ipc.Message.ChannelsSwitched;
import dev.procpool.internal.ipc.Message.ConfigureWorker;
import dev.procpool.internal.ipc.Message.InitializerCompleted;
import dev.procpool.internal.ipc.Message.InitializerFailed;
import dev.procpool.internal.ipc.Message.OutcomeNotSerialized;
import dev.procpool.internal.ipc.Message.OpenQueues;
import dev.procpool.internal.ipc.Message.QueuesOpened;
import dev.procpool.internal.ipc.Message.ResourceRequested;
import dev.procpool.internal.ipc.Message.RunInitializer;
import dev.procpool.internal.ipc.Message.RunTask;
import dev.procpool.internal.ipc.Message.ShipResource;
import dev.procpool.internal.ipc.Message.Shutdown;
import dev.procpool.internal.ipc.Message.SwitchChannels;
import dev.procpool.internal.ipc.Message.TaskCancelled;
import dev.procpool.internal.ipc.Message.TaskCompleted;
import dev.procpool.internal.ipc.Message.TaskFailed;
import dev.procpool.internal.ipc.Message.WorkerReady;
import dev.procpool.internal.ipc.Message.WorkerRetired;
import dev.procpool.internal.ipc.codec.DeserializationLimits;
import dev.procpool.internal.ipc.codec.Payload;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

import java.io.IOException;
import java.net.StandardProtocolFamily;
import java.net.UnixDomainSocketAddress;
import java.nio.ByteBuffer;
import java.nio.channels.ServerSocketChannel;
import java.nio.channels.SocketChannel;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Objects;
import java.util.Random;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicInteger;

import static org.awaitility.Awaitility.await;
import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertInstanceOf;
import static org.junit.jupiter.api.Assertions.assertNotNull;
import static org.junit.jupiter.api.Assertions.assertNull;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

/** The start-up lane over a real Unix-domain socket: what one end writes, the other reads, and the switch to a queue. */
class LaneTest {
    @TempDir
    Path folder;
    /** How often the parent's reading thread called its listener. */
    private final AtomicInteger parentWakes = new AtomicInteger();
    private Lane parent;
    private Lane worker;

    @BeforeEach
    void connect() throws Exception {
        Lane.Listener listener = Lane.offer(folder);
        assertNotNull(listener, "this platform offers Unix-domain sockets");
        assertTrue(Files.exists(folder.resolve(Lane.FILE_NAME)));
        CompletableFuture<Lane> accepted = CompletableFuture.supplyAsync(() -> {
            try {
                return listener.accept();
            } catch (IOException e) {
                throw new RuntimeException(e);
            }
        });
        worker = Lane.connectIfOffered(folder);
        parent = accepted.get(10, TimeUnit.SECONDS);
        listener.close();
        assertFalse(Files.exists(folder.resolve(Lane.FILE_NAME)), "the listener removes its socket file");
        parent.startReading("test-parent-lane", null, parentWakes::incrementAndGet);
        worker.startReading("test-worker-lane", SwitchChannels.class, () -> { });
    }

    @AfterEach
    void close() {
        parent.close();
        worker.close();
    }

    @Test
    void everyCommand_parentToWorker_arrivesEqualAndInOrder() throws IOException {
        byte[] task = bytes(100, 1);
        byte[] initializer = bytes(10, 2);
        byte[] shipped = bytes(3_000, 3);
        DeserializationLimits limits = new DeserializationLimits(12, 34, 56);
        parent.write(new ConfigureWorker(5, 6L << 30, limits));
        parent.write(new RunInitializer(Payload.of(initializer)));
        parent.write(new RunTask(42, Payload.of(task), true));
        parent.write(new ShipResource(7, "a/B.class", Payload.of(shipped), null));
        parent.write(new ShipResource(7, "a/C.class", null, "not found: a.C"));
        parent.write(new Shutdown());
        parent.write(new OpenQueues());
        parent.write(new SwitchChannels());

        assertEquals(new ConfigureWorker(5, 6L << 30, limits), next(worker));
        assertArrayEquals(initializer, ((RunInitializer) next(worker)).initializer().toByteArray());
        RunTask run = (RunTask) next(worker);
        assertEquals(42, run.taskId());
        assertTrue(run.captureOutput());
        assertArrayEquals(task, run.task().toByteArray());
        ShipResource found = (ShipResource) next(worker);
        assertEquals("a/B.class", found.name());
        assertArrayEquals(shipped, found.bytes().toByteArray());
        assertEquals(new ShipResource(7, "a/C.class", null, "not found: a.C"), next(worker));
        assertEquals(new Shutdown(), next(worker));
        assertEquals(new OpenQueues(), next(worker));
        assertEquals(new SwitchChannels(), next(worker));
        assertNull(worker.poll());
    }

    @Test
    void everyEvent_workerToParent_arrivesEqualAndInOrder() throws IOException {
        byte[] result = bytes(1_000, 4);
        byte[] error = bytes(500, 5);
        CapturedOutput output = new CapturedOutput("out ü\n", "", 17);
        List<StackTraceElement> stack = List.of(new StackTraceElement("app", "m", "1", "a.B", "run", "B.java", 12),
                new StackTraceElement(null, null, null, "a.C", "call", null, -2));
        worker.write(new WorkerReady(Message.PROTOCOL_VERSION, 1234));
        worker.write(new InitializerCompleted());
        worker.write(new InitializerFailed(Payload.of(error)));
        worker.write(new TaskCompleted(1, Payload.of(result), output));
        worker.write(new TaskFailed(2, Payload.of(error), null));
        worker.write(new OutcomeNotSerialized(3, "a.D is not serializable", stack));
        worker.write(new TaskCancelled(4));
        worker.write(new ResourceRequested(9, "a/E.class"));
        worker.write(new WorkerRetired("recycled after 5 tasks — ünïcode"));
        worker.write(new QueuesOpened());
        worker.write(new ChannelsSwitched());

        assertEquals(new WorkerReady(Message.PROTOCOL_VERSION, 1234), next(parent));
        assertEquals(new InitializerCompleted(), next(parent));
        assertArrayEquals(error, ((InitializerFailed) next(parent)).error().toByteArray());
        TaskCompleted done = (TaskCompleted) next(parent);
        assertEquals(1, done.taskId());
        assertArrayEquals(result, done.result().toByteArray());
        assertEquals(output, done.output());
        TaskFailed failed = (TaskFailed) next(parent);
        assertArrayEquals(error, failed.error().toByteArray());
        assertNull(failed.output());
        assertEquals(new OutcomeNotSerialized(3, "a.D is not serializable", stack), next(parent));
        assertEquals(new TaskCancelled(4), next(parent));
        assertEquals(new ResourceRequested(9, "a/E.class"), next(parent));
        assertEquals(new WorkerRetired("recycled after 5 tasks — ünïcode"), next(parent));
        assertEquals(new QueuesOpened(), next(parent));
        assertEquals(new ChannelsSwitched(), next(parent));
    }

    @Test
    void largePayloadAndPayloadInFile_arriveWhole() throws IOException {
        byte[] large = bytes(24 << 20, 6); // far larger than the socket's buffers: the reader drains as it goes
        Path file = folder.resolve("spilled");
        byte[] inFile = bytes(70_000, 7);
        Files.write(file, inFile);
        worker.write(new TaskCompleted(1, Payload.of(large), null));
        worker.write(new TaskCompleted(2, Payload.inFile(file, inFile.length), null));

        assertArrayEquals(large, ((TaskCompleted) next(parent)).result().toByteArray());
        TaskCompleted fromFile = (TaskCompleted) next(parent);
        assertFalse(fromFile.result().isInFile(), "the lane carries the file's bytes, not its name");
        assertArrayEquals(inFile, fromFile.result().toByteArray());
    }

    @Test
    void payloadsOverTheInlineBound_travelAsFilesOfTheSender_whichTheReaderDeletes() throws Exception {
        Path other = Files.createTempDirectory(folder, "bound");
        Lane[] ends = connectWithInlineMax(other, 64 << 10);
        Lane parentEnd = ends[0];
        Lane workerEnd = ends[1];
        try {
            byte[] result = bytes(100_000, 8);
            byte[] small = bytes(1_000, 9);
            Path elsewhere = folder.resolve("task-in-a-file");
            byte[] task = bytes(70_000, 10);
            Files.write(elsewhere, task);
            workerEnd.write(new TaskCompleted(1, Payload.of(result), null));
            workerEnd.write(new TaskCompleted(2, Payload.of(small), null));
            parentEnd.write(new RunTask(3, Payload.inFile(elsewhere, task.length), false));

            Payload big = ((TaskCompleted) next(parentEnd)).result();
            assertTrue(big.isInFile(), "over the bound: the lane carries a file's name");
            assertEquals(other.resolve("lane-from-worker").toAbsolutePath().normalize(), big.file().getParent());
            assertArrayEquals(result, Files.readAllBytes(big.file()));
            assertFalse(((TaskCompleted) next(parentEnd)).result().isInFile(), "within the bound: inline");
            Payload sent = ((RunTask) next(workerEnd)).task();
            assertEquals(other.resolve("lane-from-parent").toAbsolutePath().normalize(), sent.file().getParent(),
                    "a payload already in a file of its own is copied into the sender's lane folder");
            assertArrayEquals(task, Files.readAllBytes(sent.file()));
            assertTrue(Files.exists(elsewhere), "the sender's own file stays the sender's");

            big.release();
            sent.release();
            try (var left = Files.list(other.resolve("lane-from-worker"))) {
                assertEquals(0, left.count(), "the reader's release deletes the file");
            }
            try (var left = Files.list(other.resolve("lane-from-parent"))) {
                assertEquals(0, left.count(), "the reader's release deletes the file");
            }
        } finally {
            parentEnd.close();
            workerEnd.close();
        }
    }

    @Test
    void payloadFileNamedOutsideTheSendersFolder_refused() throws Exception {
        byte[] name = "../../etc/passwd".getBytes(java.nio.charset.StandardCharsets.UTF_8);
        ByteBuffer bytes = ByteBuffer.allocate(64);
        bytes.put((byte) 3).putLong(7).put((byte) 0); // a RunTask, as the codec writes it
        bytes.putInt(-2).putLong(10).putInt(name.length).put(name); // its payload "in a file"
        FrameRefusedException refused = forged(bytes, null, false);
        assertTrue(refused.getMessage().contains("not a name procpool makes"), refused.getMessage());
    }

    @Test
    void bytesThatAreNoMessage_refusedAfterTheMessagesBeforeThem() throws Exception {
        ByteBuffer bytes = ByteBuffer.allocate(64);
        bytes.put((byte) 26).putLong(8); // a TaskCancelled, as the codec writes it
        bytes.put((byte) 23).putLong(9).putInt(1 << 30); // a result claiming 1 GiB, then nothing
        FrameRefusedException refused = forged(bytes, new TaskCancelled(8), true);
        assertTrue(refused.getMessage().contains("ended inside a message"), refused.getMessage());
    }

    @Test
    void noOffer_connectIfOffered_returnsNull(@TempDir Path empty) throws IOException {
        assertNull(Lane.connectIfOffered(empty));
    }

    @Test
    void listenerClosed_acceptEnds() throws Exception {
        Path other = Files.createTempDirectory(folder, "unused");
        Lane.Listener listener = Lane.offer(other);
        CompletableFuture<Object> accept = CompletableFuture.supplyAsync(() -> {
            try {
                return listener.accept();
            } catch (IOException e) {
                return e;
            }
        });
        listener.close();
        assertInstanceOf(IOException.class, accept.get(10, TimeUnit.SECONDS));
        assertFalse(Files.exists(other.resolve(Lane.FILE_NAME)));
    }

    @Test
    void switchingSinkAndSource_lanesMessagesThenQueuesThem_inOneOrder() throws IOException {
        Path queue = Files.createDirectory(folder.resolve("results"));
        List<Message> read = new ArrayList<>();
        try (Channel channel = Channel.open(queue)) {
            SwitchingSink sink = new SwitchingSink(worker);
            SwitchingSource source = new SwitchingSource(parent, ChannelsSwitched.class, () -> channel.reader);
            sink.write(new TaskCancelled(1));
            sink.write(new TaskCancelled(2));
            sink.switchTo(channel.writer, new ChannelsSwitched());
            sink.write(new TaskCancelled(3));
            sink.write(new TaskCancelled(4));
            while (read.size() < 4) {
                Message message = await().atMost(Duration.ofSeconds(10)).pollInterval(Duration.ofMillis(1))
                        .until(source::poll, Objects::nonNull);
                read.add(message);
            }
            assertTrue(source.switched());
            assertNull(worker.poll());
        }
        assertEquals(List.of(new TaskCancelled(1), new TaskCancelled(2), new TaskCancelled(3), new TaskCancelled(4)), read);
    }

    @Test
    void afterTheSwitch_workersReadingEnds_itsEndRingsTheParent_ringsWakeButAreNotKept() throws Exception {
        parent.write(new SwitchChannels());
        assertEquals(new SwitchChannels(), next(worker));
        worker.ended().get(10, TimeUnit.SECONDS);
        assertFalse(worker.isClosed(), "the worker's end stays open after its last command, to ring");

        int before = parentWakes.get();
        worker.ring();
        worker.ring();
        await().atMost(Duration.ofSeconds(10)).until(() -> parentWakes.get() == before + 2);
        assertNull(parent.poll(), "a ring wakes the parent; it is no message to route");

        worker.close();
        parent.ended().get(10, TimeUnit.SECONDS);
        assertTrue(parent.isClosed(), "the parent's end closes when the worker's does");
    }

    @Test
    void ringingSink_ringsOncePerRequest_afterTheMessageIsInTheQueue() throws Exception {
        Path queue = Files.createDirectory(folder.resolve("results"));
        WorkerActivityFile activity = WorkerActivityFile.create(folder);
        WorkerActivityFile parentsView = WorkerActivityFile.openParentView(folder);
        parent.write(new SwitchChannels());
        assertEquals(new SwitchChannels(), next(worker));
        try (Channel channel = Channel.open(queue)) {
            RingingSink sink = new RingingSink(channel.writer, activity, worker);
            int before = parentWakes.get();
            sink.write(new TaskCancelled(1));
            assertEquals(new TaskCancelled(1), channel.reader.poll());

            assertTrue(parentsView.wantRing());
            sink.write(new TaskCancelled(2));
            sink.write(new TaskCancelled(3));
            await().atMost(Duration.ofSeconds(10)).until(() -> parentWakes.get() == before + 1);
            assertEquals(new TaskCancelled(2), channel.reader.poll());
            assertEquals(new TaskCancelled(3), channel.reader.poll());
            worker.close(); // ends the parent's reading: a second ring would have come before the end
            parent.ended().get(10, TimeUnit.SECONDS);
            assertEquals(before + 1, parentWakes.get(), "one ring for one request");
        } finally {
            parentsView.close();
        }
    }

    private static Lane[] connectWithInlineMax(Path where, long inlineMax) throws Exception {
        String before = System.getProperty(LaneFiles.INLINE_MAX_PROPERTY);
        System.setProperty(LaneFiles.INLINE_MAX_PROPERTY, Long.toString(inlineMax));
        try {
            Lane.Listener listener = Lane.offer(where);
            assertNotNull(listener);
            CompletableFuture<Lane> accepted = CompletableFuture.supplyAsync(() -> {
                try {
                    return listener.accept();
                } catch (IOException e) {
                    throw new RuntimeException(e);
                }
            });
            Lane workerEnd = Lane.connectIfOffered(where);
            Lane parentEnd = accepted.get(10, TimeUnit.SECONDS);
            listener.close();
            parentEnd.startReading("test-parent-lane-bound", null, () -> { });
            workerEnd.startReading("test-worker-lane-bound", null, () -> { });
            return new Lane[] {parentEnd, workerEnd};
        } finally {
            if (before == null) {
                System.clearProperty(LaneFiles.INLINE_MAX_PROPERTY);
            } else {
                System.setProperty(LaneFiles.INLINE_MAX_PROPERTY, before);
            }
        }
    }

    /**
     * Writes {@code bytes} to a worker's end of a lane from a forged parent, expects {@code first} to be read
     * (unless null), closes the forger if asked, and returns the reader's refusal.
     */
    private FrameRefusedException forged(ByteBuffer bytes, Message first, boolean thenClose) throws Exception {
        Path other = Files.createTempDirectory(folder, "forged");
        try (ServerSocketChannel server = ServerSocketChannel.open(StandardProtocolFamily.UNIX)) {
            server.bind(UnixDomainSocketAddress.of(other.resolve(Lane.FILE_NAME)));
            Lane reader = Lane.connectIfOffered(other);
            try (SocketChannel forger = server.accept()) {
                reader.startReading("test-forged-lane", null, () -> { });
                forger.write(bytes.flip());
                if (first != null) {
                    assertEquals(first, next(reader));
                }
                if (thenClose) {
                    forger.close();
                }
                return await().atMost(Duration.ofSeconds(10)).pollInterval(Duration.ofMillis(5))
                        .until(() -> refusal(reader), Objects::nonNull);
            } finally {
                reader.close();
            }
        }
    }

    private static FrameRefusedException refusal(Lane lane) {
        try {
            lane.poll();
            return null;
        } catch (FrameRefusedException e) {
            return e;
        }
    }

    private static Message next(Lane lane) {
        return await("a message on the lane").atMost(Duration.ofSeconds(10)).pollInterval(Duration.ofMillis(1))
                .until(lane::poll, Objects::nonNull);
    }

    private static byte[] bytes(int length, long seed) {
        byte[] bytes = new byte[length];
        new Random(seed).nextBytes(bytes);
        return bytes;
    }
}
