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
import dev.procpool.internal.ipc.codec.Payload;
import net.openhft.chronicle.bytes.Bytes;

import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Objects;
import java.util.zip.CRC32C;

import static dev.procpool.internal.ipc.FrameDescriptor.*;

/**
 * Lays out one message as one queue document, as drawn in {@link FrameDescriptor}. Out-of-band file names are
 * relative to the channel's folder, so no absolute path crosses the boundary. {@link #decode} checks the frame's
 * checksum before anything else, then every length against the bytes there are, and fails on anything malformed
 * with a {@link FrameRefusedException} only. Called by whichever thread owns the appender or tailer.
 */
final class MessageCodec {
    private static final byte INLINE = FrameDescriptor.PAYLOAD_INLINE;
    private static final byte IN_FILE = FrameDescriptor.PAYLOAD_IN_FILE;
    private static final byte NO_OUTPUT = FrameDescriptor.PAYLOAD_NO_OUTPUT;
    /** The most bytes a frame may hold after its inline payload: the captured output section at its bound. */
    private static final long MAX_AFTER_PAYLOAD = 1 + 2 * (5 + 3L * CapturedOutput.MAX_CHARS_PER_STREAM) + Long.BYTES;
    private static final byte OUTPUT = FrameDescriptor.PAYLOAD_OUTPUT;
    /** Bytes copied out of the document at a time to checksum them; the copy costs less than the CRC. */
    private static final int CHECKSUM_CHUNK = 4096;
    private static final ThreadLocal<byte[]> CHUNK = ThreadLocal.withInitial(() -> new byte[CHECKSUM_CHUNK]);

    private MessageCodec() {
    }

    /** Appends {@code message} to {@code out} as one frame, checksum included. */
    static void encode(Message message, Bytes<?> out) {
        long start = out.writePosition();
        encodeUnsealed(message, out);
        seal(out, start);
    }

    /** Writes the checksum of the frame from {@code start} to {@code out}'s write position into its header. */
    static void seal(Bytes<?> out, long start) {
        out.writeInt(start + CHECKSUM_OFFSET, checksum(out, start, out.writePosition()));
    }

    /**
     * The CRC32C of a frame's bytes between {@code start} and {@code end}, the checksum field excepted (see
     * {@link FrameDescriptor}).
     */
    static int checksum(Bytes<?> bytes, long start, long end) {
        CRC32C crc = new CRC32C();
        byte[] chunk = CHUNK.get();
        // streaming reads: Chronicle copies those in bulk, where a read at an offset goes byte by byte
        long readPosition = bytes.readPosition();
        try {
            bytes.readPosition(start);
            bytes.read(chunk, 0, CHECKSUM_OFFSET);
            crc.update(chunk, 0, CHECKSUM_OFFSET);
            bytes.readPosition(start + BODY_OFFSET);
            for (long at = start + BODY_OFFSET; at < end; ) {
                int length = bytes.read(chunk, 0, (int) Math.min(chunk.length, end - at));
                if (length <= 0) {
                    break;
                }
                crc.update(chunk, 0, length);
                at += length;
            }
        } finally {
            bytes.readPosition(readPosition);
        }
        return (int) crc.getValue();
    }

    private static void encodeUnsealed(Message message, Bytes<?> out) {
        // JDK 17 has no pattern switch; the sealed hierarchy keeps this chain exhaustive by review.
        if (message instanceof RunTask m) {
            payloadMessage(out, RUN_TASK, m.taskId(), m.task());
            out.writeByte(m.captureOutput() ? (byte) 1 : (byte) 0);
        } else if (message instanceof RunInitializer m) {
            payloadMessage(out, RUN_INITIALIZER, 0, m.initializer());
        } else if (message instanceof InitializerFailed m) {
            payloadMessage(out, INITIALIZER_FAILED, 0, m.error());
        } else if (message instanceof InitializerCompleted) {
            header(out, INITIALIZER_COMPLETED, 0);
        } else if (message instanceof ConfigureWorker m) {
            header(out, CONFIGURE_WORKER, 0);
            out.writeLong(m.maxTasks());
            out.writeLong(m.maxMemoryGrowthBytes());
            out.writeLong(m.limits().maxDepth());
            out.writeLong(m.limits().maxArrayLength());
            out.writeLong(m.limits().maxReferences());
        } else if (message instanceof OutcomeNotSerialized m) {
            header(out, OUTCOME_NOT_SERIALIZED, m.taskId());
            out.writeUtf8(m.description());
            writeStack(out, m.stack());
        } else if (message instanceof TaskCompleted m) {
            payloadMessage(out, TASK_COMPLETED, m.taskId(), m.result());
            writeOutput(out, m.output());
        } else if (message instanceof TaskFailed m) {
            payloadMessage(out, TASK_FAILED, m.taskId(), m.error());
            writeOutput(out, m.output());
        } else if (message instanceof CancelTask m) {
            header(out, CANCEL_TASK, m.taskId());
            out.writeByte(m.interrupt() ? (byte) 1 : (byte) 0);
        } else if (message instanceof TaskCancelled m) {
            header(out, TASK_CANCELLED, m.taskId());
        } else if (message instanceof Shutdown) {
            header(out, SHUTDOWN, 0);
        } else if (message instanceof StopNow) {
            header(out, STOP_NOW, 0);
        } else if (message instanceof WorkerReady m) {
            header(out, WORKER_READY, 0);
            out.writeInt(m.protocolVersion());
            out.writeLong(m.pid());
        } else if (message instanceof WorkerRetired m) {
            header(out, WORKER_RETIRED, 0);
            out.writeUtf8(m.reason());
        } else if (message instanceof Message.ResourceRequested m) {
            header(out, RESOURCE_REQUESTED, 0);
            out.writeLong(m.loaderId());
            out.writeUtf8(m.name());
        } else if (message instanceof Message.ShipResource m) {
            writeShipResource(m, out);
        } else {
            throw new IllegalArgumentException("no encoding for " + message);
        }
    }

