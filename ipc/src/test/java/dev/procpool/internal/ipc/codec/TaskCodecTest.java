package dev.procpool.internal.ipc.codec;

import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

import java.io.IOException;
import java.io.InputStream;
import java.io.NotSerializableException;
import java.io.ObjectOutputStream;
import java.io.Serializable;
import java.io.StreamCorruptedException;
import java.nio.channels.FileChannel;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardOpenOption;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.concurrent.Callable;
import java.util.concurrent.ConcurrentHashMap;
import java.util.function.Function;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertNull;
import static org.junit.jupiter.api.Assertions.assertSame;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

class TaskCodecTest {
    @TempDir
    Path folder;

    interface SerializableCallable<V> extends Callable<V>, Serializable {
    }

    interface SerializableFunction<T, R> extends Function<T, R>, Serializable {
    }

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

    private Object roundTrip(Object value) throws Exception {
        return TaskCodec.decode(TaskCodec.encode(value), getClass().getClassLoader());
    }

    private static byte tag(Object value) throws Exception {
        return TaskCodec.encode(value).toByteArray()[0];
    }

    @Test
    void simpleValues_roundTrip_inTheirCompactForm() throws Exception {
        assertNull(roundTrip(null));
        assertEquals(42, roundTrip(42));
        assertEquals(-7L, roundTrip(-7L));
        assertEquals(2.5, roundTrip(2.5));
        assertEquals(true, roundTrip(true));
        assertEquals(false, roundTrip(false));
        assertEquals("text ✓ ünïcode", roundTrip("text ✓ ünïcode"));
        assertArrayEquals(new byte[] {1, 2, 3}, (byte[]) roundTrip(new byte[] {1, 2, 3}));
        assertEquals(ValueFormat.INT, tag(42));
        assertEquals(5, TaskCodec.encode(42).length(), "tag and four bytes");
        assertEquals(ValueFormat.STRING, tag("s"));
    }

    @Test
    void arrayListOfSimpleValues_roundTripsAsList_othersAsJdk() throws Exception {
        ArrayList<Object> simple = new ArrayList<>(Arrays.asList(1, "two", null, 4L));
        assertEquals(simple, roundTrip(simple));
        assertEquals(ValueFormat.LIST, tag(simple));
        ArrayList<Object> mixed = new ArrayList<>(List.of(1, new Point(1, "p", List.of())));
        assertEquals(mixed, roundTrip(mixed));
        assertEquals(ValueFormat.JAVA, tag(mixed));
    }

    @Test
    void otherSerializableValues_roundTripThroughJdkSerialization() throws Exception {
        for (Object value : List.of(Map.of("k", "v"), new Point(3, "p", List.of(4, 5)), Set.of(1, 2), List.of(1, 2))) {
            assertEquals(value, roundTrip(value));
        }
        IllegalArgumentException thrown = (IllegalArgumentException) roundTrip(new IllegalArgumentException("boom"));
        assertEquals("boom", thrown.getMessage());
        assertTrue(thrown.getStackTrace().length > 0, "an exception keeps its stack frames");
    }

    @Test
    void lambdaCapturingSimpleValues_roundTrips_compactly() throws Exception {
        int base = 40;
        String suffix = "!";
        SerializableCallable<String> task = () -> (base + 2) + suffix;
        Object copy = roundTrip(task);
        assertEquals("42!", ((Callable<?>) copy).call());
        assertEquals(ValueFormat.LAMBDA, tag(task));
        assertTrue(TaskCodec.encode(task).length() < TaskCodec.encode(new Point(1, "a", List.of())).length() * 2);
    }

    @Test
    void lambdaCapturingOneLambda_roundTrips_withoutAJdkSerializationStream() throws Exception {
        SerializableFunction<Integer, Integer> inner = x -> x + 1;
        int times = 3;
        SerializableFunction<Integer, Integer> outer = x -> inner.apply(x) * times;
        @SuppressWarnings("unchecked")
        Function<Integer, Integer> copy = (Function<Integer, Integer>) roundTrip(outer);
        assertEquals(15, copy.apply(4));
        byte[] bytes = TaskCodec.encode(outer).toByteArray();
        for (int i = 0; i + 1 < bytes.length; i++) { // the JDK stream's magic number, 0xACED
            assertFalse(bytes[i] == (byte) 0xAC && bytes[i + 1] == (byte) 0xED, "a JDK stream at byte " + i);
        }
    }

    @Test
    void lambdaCapturingTwoLambdas_roundTrips() throws Exception {
        SerializableFunction<Integer, Integer> plusOne = x -> x + 1;
        SerializableFunction<Integer, Integer> twice = x -> x * 2;
        SerializableFunction<Integer, Integer> both = x -> twice.apply(plusOne.apply(x));
        @SuppressWarnings("unchecked")
        Function<Integer, Integer> copy = (Function<Integer, Integer>) roundTrip(both);
        assertEquals(10, copy.apply(4));
    }

