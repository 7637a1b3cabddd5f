package dev.procpool.internal.ipc;

import dev.procpool.internal.ipc.Message.RunTask;
import dev.procpool.internal.ipc.Message.TaskCompleted;
import dev.procpool.internal.ipc.Message.TaskFailed;
import dev.procpool.internal.ipc.codec.Payload;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.ValueSource;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Arrays;
import java.util.List;
import java.util.Random;
import java.util.stream.Stream;

import static dev.procpool.internal.ipc.Channel.payloadOf;
import static dev.procpool.internal.ipc.MessageCodecTest.readAll;
import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertInstanceOf;
import static org.junit.jupiter.api.Assertions.assertTrue;

/** Payloads over {@link Queues#INLINE_LIMIT} travel in a file beside the queue, not through it. */
class OutOfBandPayloadTest {
    private static final int MB = 1 << 20;

    @TempDir
    Path folder;

    @ParameterizedTest(name = "{0} MB")
    @ValueSource(ints = {5, 40})
    void largeTask_travelsInFileBesideQueue_arrivesIntact(int megabytes) throws IOException {
        byte[] bytes = randomBytes(megabytes * MB, megabytes);
        try (Channel channel = Channel.open(folder)) {
            Payload sent = payloadOf(bytes);
            channel.writer.write(new RunTask(1, sent));
            sent.release();

            RunTask received = assertInstanceOf(RunTask.class, channel.receive());
            assertEquals(1, received.taskId());
            assertTrue(received.task().isInFile(), () -> received.task() + " should be in a file");
            assertEquals(folder, received.task().file().getParent());
            assertEquals(bytes.length, received.task().length());
            assertEquals(bytes.length, Files.size(received.task().file()));
            assertArrayEquals(bytes, readAll(received.task()));

            received.task().release();
            assertFalse(Files.exists(received.task().file()), "release() deletes the out-of-band file");
            assertEquals(List.of(), payloadFiles());
        }
    }

    @Test
    void largeInitializerAndItsError_travelInFiles_arriveIntact() throws IOException {
        // a worker without a start-up lane gets its initializer on the queue
        byte[] initializer = randomBytes(2 * MB, 3);
        byte[] error = randomBytes(2 * MB, 4);
        try (Channel channel = Channel.open(folder)) {
            Payload sentInitializer = payloadOf(initializer);
            Payload sentError = payloadOf(error);
            channel.writer.write(new Message.RunInitializer(sentInitializer));
            channel.writer.write(new Message.InitializerFailed(sentError));
            sentInitializer.release();
            sentError.release();
            assertEquals(2, payloadFiles().size());

            Message.RunInitializer run = assertInstanceOf(Message.RunInitializer.class, channel.receive());
            Message.InitializerFailed failed = assertInstanceOf(Message.InitializerFailed.class, channel.receive());
            assertTrue(run.initializer().isInFile());
            assertArrayEquals(initializer, readAll(run.initializer()));
            assertArrayEquals(error, readAll(failed.error()));
            run.initializer().release();
            failed.error().release();
            assertEquals(List.of(), payloadFiles());
        }
    }

    @Test
    void largeResultAndError_travelInSeparateFiles_arriveIntact() throws IOException {
        byte[] result = randomBytes(2 * MB, 1);
        byte[] error = randomBytes(3 * MB, 2);
        try (Channel channel = Channel.open(folder)) {
            Payload sentResult = payloadOf(result);
            Payload sentError = payloadOf(error);
            channel.writer.write(new TaskCompleted(1, sentResult));
            channel.writer.write(new TaskFailed(2, sentError));
            sentResult.release();
            sentError.release();
            assertEquals(2, payloadFiles().size());

            TaskCompleted completed = assertInstanceOf(TaskCompleted.class, channel.receive());
            TaskFailed failed = assertInstanceOf(TaskFailed.class, channel.receive());
            assertArrayEquals(result, readAll(completed.result()));
            assertArrayEquals(error, readAll(failed.error()));
            completed.result().release();
            failed.error().release();
            assertEquals(List.of(), payloadFiles());
        }
    }

    @Test
    void payloadAtInlineLimit_travelsInline() throws IOException {
        byte[] bytes = randomBytes(Math.toIntExact(Queues.INLINE_LIMIT), 3);
        try (Channel channel = Channel.open(folder)) {
            Payload sent = payloadOf(bytes);
            channel.writer.write(new RunTask(1, sent));
            sent.release();

            RunTask received = assertInstanceOf(RunTask.class, channel.receive());
            assertFalse(received.task().isInFile());
            assertArrayEquals(bytes, readAll(received.task()));
            assertEquals(List.of(), payloadFiles());
            received.task().release();
        }
    }

    @Test
    void payloadOneByteOverInlineLimit_travelsInFile() throws IOException {
        byte[] bytes = randomBytes(Math.toIntExact(Queues.INLINE_LIMIT) + 1, 4);
        try (Channel channel = Channel.open(folder)) {
            Payload sent = payloadOf(bytes);
            channel.writer.write(new RunTask(1, sent));
            sent.release();

            RunTask received = assertInstanceOf(RunTask.class, channel.receive());
            assertTrue(received.task().isInFile());
            assertArrayEquals(bytes, readAll(received.task()));
            received.task().release();
        }
    }

    @Test
    void largePayloadOfArraySlice_spillsOnlyTheSlice() throws IOException {
        byte[] bytes = randomBytes(2 * MB, 5);
        try (Channel channel = Channel.open(folder)) {
            Payload sent = Payload.of(bytes, 1000, bytes.length - 1000);
            channel.writer.write(new TaskCompleted(6, sent));
            sent.release();

            TaskCompleted received = assertInstanceOf(TaskCompleted.class, channel.receive());
            assertArrayEquals(Arrays.copyOfRange(bytes, 1000, bytes.length), readAll(received.result()));
            received.result().release();
        }
    }

    @Test
    void largePayload_sentTwice_eachWriteGetsItsOwnFile() throws IOException {
        byte[] bytes = randomBytes(2 * MB, 6);
        try (Channel channel = Channel.open(folder)) {
            Payload sent = payloadOf(bytes);
            // the parent keeps a task's bytes to send them again should its first worker die
            channel.writer.write(new RunTask(1, sent));
            channel.writer.write(new RunTask(1, sent));
            sent.release();

            RunTask first = assertInstanceOf(RunTask.class, channel.receive());
            RunTask second = assertInstanceOf(RunTask.class, channel.receive());
            first.task().release();
            assertArrayEquals(bytes, readAll(second.task()));
            second.task().release();
        }
    }

    static byte[] randomBytes(int length, long seed) {
        byte[] bytes = new byte[length];
        new Random(seed).nextBytes(bytes);
        return bytes;
    }

    private List<Path> payloadFiles() throws IOException {
        try (Stream<Path> files = Files.list(folder)) {
            return files.filter(p -> p.getFileName().toString().startsWith("payload-")).toList();
        }
    }
}
