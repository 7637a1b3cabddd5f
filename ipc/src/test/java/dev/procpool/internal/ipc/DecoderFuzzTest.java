package dev.procpool.internal.ipc;

import dev.procpool.internal.ipc.Message.CancelTask;
import dev.procpool.internal.ipc.Message.ConfigureWorker;
import dev.procpool.internal.ipc.Message.InitializerCompleted;
import dev.procpool.internal.ipc.Message.InitializerFailed;
import dev.procpool.internal.ipc.Message.OutcomeNotSerialized;
import dev.procpool.internal.ipc.Message.RunInitializer;
import dev.procpool.internal.ipc.Message.RunTask;
import dev.procpool.internal.ipc.Message.Shutdown;
import dev.procpool.internal.ipc.Message.StopNow;
import dev.procpool.internal.ipc.Message.TaskCancelled;
import dev.procpool.internal.ipc.Message.TaskCompleted;
import dev.procpool.internal.ipc.Message.TaskFailed;
import dev.procpool.internal.ipc.Message.WorkerReady;
import dev.procpool.internal.ipc.Message.WorkerRetired;
import dev.procpool.internal.ipc.codec.DeserializationLimits;
import dev.procpool.internal.ipc.codec.LambdaFixture;
import dev.procpool.internal.ipc.codec.Payload;
import dev.procpool.internal.ipc.codec.TaskCodec;
import net.openhft.chronicle.bytes.Bytes;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;
import org.junit.jupiter.api.io.TempDir;

import java.io.ByteArrayInputStream;
import java.io.DataInputStream;
import java.io.IOException;
import java.io.Serializable;
import java.nio.channels.FileChannel;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardOpenOption;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;
import java.util.Map;
import java.util.Random;
import java.util.TreeMap;
import java.util.concurrent.Callable;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;
import static org.junit.jupiter.api.Assertions.fail;

/**
 * Every decoder of bytes another process wrote, fed seeded random and mutated bytes (valid encodings with bits
 * flipped, cut short, extended, fields set to extremes, spans overwritten, and frames re-sealed with a valid
 * checksum, as a hostile task could): it returns a value or throws its own exception type, never another
 * exception, never hangs (the class has a timeout) and never allocates what the bytes merely claim (an
 * unbounded allocation would end in an {@link OutOfMemoryError}, which fails the test). Runs a fixed set of
 * seeds in CI in a few seconds; {@code -Dprocpool.fuzz.iterations=N} runs N cases per seed and decoder.
 */
@Timeout(300)
class DecoderFuzzTest {
    private static final long[] SEEDS = {1, 14, 2026, 0xC0FFEEL};
    private static final int ITERATIONS = Integer.getInteger("procpool.fuzz.iterations", 400);
    private static final long[] EXTREMES = {0, -1, 1, Integer.MAX_VALUE, Integer.MIN_VALUE, 0x3FFFFF00,
            Long.MAX_VALUE, Long.MIN_VALUE, 0xFFFFFFFFL};

    @TempDir
    Path folder;

    // ------------------------------------------------------------------ queue frames (MessageCodec, FrameDescriptor)

    @Test
    void queueFrames_mutated_decodeOrRefuse_neverAnythingElse() {
        List<byte[]> samples = frameSamples();
        Map<String, Integer> outcomes = new TreeMap<>();
        for (long seed : SEEDS) {
            Random random = new Random(seed);
            for (int i = 0; i < ITERATIONS; i++) {
                byte[] mutated = mutate(samples.get(random.nextInt(samples.size())), random);
                boolean reseal = random.nextBoolean(); // a hostile task computes a valid checksum too
                outcomes.merge(decodeFrame(mutated, reseal, "seed " + seed + ", case " + i), 1, Integer::sum);
            }
        }
        assertTrue(outcomes.getOrDefault("refused", 0) > 0, outcomes::toString);
        assertTrue(outcomes.getOrDefault("decoded", 0) > 0, "re-sealed frames exercise the body parser: " + outcomes);
    }

    @Test
    void queueFrames_everyTypeIdWithRandomBody_decodeOrRefuse() {
        for (long seed : SEEDS) {
            Random random = new Random(seed);
            for (int type = 0; type < 256; type++) {
                for (int i = 0; i < Math.max(2, ITERATIONS / 256); i++) {
                    byte[] frame = new byte[FrameDescriptor.BODY_OFFSET + random.nextInt(48)];
                    random.nextBytes(frame);
                    frame[FrameDescriptor.TYPE_OFFSET] = (byte) type;
                    decodeFrame(frame, true, "seed " + seed + ", type " + type + ", case " + i);
                }
            }
        }
    }

    @Test
    void queueFrames_purelyRandomBytes_refused() {
        Random random = new Random(SEEDS[0]);
        for (int i = 0; i < ITERATIONS; i++) {
            byte[] bytes = new byte[random.nextInt(64)];
            random.nextBytes(bytes);
            String outcome = decodeFrame(bytes, false, "case " + i);
            assertEquals("refused", outcome, "random bytes with a matching checksum, case " + i);
        }
    }

