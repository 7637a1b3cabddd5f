package dev.procpool.internal.ipc;

import io.netty.buffer.AbstractByteBufAllocator;
import io.netty.buffer.ByteBuf;
import io.netty.buffer.Unpooled;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

import java.io.IOException;
import java.io.InputStream;
import java.io.NotSerializableException;
import java.io.ObjectOutputStream;
import java.io.Serializable;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.concurrent.ConcurrentHashMap;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertNull;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

class JavaSerializerTest {
    @TempDir
    Path folder;

    record Point(int x, String label, List<Integer> tags) implements Serializable {
    }

    /** Holds something that cannot be serialized. */
    static final class HoldsThread implements Serializable {
        @SuppressWarnings("unused")
        final Object thread = Thread.currentThread();
    }

    /** Fails inside its own writeObject, as a buggy custom serializer would. */
    static final class ThrowsWhileWriting implements Serializable {
        private void writeObject(ObjectOutputStream out) {
            throw new IllegalStateException("cannot write me");
        }
    }

    @Test
    void serializableValues_roundTrip_equal() throws Exception {
        List<Object> values = List.of("text ✓", 42, 7L, new ArrayList<>(List.of(1, 2, 3)), Map.of("k", "v"),
                new Point(3, "p", List.of(4, 5)), new IllegalArgumentException("boom"));
        for (Object value : values) {
            Payload payload = JavaSerializer.serialize(value);
            Object copy = JavaSerializer.deserialize(payload, getClass().getClassLoader());
            payload.release();
            if (value instanceof Throwable thrown) {
                assertEquals(thrown.toString(), copy.toString());
            } else {
                assertEquals(value, copy);
            }
        }
    }

    @Test
    void nullValue_roundTrip_null() throws Exception {
        Payload payload = JavaSerializer.serialize(null);
        assertNull(JavaSerializer.deserialize(payload, getClass().getClassLoader()));
        payload.release();
    }

    @Test
    void serialize_success_callerOwnsOneReference() throws IOException {
        RecordingAllocator allocator = new RecordingAllocator();
        Payload payload = JavaSerializer.serialize("owned", allocator);

        assertEquals(1, allocator.only().refCnt());
        assertEquals(payload.length(), allocator.only().readableBytes());
        payload.release();
        assertEquals(0, allocator.only().refCnt());
    }

    @Test
    void serialize_nonSerializableValue_throwsAndReleasesBuffer() {
        RecordingAllocator allocator = new RecordingAllocator();

        NotSerializableException thrown = assertThrows(NotSerializableException.class,
                () -> JavaSerializer.serialize(new Object(), allocator));

        assertEquals("java.lang.Object", thrown.getMessage());
        assertEquals(0, allocator.only().refCnt());
    }

    @Test
    void serialize_nonSerializableField_throwsAndReleasesBuffer() {
        RecordingAllocator allocator = new RecordingAllocator();

        NotSerializableException thrown = assertThrows(NotSerializableException.class,
                () -> JavaSerializer.serialize(new HoldsThread(), allocator));

        assertEquals("java.lang.Thread", thrown.getMessage());
        assertEquals(0, allocator.only().refCnt());
    }

    @Test
    void serialize_writeObjectThrows_propagatesAndReleasesBuffer() {
        RecordingAllocator allocator = new RecordingAllocator();

        IllegalStateException thrown = assertThrows(IllegalStateException.class,
                () -> JavaSerializer.serialize(new ThrowsWhileWriting(), allocator));

        assertEquals("cannot write me", thrown.getMessage());
        assertEquals(0, allocator.only().refCnt());
    }

    @Test
    void deserialize_resolvesClassesThroughGivenLoader() throws Exception {
        Payload payload = JavaSerializer.serialize(new Point(1, "a", List.of()));
        RecordingLoader loader = new RecordingLoader(getClass().getClassLoader());

        Object copy = JavaSerializer.deserialize(payload, loader);

        assertEquals(new Point(1, "a", List.of()), copy);
        assertTrue(loader.requested.contains(Point.class.getName()), () -> "requested: " + loader.requested);
        payload.release();
    }

    @Test
    void deserialize_doesNotReleasePayload() throws Exception {
        RecordingAllocator allocator = new RecordingAllocator();
        Payload payload = JavaSerializer.serialize("kept", allocator);

        JavaSerializer.deserialize(payload, getClass().getClassLoader());

        assertEquals(1, allocator.only().refCnt());
        payload.release();
    }

    @Test
    void deserialize_outOfBandPayload_readsFile() throws Exception {
        Payload inMemory = JavaSerializer.serialize(new Point(9, "from a file", List.of(1)));
        Path file = folder.resolve("payload-1.bin");
        try (InputStream in = inMemory.openStream()) {
            Files.write(file, in.readAllBytes());
        }
        Payload inFile = Payload.inFile(file, inMemory.length());
        inMemory.release();

        assertEquals(new Point(9, "from a file", List.of(1)), JavaSerializer.deserialize(inFile, getClass().getClassLoader()));
        assertTrue(Files.exists(file), "deserialize does not release");
        inFile.release();
        assertFalse(Files.exists(file));
    }

    /** Remembers every buffer it hands out, so a test can check who released it. */
    static final class RecordingAllocator extends AbstractByteBufAllocator {
        final List<ByteBuf> buffers = new ArrayList<>();

        @Override
        protected ByteBuf newHeapBuffer(int initialCapacity, int maxCapacity) {
            ByteBuf buffer = Unpooled.buffer(initialCapacity, maxCapacity);
            buffers.add(buffer);
            return buffer;
        }

        @Override
        protected ByteBuf newDirectBuffer(int initialCapacity, int maxCapacity) {
            throw new AssertionError("JavaSerializer uses heap buffers");
        }

        @Override
        public boolean isDirectBufferPooled() {
            return false;
        }

        ByteBuf only() {
            assertEquals(1, buffers.size(), "buffers allocated");
            return buffers.get(0);
        }
    }

    static final class RecordingLoader extends ClassLoader {
        final Set<String> requested = ConcurrentHashMap.newKeySet();

        RecordingLoader(ClassLoader parent) {
            super(parent);
        }

        @Override
        protected Class<?> loadClass(String name, boolean resolve) throws ClassNotFoundException {
            requested.add(name);
            return super.loadClass(name, resolve);
        }
    }
}