    @Test
    void lambdaCapturingObjects_roundTrips_andKeepsIdentityAmongThem() throws Exception {
        List<Integer> shared = new ArrayList<>(List.of(1, 2));
        Point point = new Point(5, "five", shared);
        SerializableCallable<Boolean> task = () -> point.tags() == shared && shared.size() == 2;
        assertEquals(true, ((Callable<?>) roundTrip(task)).call(), "both captured references still name one list");
    }

    @Test
    void lambdasFromTwoCallSites_interleaved_eachRebuildsAsItself() throws Exception {
        // the reader remembers the last call site's names: a different one must not reuse them
        for (int i = 0; i < 3; i++) {
            int n = i;
            SerializableCallable<String> first = () -> "first " + n;
            SerializableCallable<Integer> second = () -> n * 10;
            assertEquals("first " + i, ((Callable<?>) roundTrip(first)).call());
            assertEquals(i * 10, ((Callable<?>) roundTrip(second)).call());
        }
    }

    @Test
    void lambda_decodedWithAnotherLoader_resolvesItsClassThroughThatLoader() throws Exception {
        int base = 1;
        SerializableCallable<Integer> task = () -> base + 1;
        Payload payload = TaskCodec.encode(task);
        assertEquals(2, ((Callable<?>) TaskCodec.decode(payload, getClass().getClassLoader())).call());

        RecordingLoader loader = new RecordingLoader(getClass().getClassLoader());
        assertEquals(2, ((Callable<?>) TaskCodec.decode(TaskCodec.encode(task), loader)).call());
        assertTrue(loader.requested.contains(TaskCodecTest.class.getName()),
                () -> "what was decoded with the first loader must not answer for the second; requested: " + loader.requested);
    }

    @Test
    void methodReference_roundTrips() throws Exception {
        SerializableFunction<String, Integer> length = String::length;
        @SuppressWarnings("unchecked")
        Function<String, Integer> copy = (Function<String, Integer>) roundTrip(length);
        assertEquals(5, copy.apply("hello"));
    }

    @Test
    void lambdaCapturingUnserializableValue_throwsNotSerializable_namingItsClass() {
        Thread thread = Thread.currentThread();
        SerializableCallable<String> task = thread::getName;
        NotSerializableException e = assertThrows(NotSerializableException.class, () -> TaskCodec.encode(task));
        assertEquals("java.lang.Thread", e.getMessage());
    }

    @Test
    void unserializableValues_throw_andTheNextEncodeStillWorks() throws Exception {
        assertEquals("java.lang.Object", assertThrows(NotSerializableException.class, () -> TaskCodec.encode(new Object())).getMessage());
        assertEquals("java.lang.Thread", assertThrows(NotSerializableException.class, () -> TaskCodec.encode(new HoldsThread())).getMessage());
        assertEquals("cannot write me", assertThrows(IllegalStateException.class, () -> TaskCodec.encode(new ThrowsWhileWriting())).getMessage());
        assertEquals(7, roundTrip(7), "a failure leaves the thread's scratch buffer usable");
    }

    @Test
    void largeValue_roundTrips_andItsBufferIsHandedOver() throws Exception {
        byte[] big = new byte[3 << 20];
        Arrays.fill(big, (byte) 9);
        Payload payload = TaskCodec.encode(big);
        assertEquals(big.length + 5, payload.length());
        assertArrayEquals(big, (byte[]) TaskCodec.decode(payload, getClass().getClassLoader()));
        assertEquals(11, roundTrip(11), "the next value gets a fresh scratch buffer");
    }

    @Test
    void decode_resolvesClassesThroughGivenLoader() throws Exception {
        Payload payload = TaskCodec.encode(new Point(1, "a", List.of()));
        RecordingLoader loader = new RecordingLoader(getClass().getClassLoader());
        assertEquals(new Point(1, "a", List.of()), TaskCodec.decode(payload, loader));
        assertTrue(loader.requested.contains(Point.class.getName()), () -> "requested: " + loader.requested);
    }

    @Test
    void decode_outOfBandPayload_readsFile_andReleaseDeletesIt() throws Exception {
        for (Object value : List.of(new Point(9, "from a file", List.of(1)), new byte[] {4, 5, 6})) {
            Payload inMemory = TaskCodec.encode(value);
            Path file = folder.resolve("payload-" + System.nanoTime() + ".bin");
            try (InputStream in = inMemory.openStream()) {
                Files.write(file, in.readAllBytes());
            }
            Payload inFile = Payload.inFile(file, inMemory.length());
            Object copy = TaskCodec.decode(inFile, getClass().getClassLoader());
            if (value instanceof byte[] bytes) {
                assertArrayEquals(bytes, (byte[]) copy);
            } else {
                assertEquals(value, copy);
            }
            assertTrue(Files.exists(file), "decode does not release");
            inFile.release();
            assertFalse(Files.exists(file));
        }
    }