    /**
     * The message in the frame from {@code in}'s read position to its read limit.
     *
     * @throws FrameRefusedException when the frame is too short, its checksum does not match, or its body is
     *                               malformed: the channel it came from can no longer be trusted
     */
    static Message decode(Bytes<?> in, Path folder) {
        long start = in.readPosition();
        long end = in.readLimit();
        if (end - start < BODY_OFFSET) {
            throw new FrameRefusedException("a frame of " + (end - start) + " bytes in " + folder
                    + " is shorter than a frame's header (" + BODY_OFFSET + " bytes): the queue is corrupted");
        }
        int stored = in.readInt(start + CHECKSUM_OFFSET);
        int actual = checksum(in, start, end);
        if (stored != actual) {
            throw new FrameRefusedException(String.format("a frame of %d bytes in %s has checksum %08x, but its bytes"
                    + " sum to %08x: the queue is corrupted (a task that wrote to the pool's files?), so the frame"
                    + " is not acted on", end - start, folder, stored, actual));
        }
        try {
            return decodeChecked(in, folder);
        } catch (FrameRefusedException e) {
            throw e;
        } catch (RuntimeException e) {
            throw new FrameRefusedException("a malformed frame in " + folder + " (" + e + "): the queue is corrupted", e);
        }
    }

    private static Message decodeChecked(Bytes<?> in, Path folder) {
        byte type = in.readByte();
        long taskId = in.readLong();
        in.readSkip(Integer.BYTES); // the checksum, already checked
        return switch (type) {
            case CONFIGURE_WORKER -> new ConfigureWorker(in.readLong(), in.readLong(),
                    new DeserializationLimits(in.readLong(), in.readLong(), in.readLong()));
            case RUN_INITIALIZER -> new RunInitializer(readPayload(in, folder));
            case RUN_TASK -> new RunTask(taskId, readPayload(in, folder), in.readRemaining() > 0 && in.readByte() != 0);
            case CANCEL_TASK -> new CancelTask(taskId, in.readByte() != 0);
            case SHUTDOWN -> new Shutdown();
            case STOP_NOW -> new StopNow();
            case WORKER_READY -> new WorkerReady(in.readInt(), in.readLong());
            case TASK_COMPLETED -> new TaskCompleted(taskId, readPayload(in, folder), readOutput(in, folder));
            case TASK_FAILED -> new TaskFailed(taskId, readPayload(in, folder), readOutput(in, folder));
            case OUTCOME_NOT_SERIALIZED -> new OutcomeNotSerialized(taskId, readString(in, folder), readStack(in, folder));
            case INITIALIZER_COMPLETED -> new InitializerCompleted();
            case INITIALIZER_FAILED -> new InitializerFailed(readPayload(in, folder));
            case TASK_CANCELLED -> new TaskCancelled(taskId);
            case WORKER_RETIRED -> new WorkerRetired(readString(in, folder));
            case RESOURCE_REQUESTED -> new Message.ResourceRequested(in.readLong(), readString(in, folder));
            case SHIP_RESOURCE -> readShipResource(in, folder);
            default -> throw new FrameRefusedException("unknown message type " + type + " in " + folder);
        };
    }

    private static void writeShipResource(Message.ShipResource m, Bytes<?> out) {
        header(out, SHIP_RESOURCE, 0);
        out.writeLong(m.loaderId());
        out.writeUtf8(m.name());
        if (m.bytes() == null) {
            out.writeByte((byte) 0);
            out.writeUtf8(m.missing());
        } else {
            out.writeByte((byte) 1);
            payload(out, m.bytes());
        }
    }

    private static Message.ShipResource readShipResource(Bytes<?> in, Path folder) {
        long loaderId = in.readLong();
        String name = readString(in, folder);
        return in.readByte() == 0
                ? new Message.ShipResource(loaderId, name, null, readString(in, folder))
                : new Message.ShipResource(loaderId, name, readPayload(in, folder), null);
    }

