package dev.procpool.internal.ipc;

import dev.procpool.internal.ipc.Message.ConfigureWorker;
import dev.procpool.internal.ipc.codec.DeserializationLimits;
import dev.procpool.internal.ipc.Message.InitializerCompleted;
import dev.procpool.internal.ipc.Message.InitializerFailed;
import dev.procpool.internal.ipc.Message.OutcomeNotSerialized;
import dev.procpool.internal.ipc.Message.RunInitializer;
import dev.procpool.internal.ipc.codec.Payload;
import net.openhft.chronicle.bytes.Bytes;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

import java.io.IOException;
import java.lang.reflect.Field;
import java.lang.reflect.Modifier;
import java.nio.charset.StandardCharsets;
import java.nio.file.Path;
import java.util.HashMap;
import java.util.List;
import java.util.Map;

import static dev.procpool.internal.ipc.Channel.payloadOf;
import static dev.procpool.internal.ipc.MessageCodecTest.readAll;
import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertInstanceOf;
import static org.junit.jupiter.api.Assertions.assertNull;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

/** The frames of a worker's life beside its tasks: settings, initializer, an outcome that could not be sent. */
class LifecycleFramesTest {
    @TempDir
    Path folder;

    @Test
    void configureWorker_roundTrip_keepsBothLimits() throws IOException {
        try (Channel channel = Channel.open(folder)) {
            channel.writer.write(new ConfigureWorker(1_000, 512L << 20, new DeserializationLimits(7, 8, 9)));
            channel.writer.write(new ConfigureWorker(0, Long.MAX_VALUE, DeserializationLimits.DEFAULT));

            assertEquals(new ConfigureWorker(1_000, 512L << 20, new DeserializationLimits(7, 8, 9)), channel.receive());
            assertEquals(new ConfigureWorker(0, Long.MAX_VALUE, DeserializationLimits.DEFAULT), channel.receive());
            assertNull(channel.reader.poll());
        }
    }

    @Test
    void runInitializer_roundTrip_keepsBytes() throws IOException {
        byte[] bytes = "initializer \u0000\u00ff".getBytes(StandardCharsets.UTF_8);
        try (Channel channel = Channel.open(folder)) {
            Payload sent = payloadOf(bytes);
            channel.writer.write(new RunInitializer(sent));
            sent.release();

            RunInitializer received = assertInstanceOf(RunInitializer.class, channel.receive());
            assertArrayEquals(bytes, readAll(received.initializer()));
            received.initializer().release();
        }
    }

    @Test
    void initializerAnswers_roundTrip_completedEmptyFailedKeepsBytes() throws IOException {
        byte[] bytes = {7, 8, 9};
        try (Channel channel = Channel.open(folder)) {
            channel.writer.write(new InitializerCompleted());
            Payload sent = payloadOf(bytes);
            channel.writer.write(new InitializerFailed(sent));
            sent.release();

            assertEquals(new InitializerCompleted(), channel.receive());
            InitializerFailed failed = assertInstanceOf(InitializerFailed.class, channel.receive());
            assertArrayEquals(bytes, readAll(failed.error()));
            failed.error().release();
        }
    }

    @Test
    void outcomeNotSerialized_roundTrip_keepsDescriptionAndEveryFrameField() throws IOException {
        List<StackTraceElement> stack = List.of(
                new Throwable().getStackTrace()[0], // class loader "app", no module
                new StackTraceElement(null, "java.base", "17.0.15", "java.lang.Object", "wait", "Object.java", -2),
                new StackTraceElement("com.acme.Resize", "call", null, -1));
        OutcomeNotSerialized sent = new OutcomeNotSerialized(58, "the task's result, a com.acme.Image – 👋, could not"
                + " be serialized", stack);
        try (Channel channel = Channel.open(folder)) {
            channel.writer.write(sent);
            channel.writer.write(new OutcomeNotSerialized(59, "", List.of()));

            OutcomeNotSerialized received = assertInstanceOf(OutcomeNotSerialized.class, channel.receive());
            assertEquals(sent, received);
            assertEquals(stack.get(0).getClassLoaderName(), received.stack().get(0).getClassLoaderName());
            assertEquals("17.0.15", received.stack().get(1).getModuleVersion());
            assertEquals(new OutcomeNotSerialized(59, "", List.of()), channel.receive());
        }
    }

    @Test
    void outcomeNotSerialized_absurdFrameCount_refusedNotAllocated() {
        Bytes<?> bytes = Bytes.allocateElasticOnHeap();
        try {
            bytes.writeByte(FrameDescriptor.OUTCOME_NOT_SERIALIZED);
            bytes.writeLong(58);
            bytes.writeInt(0);
            bytes.writeUtf8("forged");
            bytes.writeInt(Integer.MAX_VALUE);
            MessageCodec.seal(bytes, 0);

            IllegalStateException thrown = assertThrows(IllegalStateException.class,
                    () -> MessageCodec.decode(bytes, folder));
            assertEquals("a frame claims 2147483647 stack frames in " + folder, thrown.getMessage());
        } finally {
            bytes.releaseLast();
        }
    }

    @Test
    void frameDescriptor_typeIds_uniqueAcrossQueuesAndControlPipe() throws IllegalAccessException {
        Map<Byte, String> seen = new HashMap<>();
        for (Field field : FrameDescriptor.class.getFields()) {
            if (field.getType() == byte.class && Modifier.isStatic(field.getModifiers())
                    && !field.getName().startsWith("PAYLOAD_")) {
                String earlier = seen.put(field.getByte(null), field.getName());
                assertNull(earlier, field.getName() + " reuses the id of " + earlier);
            }
        }
        assertTrue(seen.size() >= 16, "found only " + seen);
    }
}
