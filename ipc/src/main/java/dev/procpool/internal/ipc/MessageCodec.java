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
import dev.procpool.internal.ipc.codec.Payload;
import net.openhft.chronicle.bytes.Bytes;

import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Objects;

import static dev.procpool.internal.ipc.FrameDescriptor.*;

/**
 * Lays out one message as one queue document, as drawn in {@link FrameDescriptor}. Out-of-band file names are
 * relative to the channel's folder, so no absolute path crosses the boundary. Called by whichever thread owns
 * the appender or tailer.
 */
final class MessageCodec {
    private static final byte INLINE = FrameDescriptor.PAYLOAD_INLINE;
    private static final byte IN_FILE = FrameDescriptor.PAYLOAD_IN_FILE;
    private static final byte NO_OUTPUT = FrameDescriptor.PAYLOAD_NO_OUTPUT;
    private static final byte OUTPUT = FrameDescriptor.PAYLOAD_OUTPUT;

    private MessageCodec() {
    }

    static void encode(Message message, Bytes<?> out) {
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

    static Message decode(Bytes<?> in, Path folder) {
        byte type = in.readByte();
        long taskId = in.readLong();
        return switch (type) {
            case CONFIGURE_WORKER -> new ConfigureWorker(in.readLong(), in.readLong());
            case RUN_INITIALIZER -> new RunInitializer(readPayload(in, folder));
            case RUN_TASK -> new RunTask(taskId, readPayload(in, folder), in.readRemaining() > 0 && in.readByte() != 0);
            case CANCEL_TASK -> new CancelTask(taskId, in.readByte() != 0);
            case SHUTDOWN -> new Shutdown();
            case STOP_NOW -> new StopNow();
            case WORKER_READY -> new WorkerReady(in.readInt(), in.readLong());
            case TASK_COMPLETED -> new TaskCompleted(taskId, readPayload(in, folder), readOutput(in, folder));
            case TASK_FAILED -> new TaskFailed(taskId, readPayload(in, folder), readOutput(in, folder));
            case OUTCOME_NOT_SERIALIZED -> new OutcomeNotSerialized(taskId, in.readUtf8(), readStack(in, folder));
            case INITIALIZER_COMPLETED -> new InitializerCompleted();
            case INITIALIZER_FAILED -> new InitializerFailed(readPayload(in, folder));
            case TASK_CANCELLED -> new TaskCancelled(taskId);
            case WORKER_RETIRED -> new WorkerRetired(in.readUtf8());
            case RESOURCE_REQUESTED -> new Message.ResourceRequested(in.readLong(), in.readUtf8());
            case SHIP_RESOURCE -> readShipResource(in, folder);
            default -> throw new IllegalStateException("unknown message type " + type + " in " + folder);
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
        String name = in.readUtf8();
        return in.readByte() == 0
                ? new Message.ShipResource(loaderId, name, null, in.readUtf8())
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
        String stdout = in.readUtf8();
        String stderr = in.readUtf8();
        long omitted = in.readLong();
        if (flag != OUTPUT || stdout == null || stderr == null || omitted < 0
                || stdout.length() > CapturedOutput.MAX_CHARS_PER_STREAM
                || stderr.length() > CapturedOutput.MAX_CHARS_PER_STREAM) {
            throw new IllegalStateException("a frame carries malformed captured output in " + folder);
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
            throw new IllegalStateException("a frame claims " + count + " stack frames in " + folder);
        }
        List<StackTraceElement> stack = new ArrayList<>(count);
        for (int i = 0; i < count; i++) {
            String loader = in.readUtf8();
            String module = in.readUtf8();
            String moduleVersion = in.readUtf8();
            String declaringClass = Objects.requireNonNullElse(in.readUtf8(), "?");
            String method = Objects.requireNonNullElse(in.readUtf8(), "?");
            String file = in.readUtf8();
            stack.add(new StackTraceElement(loader, module, moduleVersion, declaringClass, method, file, in.readInt()));
        }
        return stack;
    }

    private static void header(Bytes<?> out, byte type, long taskId) {
        out.writeByte(type);
        out.writeLong(taskId);
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
        if (where == IN_FILE) {
            // the name comes from the other process: only a name our writer makes, inside the folder, is opened
            return Payload.inFile(PayloadFileNames.resolve(folder, in.readUtf8()), length);
        }
        // A plain array: payloads are freed on another thread than the one that reads them, which would defeat
        // a pool's thread caches; the young generation frees small arrays for less.
        byte[] bytes = new byte[Math.toIntExact(length)];
        in.read(bytes);
        return Payload.of(bytes);
    }
}
