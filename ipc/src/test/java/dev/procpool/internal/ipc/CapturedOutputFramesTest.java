package dev.procpool.internal.ipc;

import dev.procpool.internal.ipc.Message.RunTask;
import dev.procpool.internal.ipc.Message.TaskCompleted;
import dev.procpool.internal.ipc.Message.TaskFailed;
import dev.procpool.internal.ipc.codec.Payload;
import net.openhft.chronicle.bytes.Bytes;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

import java.io.IOException;
import java.nio.file.Path;

import static dev.procpool.internal.ipc.Channel.payloadOf;
import static dev.procpool.internal.ipc.MessageCodecTest.readAll;
import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertInstanceOf;
import static org.junit.jupiter.api.Assertions.assertNull;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

/** The capture flag of RUN_TASK and the captured output of TASK_COMPLETED and TASK_FAILED, written and read back. */
class CapturedOutputFramesTest {
    @TempDir
    Path folder;

    @Test
    void runTask_captureFlag_roundTrips() throws IOException {
        try (Channel channel = Channel.open(folder)) {
            channel.writer.write(new RunTask(1, payloadOf(new byte[] {1}), true));
            channel.writer.write(new RunTask(2, payloadOf(new byte[] {2})));

            RunTask capturing = assertInstanceOf(RunTask.class, channel.receive());
            RunTask plain = assertInstanceOf(RunTask.class, channel.receive());
            assertTrue(capturing.captureOutput());
            assertFalse(plain.captureOutput());
            capturing.task().release();
            plain.task().release();
        }
    }

    @Test
    void taskCompletedAndFailed_withOutput_keepTextAndOmittedCount() throws IOException {
        CapturedOutput output = new CapturedOutput("line 1\nzwei – 👋\n", "", 12_345);
        try (Channel channel = Channel.open(folder)) {
            channel.writer.write(new TaskCompleted(3, payloadOf(new byte[] {3}), output));
            channel.writer.write(new TaskFailed(4, payloadOf(new byte[] {4}), new CapturedOutput("", "oops\n", 0)));
            channel.writer.write(new TaskCompleted(5, payloadOf(new byte[] {5})));

            TaskCompleted done = assertInstanceOf(TaskCompleted.class, channel.receive());
            TaskFailed failed = assertInstanceOf(TaskFailed.class, channel.receive());
            TaskCompleted uncaptured = assertInstanceOf(TaskCompleted.class, channel.receive());
            assertEquals(output, done.output());
            assertArrayEquals(new byte[] {3}, readAll(done.result()));
            assertEquals(new CapturedOutput("", "oops\n", 0), failed.output());
            assertArrayEquals(new byte[] {4}, readAll(failed.error()));
            assertNull(uncaptured.output());
            for (Payload p : new Payload[] {done.result(), failed.error(), uncaptured.result()}) {
                p.release();
            }
        }
    }

    @Test
    void largeResult_spilledToItsFile_keepsItsOutput() throws IOException {
        byte[] big = new byte[(int) Queues.INLINE_LIMIT + 1];
        big[big.length - 1] = 7;
        CapturedOutput output = new CapturedOutput("printed", "warned", 0);
        try (Channel channel = Channel.open(folder)) {
            channel.writer.write(new TaskCompleted(6, payloadOf(big), output));
            channel.writer.write(new RunTask(7, payloadOf(big), true));

            TaskCompleted done = assertInstanceOf(TaskCompleted.class, channel.receive());
            RunTask run = assertInstanceOf(RunTask.class, channel.receive());
            assertTrue(done.result().isInFile());
            assertEquals(output, done.output());
            assertArrayEquals(big, readAll(done.result()));
            assertTrue(run.captureOutput());
            done.result().release();
            run.task().release();
        }
    }

    @Test
    void frameEndingAfterItsPayload_readsAsNoCaptureAndNoOutput() {
        Bytes<?> bytes = Bytes.allocateElasticOnHeap(64);
        try {
            for (byte type : new byte[] {FrameDescriptor.RUN_TASK, FrameDescriptor.TASK_COMPLETED}) {
                bytes.clear();
                bytes.writeByte(type);
                bytes.writeLong(9);
                bytes.writeInt(0);
                bytes.writeByte(FrameDescriptor.PAYLOAD_INLINE);
                bytes.writeLong(1);
                bytes.writeByte((byte) 5);
                MessageCodec.seal(bytes, 0);
                Message read = MessageCodec.decode(bytes, folder);
                if (read instanceof RunTask run) {
                    assertFalse(run.captureOutput());
                } else {
                    assertNull(assertInstanceOf(TaskCompleted.class, read).output());
                }
            }
        } finally {
            bytes.releaseLast();
        }
    }

    @Test
    void outputLongerThanTheBound_frameRefused() {
        Bytes<?> bytes = Bytes.allocateElasticOnHeap(256 * 1024);
        try {
            bytes.writeByte(FrameDescriptor.TASK_FAILED);
            bytes.writeLong(9);
            bytes.writeInt(0);
            bytes.writeByte(FrameDescriptor.PAYLOAD_INLINE);
            bytes.writeLong(1);
            bytes.writeByte((byte) 5);
            bytes.writeByte(FrameDescriptor.PAYLOAD_OUTPUT);
            bytes.writeUtf8("x".repeat(CapturedOutput.MAX_BYTES_PER_STREAM + 1));
            bytes.writeUtf8("");
            bytes.writeLong(0);
            MessageCodec.seal(bytes, 0);
            FrameRefusedException thrown = assertThrows(FrameRefusedException.class,
                    () -> MessageCodec.decode(bytes, folder));
            assertEquals("a frame carries malformed captured output in " + folder, thrown.getMessage());
        } finally {
            bytes.releaseLast();
        }
    }
}
