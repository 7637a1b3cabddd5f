package dev.procpool.internal.ipc.codec;

import org.junit.jupiter.api.Test;

import java.io.IOException;
import java.io.Serializable;
import java.io.StreamCorruptedException;
import java.nio.ByteBuffer;
import java.util.ArrayList;
import java.util.List;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

/**
 * Every object stream the codec reads is held to its {@link DeserializationLimits}: a value over one is refused
 * with a {@link DeserializationLimitException} that names the limit and the builder setting that raises it, and
 * an array or object count larger than the value's bytes is refused before anything of that size is allocated.
 */
class DeserializationLimitsTest {
    private final ClassLoader loader = getClass().getClassLoader();

    /** A linked chain {@code depth} nodes long: an object graph that deep. */
    record Node(Node next) implements Serializable {
        static Node chain(int depth) {
            Node node = null;
            for (int i = 0; i < depth; i++) {
                node = new Node(node);
            }
            return node;
        }
    }

    @Test
    void graphDeeperThanLimit_refused_messageNamesLimitAndSetter() throws IOException {
        Payload deep = TaskCodec.encode(Node.chain(60));
        DeserializationLimits limits = new DeserializationLimits(50, 1_000, 1_000);

        DeserializationLimitException refused = assertThrows(DeserializationLimitException.class,
                () -> TaskCodec.decode(deep, loader, limits));
        assertEquals("a value was refused while being read: its object graph nests deeper than the limit of 50"
                + " levels (ProcessPoolBuilder.deserializationLimits(maxDepth, maxArrayLength, maxReferences) raises"
                + " it)", refused.getMessage());
    }

    @Test
    void graphWithinRaisedLimit_read() throws Exception {
        Payload deep = TaskCodec.encode(Node.chain(60));
        assertEquals(Node.chain(60), TaskCodec.decode(deep, loader, new DeserializationLimits(200, 1_000, 1_000)));
    }

    @Test
    void arrayLongerThanLimit_refused() throws IOException {
        Payload array = TaskCodec.encode(new long[100]);
        DeserializationLimitException refused = assertThrows(DeserializationLimitException.class,
                () -> TaskCodec.decode(array, loader, new DeserializationLimits(100, 99, 1_000)));
        assertTrue(refused.getMessage().contains("an array of 100 elements, over the limit of 99"), refused.getMessage());
    }

    @Test
    void moreReferencesThanLimit_refused() throws IOException {
        ArrayList<Object> many = new ArrayList<>();
        for (int i = 0; i < 50; i++) {
            many.add(new Node(null));
        }
        Payload payload = TaskCodec.encode(many);
        DeserializationLimitException refused = assertThrows(DeserializationLimitException.class,
                () -> TaskCodec.decode(payload, loader, new DeserializationLimits(100, 1_000, 20)));
        assertTrue(refused.getMessage().contains("more than the limit of 20 objects and references"), refused.getMessage());
    }

    @Test
    void arrayClaimingMoreElementsThanBytes_refusedAsCorrupted_evenUnderDefaultLimits() throws IOException {
        byte[] bytes = TaskCodec.encodeToArray(new int[] {7, 7, 7, 7});
        // the JDK stream writes an array's length as a big-endian int just before its elements
        int at = indexOfLengthBefore(bytes, new byte[] {0, 0, 0, 7, 0, 0, 0, 7, 0, 0, 0, 7, 0, 0, 0, 7}, 4);
        ByteBuffer.wrap(bytes).putInt(at, 50_000_000); // within the default limit, beyond the bytes

        DeserializationLimitException refused = assertThrows(DeserializationLimitException.class,
                () -> TaskCodec.decode(Payload.of(bytes), loader));
        assertTrue(refused.getMessage().contains("claims 50000000 elements or objects in a stream of"), refused.getMessage());
        assertTrue(refused.getMessage().contains("the bytes are corrupted"), refused.getMessage());
    }

    @Test
    void limitsMustBePositive() {
        IllegalArgumentException thrown = assertThrows(IllegalArgumentException.class,
                () -> new DeserializationLimits(0, 1, 1));
        assertEquals("deserialization limits must be > 0, were maxDepth 0, maxArrayLength 1, maxReferences 1",
                thrown.getMessage());
    }

    @Test
    void valueWithinDefaultLimits_readAsBefore() throws Exception {
        List<Object> value = new ArrayList<>(List.of(new int[] {1, 2}, Node.chain(100), "x"));
        Object back = TaskCodec.decode(TaskCodec.encode(value), loader);
        assertArrayEquals(new int[] {1, 2}, (int[]) ((List<?>) back).get(0));
        assertEquals(Node.chain(100), ((List<?>) back).get(1));
    }

    @Test
    void malformedTaggedValue_streamCorrupted_neverARuntimeException() {
        byte[] forged = {9, 0x7f, 0x7f, 0x7f, 0x7f}; // a LAMBDA whose first name claims 2 GB
        assertThrows(StreamCorruptedException.class, () -> TaskCodec.decode(Payload.of(forged), loader));
    }

    private static int indexOfLengthBefore(byte[] bytes, byte[] elements, int lengthBytes) {
        outer:
        for (int i = lengthBytes; i + elements.length <= bytes.length; i++) {
            for (int j = 0; j < elements.length; j++) {
                if (bytes[i + j] != elements[j]) {
                    continue outer;
                }
            }
            return i - lengthBytes;
        }
        throw new AssertionError("elements not found");
    }
}