    private static void writeOutput(Bytes<?> out, CapturedOutput output) {
        if (output == null) {
            out.writeByte(NO_OUTPUT);
            return;
        }
        out.writeByte(OUTPUT);
        out.writeUtf8(output.stdout());
        out.writeUtf8(output.stderr());
        out.writeLong(output.omittedBytes());
    }

    /** Bounded: the texts come from the worker, whose frames are untrusted. */
    private static CapturedOutput readOutput(Bytes<?> in, Path folder) {
        if (in.readRemaining() == 0) { // a frame without the section, as version 2 wrote it: no output
            return null;
        }
        byte flag = in.readByte();
        if (flag == NO_OUTPUT) {
            return null;
        }
        String stdout = readString(in, folder);
        String stderr = readString(in, folder);
        long omitted = in.readLong();
        if (flag != OUTPUT || stdout == null || stderr == null || omitted < 0
                || stdout.length() > CapturedOutput.MAX_CHARS_PER_STREAM
                || stderr.length() > CapturedOutput.MAX_CHARS_PER_STREAM) {
            throw new FrameRefusedException("a frame carries malformed captured output in " + folder);
        }
        return new CapturedOutput(stdout, stderr, omitted);
    }

    private static void writeStack(Bytes<?> out, List<StackTraceElement> stack) {
        out.writeInt(stack.size());
        for (StackTraceElement frame : stack) {
            out.writeUtf8(frame.getClassLoaderName());
            out.writeUtf8(frame.getModuleName());
            out.writeUtf8(frame.getModuleVersion());
            out.writeUtf8(frame.getClassName());
            out.writeUtf8(frame.getMethodName());
            out.writeUtf8(frame.getFileName());
            out.writeInt(frame.getLineNumber());
        }
    }

    /** Bounded: the count comes from the worker, whose frames are untrusted. */
    private static List<StackTraceElement> readStack(Bytes<?> in, Path folder) {
        int count = in.readInt();
        if (count < 0 || count > MAX_STACK_FRAMES || count > in.readRemaining()) {
            throw new FrameRefusedException("a frame claims " + count + " stack frames in " + folder);
        }
        List<StackTraceElement> stack = new ArrayList<>(count);
        for (int i = 0; i < count; i++) {
            String loader = readString(in, folder);
            String module = readString(in, folder);
            String moduleVersion = readString(in, folder);
            String declaringClass = Objects.requireNonNullElse(readString(in, folder), "?");
            String method = Objects.requireNonNullElse(readString(in, folder), "?");
            String file = readString(in, folder);
            stack.add(new StackTraceElement(loader, module, moduleVersion, declaringClass, method, file, in.readInt()));
        }
        return stack;
    }

    /** The header, with a checksum of 0 that {@link #encode} replaces once the body is written. */
    /** A string as {@code writeUtf8} wrote it (or null), its length checked before anything is allocated. */
    private static String readString(Bytes<?> in, Path folder) {
        long at = in.readPosition();
        long length = in.readStopBit();
        in.readPosition(at);
        if (length > in.readRemaining()) {
            throw new FrameRefusedException("a frame claims a string of " + length + " bytes where "
                    + in.readRemaining() + " remain in " + folder);
        }
        return in.readUtf8();
    }

    private static void header(Bytes<?> out, byte type, long taskId) {
        out.writeByte(type);
        out.writeLong(taskId);
        out.writeInt(0);
    }

    private static void payloadMessage(Bytes<?> out, byte type, long taskId, Payload payload) {
        header(out, type, taskId);
        payload(out, payload);
    }

    private static void payload(Bytes<?> out, Payload payload) {
        if (payload.isInFile()) {
            out.writeByte(IN_FILE);
            out.writeLong(payload.length());
            out.writeUtf8(payload.file().getFileName().toString());
            return;
        }
        out.writeByte(INLINE);
        out.writeLong(payload.length());
        payload.writeTo(out::write);
    }

    private static Payload readPayload(Bytes<?> in, Path folder) {
        byte where = in.readByte();
        long length = in.readLong();
        if (length < 0) {
            throw new FrameRefusedException("a frame claims a payload of " + length + " bytes in " + folder);
        }
        if (where == IN_FILE) {
            // the name comes from the other process: only a name our writer makes, inside the folder, is opened
            return Payload.inFile(PayloadFileNames.resolve(folder, readString(in, folder)), length);
        }
        // what may follow a payload in its frame (captured output, a flag) is never longer than this
        if (where != INLINE || length > in.readRemaining() || in.readRemaining() - length > MAX_AFTER_PAYLOAD) {
            throw new FrameRefusedException("a frame claims an inline payload of " + length + " bytes (kind " + where
                    + ") where " + in.readRemaining() + " remain in " + folder);
        }
        // A plain array: payloads are freed on another thread than the one that reads them, which would defeat
        // a pool's thread caches; the young generation frees small arrays for less.
        byte[] bytes = new byte[(int) length];
        in.read(bytes);
        return Payload.of(bytes);
    }
}
