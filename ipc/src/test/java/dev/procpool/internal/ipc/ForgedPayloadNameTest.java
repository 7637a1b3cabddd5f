package dev.procpool.internal.ipc;

import dev.procpool.internal.ipc.Message.TaskCompleted;
import net.openhft.chronicle.bytes.Bytes;
import net.openhft.chronicle.queue.ExcerptAppender;
import net.openhft.chronicle.queue.impl.StoreFileListener;
import net.openhft.chronicle.queue.impl.single.SingleChronicleQueue;
import net.openhft.chronicle.wire.DocumentContext;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.ValueSource;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;

import static dev.procpool.internal.ipc.Channel.payloadOf;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertInstanceOf;
import static org.junit.jupiter.api.Assertions.assertNull;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

/**
 * A task can write anything to its own results queue, and the parent reads it: an out-of-band file name in a
 * frame is refused unless it is one procpool's writer makes, so a forged name never opens or deletes a file.
 */
class ForgedPayloadNameTest {
    @TempDir
    Path root;

    @ParameterizedTest(name = "[{index}] \"{0}\"")
    @ValueSource(strings = {"../../victim", "../victim", "/victim", "sub/../../victim", "payload-1.bin/../../victim",
            "payload-0.bin", "payload-01.bin", "payload-1.bin\u0000", "victim", ""})
    void forgedFileName_pollRefusesFrame_fileOutsideUntouched_nextFrameRead(String name) throws IOException {
        Path victim = Files.writeString(root.resolve("victim"), "keep me");
        Path folder = Files.createDirectories(root.resolve("pool").resolve("worker-1"));
        try (Channel channel = Channel.open(folder)) {
            writeForgedCompletion(folder, 7, name);
            channel.writer.write(new TaskCompleted(8, payloadOf(new byte[] {8})));

            FrameRefusedException refused = assertThrows(FrameRefusedException.class, channel.reader::poll);
            assertTrue(refused.getMessage().contains("the frame is refused and no file is opened"), refused.getMessage());
            assertEquals(8, assertInstanceOf(TaskCompleted.class, channel.receive()).taskId());
            assertNull(channel.reader.poll());
        }
        assertEquals("keep me", Files.readString(victim));
    }

    @ParameterizedTest(name = "[{index}] \"{0}\"")
    @ValueSource(strings = {"payload-1.bin", "payload-9223372036854775807.bin"})
    void fileNameTheWriterMakes_resolvesInsideFolder(String name) throws IOException {
        Path folder = Files.createDirectories(root.resolve("worker-1"));
        try (Channel channel = Channel.open(folder)) {
            writeForgedCompletion(folder, 7, name);

            TaskCompleted completed = assertInstanceOf(TaskCompleted.class, channel.receive());
            assertEquals(folder.resolve(name), completed.result().file());
        }
    }

    @Test
    void refusal_saysWhichNameAndFolder() {
        Path folder = root.resolve("worker-1");
        FrameRefusedException refused = assertThrows(FrameRefusedException.class,
                () -> PayloadFileNames.resolve(folder, "../../victim"));
        assertEquals("a frame names out-of-band payload file \"../../victim\" in " + folder
                + ", which is not a name procpool makes (payload-<n>.bin); the frame is refused and no file is opened",
                refused.getMessage());
    }

    /**
     * A TASK_COMPLETED frame as a hostile task would append it to its own results queue, with a valid checksum
     * (the task can compute one too).
     */
    private static void writeForgedCompletion(Path folder, long taskId, String fileName) {
        try (SingleChronicleQueue queue = Queues.open(folder, StoreFileListener.noOp());
             ExcerptAppender appender = queue.createAppender();
             DocumentContext dc = appender.writingDocument()) {
            Bytes<?> out = dc.wire().bytes();
            long start = out.writePosition();
            out.writeByte(FrameDescriptor.TASK_COMPLETED);
            out.writeLong(taskId);
            out.writeInt(0);
            out.writeByte(FrameDescriptor.PAYLOAD_IN_FILE);
            out.writeLong(7);
            out.writeUtf8(fileName);
            MessageCodec.seal(out, start);
        }
    }
}
