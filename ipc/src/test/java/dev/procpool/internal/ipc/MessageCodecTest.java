package dev.procpool.internal.ipc;

import dev.procpool.internal.ipc.Message.CancelTask;
import dev.procpool.internal.ipc.Message.RunTask;
import dev.procpool.internal.ipc.Message.Shutdown;
import dev.procpool.internal.ipc.Message.StopNow;
import dev.procpool.internal.ipc.Message.TaskCancelled;
import dev.procpool.internal.ipc.Message.TaskCompleted;
import dev.procpool.internal.ipc.Message.TaskFailed;
import dev.procpool.internal.ipc.Message.WorkerReady;
import dev.procpool.internal.ipc.Message.WorkerRetired;
import dev.procpool.internal.ipc.codec.Payload;
import dev.procpool.internal.ipc.codec.TaskCodec;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

import java.io.IOException;
import java.io.InputStream;
import java.nio.charset.StandardCharsets;
import java.nio.file.Path;

import static dev.procpool.internal.ipc.Channel.payloadOf;
import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertInstanceOf;
import static org.junit.jupiter.api.Assertions.assertNull;

/** Every message type written by a {@link ChannelWriter} and read back by a {@link ChannelReader} on the same folder. */
class MessageCodecTest {
    @TempDir
    Path folder;

    @Test
    void commandsWithoutBody_roundTrip_equal() throws IOException {
        try (Channel channel = Channel.open(folder)) {
            channel.writer.write(new CancelTask(7, true));
            channel.writer.write(new Shutdown());
            channel.writer.write(new StopNow());
            channel.writer.write(new TaskCancelled(Long.MAX_VALUE));

            assertEquals(new CancelTask(7, true), channel.receive());
            assertEquals(new Shutdown(), channel.receive());
            assertEquals(new StopNow(), channel.receive());
            assertEquals(new TaskCancelled(Long.MAX_VALUE), channel.receive());
            assertNull(channel.reader.poll());
        }
    }

    @Test
    void workerReady_roundTrip_keepsVersionAndPid() throws IOException {
        try (Channel channel = Channel.open(folder)) {
            channel.writer.write(new WorkerReady(Message.PROTOCOL_VERSION, 4_000_000_123L));

            assertEquals(new WorkerReady(Message.PROTOCOL_VERSION, 4_000_000_123L), channel.receive());
        }
    }

    @Test
    void workerRetired_roundTrip_keepsNonAsciiReason() throws IOException {
        try (Channel channel = Channel.open(folder)) {
            channel.writer.write(new WorkerRetired("stopped by shutdownNow – bye 👋"));
            channel.writer.write(new WorkerRetired(""));

            assertEquals(new WorkerRetired("stopped by shutdownNow – bye 👋"), channel.receive());
            assertEquals(new WorkerRetired(""), channel.receive());
        }
    }

    @Test
    void runTask_roundTrip_keepsIdAndBytes() throws IOException {
        assertPayloadMessageRoundTrips((id, payload) -> new RunTask(id, payload));
    }

    @Test
    void taskCompleted_roundTrip_keepsIdAndBytes() throws IOException {
        assertPayloadMessageRoundTrips((id, payload) -> new TaskCompleted(id, payload));
    }

    @Test
    void taskFailed_roundTrip_keepsIdAndBytes() throws IOException {
        assertPayloadMessageRoundTrips((id, payload) -> new TaskFailed(id, payload));
    }

    @Test
    void emptyPayload_roundTrip_staysEmpty() throws IOException {
        try (Channel channel = Channel.open(folder)) {
            Payload empty = payloadOf(new byte[0]);
            channel.writer.write(new TaskCompleted(3, empty));
            empty.release();

            TaskCompleted received = assertInstanceOf(TaskCompleted.class, channel.receive());
            assertEquals(0, received.result().length());
            assertArrayEquals(new byte[0], readAll(received.result()));
            received.result().release();
        }
    }

    @Test
    void payloadOfArraySlice_roundTrip_sendsOnlyTheSlice() throws IOException {
        try (Channel channel = Channel.open(folder)) {
            Payload sent = Payload.of("skip|keep|skip".getBytes(StandardCharsets.US_ASCII), 5, 4);
            channel.writer.write(new RunTask(9, sent));
            sent.release();

            RunTask received = assertInstanceOf(RunTask.class, channel.receive());
            assertEquals("keep", new String(readAll(received.task()), StandardCharsets.US_ASCII));
            received.task().release();
        }
    }

    @Test
    void largeByteArrayPayload_inTwoParts_roundTripsInline() throws Exception {
        // over the codec's scratch size, under the inline limit: its header and the caller's array, not copied
        byte[] bytes = OutOfBandPayloadTest.randomBytes(200_000, 2);
        try (Channel channel = Channel.open(folder)) {
            Payload sent = TaskCodec.encode(bytes);
            channel.writer.write(new TaskCompleted(4, sent));
            sent.release();

            TaskCompleted received = assertInstanceOf(TaskCompleted.class, channel.receive());
            assertFalse(received.result().isInFile());
            assertArrayEquals(bytes, (byte[]) TaskCodec.decode(received.result(), getClass().getClassLoader()));
            received.result().release();
        }
    }

    private interface PayloadMessage {
        Message of(long taskId, Payload payload);
    }

    private void assertPayloadMessageRoundTrips(PayloadMessage factory) throws IOException {
        byte[] bytes = "serialized bytes \u0000\u00ff".getBytes(StandardCharsets.UTF_8);
        try (Channel channel = Channel.open(folder)) {
            Payload sent = payloadOf(bytes);
            channel.writer.write(factory.of(58, sent));
            // the writer does not take ownership: the caller may still read what it sent
            assertArrayEquals(bytes, readAll(sent));
            sent.release();

            Message received = channel.receive();
            assertEquals(factory.of(58, null).getClass(), received.getClass());
            Payload payload = payloadIn(received);
            assertEquals(58, taskIdOf(received));
            assertFalse(payload.isInFile());
            assertEquals(bytes.length, payload.length());
            assertArrayEquals(bytes, readAll(payload));
            payload.release();
        }
    }

    static Payload payloadIn(Message message) {
        if (message instanceof RunTask m) {
            return m.task();
        }
        if (message instanceof TaskCompleted m) {
            return m.result();
        }
        if (message instanceof TaskFailed m) {
            return m.error();
        }
        throw new AssertionError("no payload in " + message);
    }

    private static long taskIdOf(Message message) {
        if (message instanceof RunTask m) {
            return m.taskId();
        }
        if (message instanceof TaskCompleted m) {
            return m.taskId();
        }
        if (message instanceof TaskFailed m) {
            return m.taskId();
        }
        throw new AssertionError("no task id in " + message);
    }

    static byte[] readAll(Payload payload) throws IOException {
        try (InputStream in = payload.openStream()) {
            return in.readAllBytes();
        }
    }
}