    @Test
    void decode_outOfBandLambdaCapturingLargeArray_readsTheArrayFromTheFile() throws Exception {
        byte[] big = new byte[3 << 20];
        Arrays.fill(big, (byte) 7);
        SerializableCallable<Integer> task = () -> big.length + big[big.length - 1];
        Path file = spill(TaskCodec.encode(task));
        @SuppressWarnings("unchecked")
        Callable<Integer> copy = (Callable<Integer>) TaskCodec.decode(Payload.inFile(file, Files.size(file)),
                getClass().getClassLoader());
        assertEquals(big.length + 7, copy.call());
    }

    @Test
    void decode_outOfBandFileShorterThanItsArraySays_failsAsCorrupted() throws Exception {
        byte[] big = new byte[3 << 20];
        SerializableCallable<Integer> task = () -> big.length;
        Path file = spill(TaskCodec.encode(task));
        byte[] bytes = Files.readAllBytes(file);
        Files.write(file, Arrays.copyOf(bytes, bytes.length - 1000)); // the array's length now overstates it
        Payload cut = Payload.inFile(file, Files.size(file));
        StreamCorruptedException e = assertThrows(StreamCorruptedException.class,
                () -> TaskCodec.decode(cut, getClass().getClassLoader()));
        assertTrue(e.getMessage().contains((3 << 20) + " bytes announced"), e.getMessage());
    }

    @Test
    void decode_outOfBandFileOfAnotherLengthThanItsFrameSays_isRefusedBeforeReading() throws Exception {
        Path file = spill(TaskCodec.encode(new byte[100_000]));
        Payload forged = Payload.inFile(file, Integer.MAX_VALUE);
        StreamCorruptedException e = assertThrows(StreamCorruptedException.class,
                () -> TaskCodec.decode(forged, getClass().getClassLoader()));
        assertEquals("out-of-band payload " + file + " holds 100005 bytes, but its frame says " + Integer.MAX_VALUE,
                e.getMessage());
    }

    private Path spill(Payload payload) throws IOException {
        Path file = folder.resolve("payload-" + System.nanoTime() + ".bin");
        try (FileChannel channel = FileChannel.open(file, StandardOpenOption.CREATE_NEW, StandardOpenOption.WRITE)) {
            payload.writeTo(channel);
        }
        return file;
    }

    /** A {@code Callable} class holding an array: JDK-serialized, the array written in 1 KiB steps. */
    record HoldsArray(byte[] bytes) implements Callable<Integer>, Serializable {
        @Override
        public Integer call() {
            return bytes.length + bytes[bytes.length - 1];
        }
    }

    @Test
    void largeJdkSerializedValue_inParts_roundTripsInMemoryAndThroughAFile() throws Exception {
        byte[] big = new byte[5 << 20];
        big[big.length - 1] = 3;
        Payload payload = TaskCodec.encode(new HoldsArray(big));
        assertEquals(big.length + 3, ((HoldsArray) TaskCodec.decode(payload, getClass().getClassLoader())).call());
        Path file = spill(payload);
        assertEquals(payload.length(), Files.size(file));
        Object copy = TaskCodec.decode(Payload.inFile(file, payload.length()), getClass().getClassLoader());
        assertEquals(big.length + 3, ((HoldsArray) copy).call());
    }

    @Test
    void largeValueFailingAfterItsFirstParts_throws_andTheNextEncodeStartsAfresh() throws Exception {
        byte[] big = new byte[3 << 20];
        Object thread = Thread.currentThread();
        SerializableCallable<Integer> task = () -> big.length + thread.hashCode(); // the array, then a Thread
        assertThrows(NotSerializableException.class, () -> TaskCodec.encode(task));
        Payload next = TaskCodec.encode(5);
        assertEquals(5, next.length());
        assertEquals(5, TaskCodec.decode(next, getClass().getClassLoader()));
    }

    @Test
    void encodeToArray_matchesEncode() throws Exception {
        byte[] bytes = TaskCodec.encodeToArray("same");
        Payload payload = TaskCodec.encode("same");
        assertEquals(payload.length(), bytes.length);
        assertSame(String.class, TaskCodec.decode(Payload.of(bytes), getClass().getClassLoader()).getClass());
    }

    @Test
    void functionOverList_roundTrips_functionAndInputsCompact() throws Exception {
        SerializableFunction<Object, Object> square = x -> (Integer) x * (Integer) x;
        FunctionOverList batch = new FunctionOverList(square, new ArrayList<>(List.of(1, 2, 3)));
        assertEquals(ValueFormat.FUNCTION_OVER_LIST, tag(batch));
        FunctionOverList copy = (FunctionOverList) roundTrip(batch);
        assertEquals(List.of(1, 4, 9), copy.call());
        byte[] encoded = TaskCodec.encodeToArray(batch);
        for (int i = 0; i + 1 < encoded.length; i++) {
            assertFalse(encoded[i] == (byte) 0xAC && encoded[i + 1] == (byte) 0xED, "a JDK stream (magic AC ED) at " + i);
        }
    }

    /** Records the class names it is asked for. */
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
