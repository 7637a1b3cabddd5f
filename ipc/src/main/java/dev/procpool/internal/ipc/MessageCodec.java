package dev.procpool.internal.ipc;

import dev.procpool.internal.ipc.Message.CancelTask;
import dev.procpool.internal.ipc.Message.RunTask;
import dev.procpool.internal.ipc.Message.Shutdown;
import dev.procpool.internal.ipc.Message.StopNow;
import dev.procpool.internal.ipc.Message.TaskCancelled;
import dev.procpool.internal.ipc.Message.TaskCompleted;
import dev.procpool.internal.ipc.Message.TaskFailed;
import dev.procpool.internal.ipc.Message.WorkerReady;
import dev.procpool.internal.ipc.Message.WorkerStopping;
import dev.procpool.internal.ipc.codec.Payload;
import net.openhft.chronicle.bytes.Bytes;

import java.nio.file.Path;

/**
 * The byte layout of one message, which is one queue document:
 * <pre>
 *   0        1                   9
 *   +--------+-------------------+--------------------------------------+
 *   | type:1 | taskId:8 (or 0)   | body                                 |
 *   +--------+-------------------+--------------------------------------+
 *
 *   body of RUN_TASK, TASK_COMPLETED, TASK_FAILED: a payload
 *     +---------+----------+------------------------------------------+
 *     | where:1 | length:8 | INLINE: length bytes                     |
 *     |         |          | IN_FILE: file name, UTF-8, in the folder |
 *     +---------+----------+------------------------------------------+
 *   body of WORKER_READY:    protocolVersion:4 | pid:8
 *   body of WORKER_STOPPING: reason, UTF-8
 *   other types: empty
 * </pre>
 * Out-of-band file names are relative to the channel's folder, so no absolute path crosses the boundary.
 * Called by whichever thread owns the appender or tailer.
 */
final class MessageCodec {
    static final byte RUN_TASK = 1;
    static final byte CANCEL_TASK = 2;
    static final byte SHUTDOWN = 3;
    static final byte STOP_NOW = 4;
    static final byte WORKER_READY = 10;
    static final byte TASK_COMPLETED = 11;
    static final byte TASK_FAILED = 12;
    static final byte TASK_CANCELLED = 13;
    static final byte WORKER_STOPPING = 14;

    private static final byte INLINE = 0;
    private static final byte IN_FILE = 1;

    private MessageCodec() {
    }

    static void encode(Message message, Bytes<?> out) {
        // JDK 17 has no pattern switch; the sealed hierarchy keeps this chain exhaustive by review.
        if (message instanceof RunTask m) {
            payloadMessage(out, RUN_TASK, m.taskId(), m.task());
        } else if (message instanceof TaskCompleted m) {
            payloadMessage(out, TASK_COMPLETED, m.taskId(), m.result());
        } else if (message instanceof TaskFailed m) {
            payloadMessage(out, TASK_FAILED, m.taskId(), m.error());
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
        } else if (message instanceof WorkerStopping m) {
            header(out, WORKER_STOPPING, 0);
            out.writeUtf8(m.reason());
        } else {
            throw new IllegalArgumentException("no encoding for " + message);
        }
    }

    static Message decode(Bytes<?> in, Path folder) {
        byte type = in.readByte();
        long taskId = in.readLong();
        return switch (type) {
            case RUN_TASK -> new RunTask(taskId, readPayload(in, folder));
            case CANCEL_TASK -> new CancelTask(taskId, in.readByte() != 0);
            case SHUTDOWN -> new Shutdown();
            case STOP_NOW -> new StopNow();
            case WORKER_READY -> new WorkerReady(in.readInt(), in.readLong());
            case TASK_COMPLETED -> new TaskCompleted(taskId, readPayload(in, folder));
            case TASK_FAILED -> new TaskFailed(taskId, readPayload(in, folder));
            case TASK_CANCELLED -> new TaskCancelled(taskId);
            case WORKER_STOPPING -> new WorkerStopping(in.readUtf8());
            default -> throw new IllegalStateException("unknown message type " + type + " in " + folder);
        };
    }

    private static void header(Bytes<?> out, byte type, long taskId) {
        out.writeByte(type);
        out.writeLong(taskId);
    }

    private static void payloadMessage(Bytes<?> out, byte type, long taskId, Payload payload) {
        header(out, type, taskId);
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
            return Payload.inFile(folder.resolve(in.readUtf8()), length);
        }
        // A plain array: payloads are freed on another thread than the one that reads them, which would defeat
        // a pool's thread caches; the young generation frees small arrays for less.
        byte[] bytes = new byte[Math.toIntExact(length)];
        in.read(bytes);
        return Payload.of(bytes);
    }
}