    /** "decoded" or "refused"; fails the test on any other outcome. */
    private String decodeFrame(byte[] frame, boolean reseal, String which) {
        Bytes<?> bytes = Bytes.allocateElasticOnHeap(Math.max(16, frame.length));
        try {
            bytes.write(frame);
            if (reseal && frame.length >= FrameDescriptor.BODY_OFFSET) {
                MessageCodec.seal(bytes, 0);
            }
            Message message = MessageCodec.decode(bytes, folder);
            release(message);
            return "decoded";
        } catch (FrameRefusedException expected) {
            return "refused";
        } catch (Throwable other) {
            fail(which + ": " + hex(frame) + " threw " + other, other);
            return null;
        } finally {
            bytes.releaseLast();
        }
    }

    private static void release(Message message) {
        if (message instanceof RunTask m && !m.task().isInFile()) {
            m.task().release();
        } else if (message instanceof TaskCompleted m && !m.result().isInFile()) {
            m.result().release();
        } else if (message instanceof TaskFailed m && !m.error().isInFile()) {
            m.error().release();
        }
    }

    private List<byte[]> frameSamples() {
        Payload small = Payload.of(new byte[] {6, 0, 0, 0, 2, 'h', 'i'});
        List<Message> messages = List.of(
                new RunTask(58, small), new RunTask(59, Payload.inFile(folder.resolve("payload-3.bin"), 1 << 20)),
                new RunInitializer(small), new InitializerCompleted(), new InitializerFailed(small),
                new ConfigureWorker(1_000, 512L << 20, DeserializationLimits.DEFAULT),
                new TaskCompleted(60, small), new TaskFailed(61, small), new TaskCancelled(62),
                new CancelTask(63, true), new Shutdown(), new StopNow(), new WorkerReady(Message.PROTOCOL_VERSION, 4242),
                new WorkerRetired("recycled after 1000 tasks"),
                new OutcomeNotSerialized(64, "not serializable: com.acme.Thing",
                        List.of(new StackTraceElement("app", "m", "1", "com.acme.Thing", "run", "Thing.java", 12),
                                new StackTraceElement("com.acme.Other", "call", null, -2))));
        List<byte[]> frames = new ArrayList<>();
        for (Message message : messages) {
            Bytes<?> bytes = Bytes.allocateElasticOnHeap(256);
            try {
                MessageCodec.encode(message, bytes);
                byte[] frame = new byte[(int) bytes.readRemaining()];
                bytes.read(frame);
                frames.add(frame);
            } finally {
                bytes.releaseLast();
            }
        }
        return frames;
    }

    // ------------------------------------------------------------------ control frames (ControlCodec)

    @Test
    void controlFrames_randomAndMutatedStreams_readOrIOExceptionOrEnd() {
        byte[] valid = {FrameDescriptor.CANCEL_TASK, 0, 0, 0, 0, 0, 0, 0, 7, FrameDescriptor.WAKE, 0, 0, 0, 0, 0, 0, 0, 0,
                FrameDescriptor.STOP_NOW, 0, 0, 0, 0, 0, 0, 0, 0, FrameDescriptor.SKIP_TASK, 0, 0, 0, 0, 0, 0, 0, 9};
        for (long seed : SEEDS) {
            Random random = new Random(seed);
            for (int i = 0; i < ITERATIONS; i++) {
                byte[] stream = random.nextInt(4) == 0 ? randomBytes(random, 40) : mutate(valid, random);
                DataInputStream in = new DataInputStream(new ByteArrayInputStream(stream));
                try {
                    for (int frames = 0; frames <= stream.length; frames++) { // each read consumes bytes or ends
                        if (ControlCodec.read(in) == null) {
                            break;
                        }
                    }
                } catch (IOException expected) {
                    // an unknown command: the worker treats its pipe as broken
                } catch (Throwable other) {
                    fail("seed " + seed + ", case " + i + ": " + hex(stream) + " threw " + other, other);
                }
            }
        }
    }

    // ------------------------------------------------------------------ task and result payloads (codec package)

    @Test
    void payloads_mutated_decodeOrIOException_neverAnythingElse() throws IOException {
        List<byte[]> samples = new ArrayList<>();
        for (Object value : valueSamples()) {
            samples.add(TaskCodec.encodeToArray(value));
        }
        ClassLoader loader = getClass().getClassLoader();
        int refused = 0;
        for (long seed : SEEDS) {
            Random random = new Random(seed);
            for (int i = 0; i < ITERATIONS; i++) {
                byte[] mutated = mutate(samples.get(random.nextInt(samples.size())), random);
                try {
                    TaskCodec.decode(Payload.of(mutated), loader);
                } catch (IOException | ClassNotFoundException expected) {
                    refused++;
                } catch (Throwable other) {
                    fail("seed " + seed + ", case " + i + ": " + hex(mutated) + " threw " + other, other);
                }
            }
        }
        assertTrue(refused > 0);
    }

