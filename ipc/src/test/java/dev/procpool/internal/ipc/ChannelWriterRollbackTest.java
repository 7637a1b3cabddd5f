package dev.procpool.internal.ipc;

import dev.procpool.internal.ipc.Message.RunTask;
import dev.procpool.internal.ipc.codec.Payload;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import java.util.stream.Stream;

import static dev.procpool.internal.ipc.Channel.payloadOf;
import static dev.procpool.internal.ipc.MessageCodecTest.readAll;
import static dev.procpool.internal.ipc.OutOfBandPayloadTest.randomBytes;
import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertInstanceOf;
import static org.junit.jupiter.api.Assertions.assertNull;
import static org.junit.jupiter.api.Assertions.assertThrows;

/**
 * An exception while a message is being encoded must not leave a partial document in the queue: Chronicle
 * commits whatever was written unless the document is rolled back.
 */
class ChannelWriterRollbackTest {
    @TempDir
    Path folder;

    @Test
    void encodingThrowsMidDocument_readerSeesNextGoodMessage_andNoPartialOne() throws IOException {
        try (Channel channel = Channel.open(folder)) {
            channel.writer.write(new RunTask(1, payloadOf(new byte[] {1})));
            // the header is written before the payload's bytes are read, so this throws mid-document
            Payload released = releasedPayload(100);
            IllegalStateException thrown = assertThrows(IllegalStateException.class,
                    () -> channel.writer.write(new RunTask(2, released)));
            assertEquals("Payload[100 B] was already released", thrown.getMessage());
            channel.writer.write(new RunTask(3, payloadOf(new byte[] {3})));

            RunTask first = assertInstanceOf(RunTask.class, channel.receive());
            RunTask next = assertInstanceOf(RunTask.class, channel.receive());
            assertEquals(1, first.taskId());
            assertEquals(3, next.taskId());
            assertArrayEquals(new byte[] {3}, readAll(next.task()));
            assertNull(channel.reader.poll());
        }
    }

    @Test
    void failedWriteAsFirstMessage_readerSeesNextGoodMessage() throws IOException {
        try (Channel channel = Channel.open(folder)) {
            assertThrows(IllegalStateException.class,
                    () -> channel.writer.write(new RunTask(2, releasedPayload(100))));
            channel.writer.write(new RunTask(3, payloadOf(new byte[] {3})));

            assertEquals(3, assertInstanceOf(RunTask.class, channel.receive()).taskId());
            assertNull(channel.reader.poll());
        }
    }

    @Test
    void largePayloadFailsWhileSpilling_leavesNoPayloadFileBehind() throws IOException {
        try (Channel channel = Channel.open(folder)) {
            Payload released = releasedPayload(Math.toIntExact(Queues.INLINE_LIMIT) + 1);
            assertThrows(IllegalStateException.class, () -> channel.writer.write(new RunTask(2, released)));
            byte[] bytes = randomBytes(2 << 20, 7);
            channel.writer.write(new RunTask(3, payloadOf(bytes)));

            RunTask next = assertInstanceOf(RunTask.class, channel.receive());
            assertEquals(3, next.taskId());
            assertArrayEquals(bytes, readAll(next.task()));
            next.task().release();
            assertNull(channel.reader.poll());
            assertEquals(List.of(), payloadFiles(), "files of the failed write");
        }
    }

    /** A payload its owner already released: reading its bytes throws. */
    private static Payload releasedPayload(int length) {
        Payload payload = Payload.of(new byte[length]);
        payload.release();
        return payload;
    }

    private List<Path> payloadFiles() throws IOException {
        try (Stream<Path> files = Files.list(folder)) {
            return files.filter(p -> p.getFileName().toString().startsWith("payload-")).toList();
        }
    }
}
