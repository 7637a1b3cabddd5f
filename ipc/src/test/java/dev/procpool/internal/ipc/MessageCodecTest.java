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
import io.netty.buffer.ByteBuf;
import io.netty.buffer.Unpooled;
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
    void payloadWithReaderIndex_roundTrip_sendsOnlyReadableBytes() throws IOException {
        try (Channel channel = Channel.open(folder)) {
            ByteBuf buffer = Unpooled.wrappedBuffer("skip|keep".getBytes(StandardCharsets.US_ASCII));
            buffer.readerIndex(5);
            Payload sent = Payload.of(buffer);
            channel.writer.write(new RunTask(9, sent));
            sent.release();

            RunTask received = assertInstanceOf(RunTask.class, channel.receive());
            assertEquals("keep", new String(readAll(received.task()), StandardCharsets.US_ASCII));
            received.task().release();
        }
    }

    @Test
    void directBufferPayload_roundTrip_keepsBytes() throws IOException {
        try (Channel channel = Channel.open(folder)) {
            ByteBuf direct = Unpooled.directBuffer(3).writeBytes(new byte[] {1, 2, 3});
            Payload sent = Payload.of(direct);
            channel.writer.write(new TaskFailed(4, sent));
            sent.release();

            TaskFailed received = assertInstanceOf(TaskFailed.class, channel.receive());
            assertArrayEquals(new byte[] {1, 2, 3}, readAll(received.error()));
            received.error().release();
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
            assertEquals(1, sent.buffer().refCnt());
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
