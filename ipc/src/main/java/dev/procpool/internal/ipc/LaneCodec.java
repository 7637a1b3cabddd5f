package dev.procpool.internal.ipc;

import dev.procpool.internal.ipc.Message.ChannelsSwitched;
import dev.procpool.internal.ipc.Message.ConfigureWorker;
import dev.procpool.internal.ipc.Message.InitializerCompleted;
import dev.procpool.internal.ipc.Message.InitializerFailed;
import dev.procpool.internal.ipc.Message.OpenQueues;
import dev.procpool.internal.ipc.Message.OutcomeNotSerialized;
import dev.procpool.internal.ipc.Message.QueuesOpened;
import dev.procpool.internal.ipc.Message.Ring;
import dev.procpool.internal.ipc.Message.ResourceRequested;
import dev.procpool.internal.ipc.Message.RunInitializer;
import dev.procpool.internal.ipc.Message.RunTask;
import dev.procpool.internal.ipc.Message.ShipResource;
import dev.procpool.internal.ipc.Message.Shutdown;
import dev.procpool.internal.ipc.Message.SwitchChannels;
import dev.procpool.internal.ipc.Message.TaskCancelled;
import dev.procpool.internal.ipc.Message.TaskCompleted;
import dev.procpool.internal.ipc.Message.TaskFailed;
import dev.procpool.internal.ipc.Message.WorkerReady;
import dev.procpool.internal.ipc.Message.WorkerRetired;
import dev.procpool.internal.ipc.codec.DeserializationLimits;
import dev.procpool.internal.ipc.codec.Payload;

import java.io.DataInputStream;
import java.io.DataOutputStream;
import java.io.EOFException;
import java.io.IOException;
import java.io.InputStream;
import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.List;
import java.util.Objects;

/**
 * The messages of the start-up {@link Lane}, on a byte stream: a type byte, then the fields in order, big-endian
 * as {@link DataOutputStream} writes them; a payload or string is its length (an {@code int}, -1 for a null
 * string) and its bytes, except that a payload too long for an {@code int} length is written to a file and
 * travels as its length and name ({@link LaneFiles}). Unlike the queues' frames ({@link MessageCodec}) this loads
 * none of Chronicle's classes, which is the lane's reason to exist, and needs no checksum: a socket does not tear
 * or reorder bytes. Every other payload travels inline, a payload kept in a file included. The reader treats the other side's bytes as
 * untrusted: a length is checked against a bound before anything is allocated, and a payload's array grows only
 * as its bytes arrive.
 */
public final class LaneCodec {
    private static final byte CONFIGURE_WORKER = 1;
    private static final byte RUN_INITIALIZER = 2;
    private static final byte RUN_TASK = 3;
    private static final byte SHUTDOWN = 4;
    private static final byte SHIP_RESOURCE = 5;
    private static final byte SWITCH_CHANNELS = 6;
    private static final byte OPEN_QUEUES = 7;
    private static final byte WORKER_READY = 20;
    private static final byte INITIALIZER_COMPLETED = 21;
    private static final byte INITIALIZER_FAILED = 22;
    private static final byte TASK_COMPLETED = 23;
    private static final byte TASK_FAILED = 24;
    private static final byte OUTCOME_NOT_SERIALIZED = 25;
    private static final byte TASK_CANCELLED = 26;
    private static final byte WORKER_RETIRED = 27;
    private static final byte RESOURCE_REQUESTED = 28;
    private static final byte CHANNELS_SWITCHED = 29;
    private static final byte QUEUES_OPENED = 30;
    private static final byte RING = 31;
    /** Longer than any name, reason or description procpool sends (captured output has its own, smaller bound). */
    private static final int MAX_STRING_BYTES = 16 << 20;
    /** In place of a payload's length: the payload is in a file of the writing side's ({@link LaneFiles}). */
    private static final int IN_FILE = -2;
    /** Longer than any name {@link PayloadFileNames} makes. */
    private static final int MAX_FILE_NAME_BYTES = 64;

    private LaneCodec() {
    }