    private static List<Object> valueSamples() {
        int captured = 41;
        List<String> capturedList = List.of("a", "b");
        return List.of(42, 1L << 40, 2.5, true, "héllo", new byte[] {1, 2, 3, 4, 5},
                new ArrayList<>(List.of(1, "two", 3L)), new ArrayList<>(List.of(List.of(1), Map.of("k", 2))),
                LambdaFixture.plusOne(captured),
                (Callable<Integer> & Serializable) () -> capturedList.size() + captured,
                new Point(3, "p", List.of(1, 2)), new int[] {1, 2, 3}, new long[64], new Object[] {null, "x", 7},
                new TreeMap<>(Map.of("a", 1, "b", 2)), new IllegalStateException("boom"));
    }

    record Point(int x, String name, List<Integer> tags) implements Serializable {
    }

    // ------------------------------------------------------------------ the running-task slot (WorkerActivityFile)

    @Test
    void activityFile_randomLengthsAndContents_readNeverThrows_shortFileRefused() throws IOException {
        Random random = new Random(SEEDS[1]);
        Path worker = Files.createDirectories(folder.resolve("worker"));
        Path file = worker.resolve(WorkerActivityFile.NAME);
        for (int i = 0; i < Math.min(ITERATIONS, 300); i++) {
            byte[] content = randomBytes(random, WorkerActivityFile.SIZE + 8);
            Files.write(file, content);
            long running = WorkerActivityFile.readRunningTask(worker);
            if (content.length < Long.BYTES) {
                assertEquals(0, running, "a slot shorter than a task id reads as no task");
            }
            if (content.length < WorkerActivityFile.SIZE) {
                assertThrows(IOException.class, () -> WorkerActivityFile.openParentView(worker));
            } else {
                WorkerActivityFile.openParentView(worker).runningTask();
            }
        }
    }

    @Test
    void activityFile_truncatedUnderParentsMapping_readsNoTaskAndBroken_neverFaults() throws IOException {
        Path worker = Files.createDirectories(folder.resolve("worker"));
        WorkerActivityFile written = WorkerActivityFile.create(worker);
        written.setRunningTask(77);
        WorkerActivityFile view = WorkerActivityFile.openParentView(worker);
        assertEquals(77, view.runningTask());
        try (FileChannel channel = FileChannel.open(worker.resolve(WorkerActivityFile.NAME), StandardOpenOption.WRITE)) {
            channel.truncate(0);
        }
        assertEquals(0, view.runningTask());
        assertEquals(false, view.isSleeping());
        assertTrue(view.isBroken());
        assertEquals(0, WorkerActivityFile.readRunningTask(worker));
    }

    // ------------------------------------------------------------------ mutations

    /** A copy of {@code valid} changed in one of the ways bytes get damaged or forged. */
    static byte[] mutate(byte[] valid, Random random) {
        byte[] bytes = valid.clone();
        switch (random.nextInt(7)) {
            case 0 -> { // bit flips
                int flips = 1 + random.nextInt(8);
                for (int i = 0; i < flips && bytes.length > 0; i++) {
                    int bit = random.nextInt(bytes.length * 8);
                    bytes[bit / 8] ^= (byte) (1 << (bit % 8));
                }
            }
            case 1 -> bytes = Arrays.copyOf(bytes, bytes.length == 0 ? 0 : random.nextInt(bytes.length)); // cut short
            case 2 -> { // extended with junk
                byte[] longer = Arrays.copyOf(bytes, bytes.length + 1 + random.nextInt(32));
                for (int i = bytes.length; i < longer.length; i++) {
                    longer[i] = (byte) random.nextInt();
                }
                bytes = longer;
            }
            case 3, 4 -> { // a length or id field set to an extreme
                int width = random.nextBoolean() ? 4 : 8;
                if (bytes.length >= width) {
                    int at = random.nextInt(bytes.length - width + 1);
                    long value = EXTREMES[random.nextInt(EXTREMES.length)];
                    boolean bigEndian = random.nextBoolean(); // the codecs use both orders
                    for (int i = 0; i < width; i++) {
                        int shift = 8 * (bigEndian ? width - 1 - i : i);
                        bytes[at + i] = (byte) (value >>> shift);
                    }
                }
            }
            case 5 -> { // a span overwritten
                if (bytes.length > 0) {
                    int at = random.nextInt(bytes.length);
                    int length = 1 + random.nextInt(Math.min(16, bytes.length - at));
                    for (int i = at; i < at + length; i++) {
                        bytes[i] = (byte) random.nextInt();
                    }
                }
            }
            default -> bytes = randomBytes(random, Math.max(8, valid.length * 2));
        }
        return bytes;
    }

    private static byte[] randomBytes(Random random, int maxLength) {
        byte[] bytes = new byte[random.nextInt(maxLength + 1)];
        random.nextBytes(bytes);
        return bytes;
    }

    private static String hex(byte[] bytes) {
        StringBuilder s = new StringBuilder();
        for (int i = 0; i < Math.min(bytes.length, 96); i++) {
            s.append(String.format("%02x", bytes[i]));
        }
        return s + (bytes.length > 96 ? "... (" + bytes.length + " bytes)" : "");
    }
}