    /**
     * Writes {@code message}; the caller flushes. {@code payloadFile}: the name {@link #spillIfTooLong} gave its
     * payload, or null to send the payload inline.
     */
    static void write(Message message, DataOutputStream out, String payloadFile) throws IOException {
        // JDK 17 has no pattern switch; the sealed hierarchy keeps this chain exhaustive by review.
        if (message instanceof RunTask m) {
            out.writeByte(RUN_TASK);
            out.writeLong(m.taskId());
            out.writeBoolean(m.captureOutput());
            payload(out, m.task(), payloadFile);
        } else if (message instanceof ConfigureWorker m) {
            out.writeByte(CONFIGURE_WORKER);
            out.writeLong(m.maxTasks());
            out.writeLong(m.maxMemoryGrowthBytes());
            out.writeLong(m.limits().maxDepth());
            out.writeLong(m.limits().maxArrayLength());
            out.writeLong(m.limits().maxReferences());
        } else if (message instanceof RunInitializer m) {
            out.writeByte(RUN_INITIALIZER);
            payload(out, m.initializer(), payloadFile);
        } else if (message instanceof Shutdown) {
            out.writeByte(SHUTDOWN);
        } else if (message instanceof ShipResource m) {
            out.writeByte(SHIP_RESOURCE);
            out.writeLong(m.loaderId());
            string(out, m.name());
            string(out, m.missing());
            if (m.bytes() != null) {
                payload(out, m.bytes(), payloadFile);
            }
        } else if (message instanceof SwitchChannels) {
            out.writeByte(SWITCH_CHANNELS);
        } else if (message instanceof OpenQueues) {
            out.writeByte(OPEN_QUEUES);
        } else if (message instanceof WorkerReady m) {
            out.writeByte(WORKER_READY);
            out.writeInt(m.protocolVersion());
            out.writeLong(m.pid());
        } else if (message instanceof InitializerCompleted) {
            out.writeByte(INITIALIZER_COMPLETED);
        } else if (message instanceof InitializerFailed m) {
            out.writeByte(INITIALIZER_FAILED);
            payload(out, m.error(), payloadFile);
        } else if (message instanceof TaskCompleted m) {
            out.writeByte(TASK_COMPLETED);
            out.writeLong(m.taskId());
            payload(out, m.result(), payloadFile);
            output(out, m.output());
        } else if (message instanceof TaskFailed m) {
            out.writeByte(TASK_FAILED);
            out.writeLong(m.taskId());
            payload(out, m.error(), payloadFile);
            output(out, m.output());
        } else if (message instanceof OutcomeNotSerialized m) {
            out.writeByte(OUTCOME_NOT_SERIALIZED);
            out.writeLong(m.taskId());
            string(out, m.description());
            out.writeInt(m.stack().size());
            for (StackTraceElement frame : m.stack()) {
                string(out, frame.getClassLoaderName());
                string(out, frame.getModuleName());
                string(out, frame.getModuleVersion());
                string(out, frame.getClassName());
                string(out, frame.getMethodName());
                string(out, frame.getFileName());
                out.writeInt(frame.getLineNumber());
            }
        } else if (message instanceof TaskCancelled m) {
            out.writeByte(TASK_CANCELLED);
            out.writeLong(m.taskId());
        } else if (message instanceof WorkerRetired m) {
            out.writeByte(WORKER_RETIRED);
            string(out, m.reason());
        } else if (message instanceof ResourceRequested m) {
            out.writeByte(RESOURCE_REQUESTED);
            out.writeLong(m.loaderId());
            string(out, m.name());
        } else if (message instanceof QueuesOpened) {
            out.writeByte(QUEUES_OPENED);
        } else if (message instanceof ChannelsSwitched) {
            out.writeByte(CHANNELS_SWITCHED);
        } else if (message instanceof Ring) {
            out.writeByte(RING);
        } else {
            throw new IllegalArgumentException(message + " travels on the control pipe, not the lane");
        }
    }

    /**
     * The next message, or null at the end of the stream between two messages. Blocks.
     *
     * @throws FrameRefusedException when the bytes are no message procpool wrote, or the stream ends inside one
     */
    static Message read(DataInputStream in, LaneFiles files) throws IOException {
        int type = in.read();
        if (type < 0) {
            return null;
        }
        try {
            return switch (type) {
                case RUN_TASK -> {
                    long taskId = in.readLong();
                    boolean capture = in.readBoolean();
                    yield new RunTask(taskId, payload(in, files), capture);
                }
                case CONFIGURE_WORKER -> new ConfigureWorker(in.readLong(), in.readLong(),
                        new DeserializationLimits(in.readLong(), in.readLong(), in.readLong()));
                case RUN_INITIALIZER -> new RunInitializer(payload(in, files));
                case SHUTDOWN -> new Shutdown();
                case SHIP_RESOURCE -> {
                    long loaderId = in.readLong();
                    String name = string(in, MAX_STRING_BYTES);
                    String missing = string(in, MAX_STRING_BYTES);
                    yield new ShipResource(loaderId, name, missing == null ? payload(in, files) : null, missing);
                }
                case SWITCH_CHANNELS -> new SwitchChannels();
                case OPEN_QUEUES -> new OpenQueues();
                case WORKER_READY -> new WorkerReady(in.readInt(), in.readLong());
                case INITIALIZER_COMPLETED -> new InitializerCompleted();
                case INITIALIZER_FAILED -> new InitializerFailed(payload(in, files));
                case TASK_COMPLETED -> {
                    long taskId = in.readLong();
                    yield new TaskCompleted(taskId, payload(in, files), output(in));
                }
                case TASK_FAILED -> {
                    long taskId = in.readLong();
                    yield new TaskFailed(taskId, payload(in, files), output(in));
                }
                case OUTCOME_NOT_SERIALIZED -> {
                    long taskId = in.readLong();
                    yield new OutcomeNotSerialized(taskId, string(in, MAX_STRING_BYTES), stack(in));
                }
                case TASK_CANCELLED -> new TaskCancelled(in.readLong());
                case WORKER_RETIRED -> new WorkerRetired(string(in, MAX_STRING_BYTES));
                case RESOURCE_REQUESTED -> {
                    long loaderId = in.readLong();
                    yield new ResourceRequested(loaderId, string(in, MAX_STRING_BYTES));
                }
                case QUEUES_OPENED -> new QueuesOpened();
                case CHANNELS_SWITCHED -> new ChannelsSwitched();
                case RING -> new Ring();
                default -> throw new FrameRefusedException("the lane carries a message of unknown type " + type);
            };
        } catch (EOFException e) {
            throw new FrameRefusedException("the lane ended inside a message of type " + type, e);
        } catch (IllegalArgumentException e) { // a record's own check, a negative limit, say
            throw new FrameRefusedException("the lane carries a malformed message of type " + type + " (" + e + ")", e);
        }
    }

    /**
     * Writes the payload of {@code message} to a file of this side's when it is too long to travel inline, and
     * returns the file's name for {@link #write}; null when it travels inline. Call before writing anything of
     * the message: a failure here (a full disk) leaves the lane as it was.
     */
    static String spillIfTooLong(Message message, LaneFiles files) throws IOException {
        Payload payload = Message.payloadOf(message);
        return payload != null && files.mustSpill(payload) ? files.spill(payload) : null;
    }

    private static void payload(DataOutputStream out, Payload payload, String file) throws IOException {
        if (file != null) {
            out.writeInt(IN_FILE);
            out.writeLong(payload.length());
            string(out, file);
            return;
        }
        out.writeInt((int) payload.length());
        if (payload.isInFile()) {
            try (InputStream in = payload.openStream()) {
                in.transferTo(out);
            }
        } else {
            payload.writeTo(out::write);
        }
    }

    private static Payload payload(DataInputStream in, LaneFiles files) throws IOException {
        int length = in.readInt();
        if (length == IN_FILE) {
            long fileLength = in.readLong();
            return files.read(string(in, MAX_FILE_NAME_BYTES), fileLength);
        }
        if (length < 0 || length > LaneFiles.MAX_INLINE_BYTES) {
            throw new FrameRefusedException("the lane claims a payload of " + length + " bytes");
        }
        byte[] bytes = in.readNBytes(length); // grows as the bytes come: a false length costs no memory
        if (bytes.length != length) {
            throw new EOFException();
        }
        return Payload.of(bytes);
    }

    private static void string(DataOutputStream out, String text) throws IOException {
        if (text == null) {
            out.writeInt(-1);
            return;
        }
        byte[] bytes = text.getBytes(StandardCharsets.UTF_8);
        out.writeInt(bytes.length);
        out.write(bytes);
    }

    private static String string(DataInputStream in, int maxBytes) throws IOException {
        int length = in.readInt();
        if (length == -1) {
            return null;
        }
        if (length < 0 || length > maxBytes) {
            throw new FrameRefusedException("the lane claims a string of " + length + " bytes");
        }
        byte[] bytes = in.readNBytes(length);
        if (bytes.length != length) {
            throw new EOFException();
        }
        return new String(bytes, StandardCharsets.UTF_8);
    }

    private static void output(DataOutputStream out, CapturedOutput output) throws IOException {
        out.writeBoolean(output != null);
        if (output != null) {
            string(out, output.stdout());
            string(out, output.stderr());
            out.writeLong(output.omittedBytes());
        }
    }

    private static CapturedOutput output(DataInputStream in) throws IOException {
        if (!in.readBoolean()) {
            return null;
        }
        // UTF-8 takes at most 3 bytes per char of the stream's bound
        int maxBytes = 3 * CapturedOutput.MAX_CHARS_PER_STREAM;
        String stdout = string(in, maxBytes);
        String stderr = string(in, maxBytes);
        long omitted = in.readLong();
        if (stdout == null || stderr == null || omitted < 0 || stdout.length() > CapturedOutput.MAX_CHARS_PER_STREAM
                || stderr.length() > CapturedOutput.MAX_CHARS_PER_STREAM) {
            throw new FrameRefusedException("the lane carries malformed captured output");
        }
        return new CapturedOutput(stdout, stderr, omitted);
    }

    private static List<StackTraceElement> stack(DataInputStream in) throws IOException {
        int count = in.readInt();
        if (count < 0 || count > FrameDescriptor.MAX_STACK_FRAMES) {
            throw new FrameRefusedException("the lane claims " + count + " stack frames");
        }
        List<StackTraceElement> stack = new ArrayList<>(count);
        for (int i = 0; i < count; i++) {
            String loader = string(in, MAX_STRING_BYTES);
            String module = string(in, MAX_STRING_BYTES);
            String moduleVersion = string(in, MAX_STRING_BYTES);
            String declaringClass = Objects.requireNonNullElse(string(in, MAX_STRING_BYTES), "?");
            String method = Objects.requireNonNullElse(string(in, MAX_STRING_BYTES), "?");
            String file = string(in, MAX_STRING_BYTES);
            stack.add(new StackTraceElement(loader, module, moduleVersion, declaringClass, method, file, in.readInt()));
        }
        return stack;
    }
}
