package dev.procpool.internal.ipc;

import java.io.DataInputStream;
import java.io.DataOutputStream;
import java.io.EOFException;
import java.io.IOException;

/**
 * The control pipe (the worker's stdin) carries the commands that must overtake queued tasks: cancel one task,
 * stop now, wake up. Each is one fixed-length frame as drawn in {@link FrameDescriptor}. The pipe also tells the
 * worker that its parent is gone: the operating system closes it when the parent dies, however it dies, and the
 * worker reads end-of-file. The parent writes from any thread (under a lock); the worker reads on one thread.
 */
public final class ControlCodec {
    private ControlCodec() {
    }

    public static void write(Message.Command command, DataOutputStream out) throws IOException {
        if (command instanceof Message.CancelTask cancel) {
            out.writeByte(cancel.interrupt() ? FrameDescriptor.CANCEL_TASK : FrameDescriptor.SKIP_TASK);
            out.writeLong(cancel.taskId());
        } else if (command instanceof Message.Wake) {
            out.writeByte(FrameDescriptor.WAKE);
            out.writeLong(0);
        } else if (command instanceof Message.StopNow) {
            out.writeByte(FrameDescriptor.STOP_NOW);
            out.writeLong(0);
        } else {
            throw new IllegalArgumentException(command + " travels on the task queue, not the control pipe");
        }
        out.flush();
    }

    /** The next command, or null at end of stream (the parent is gone). Blocks. */
    public static Message.Command read(DataInputStream in) throws IOException {
        byte type;
        long taskId;
        try {
            type = in.readByte();
            taskId = in.readLong();
        } catch (EOFException e) {
            return null;
        }
        if (type == FrameDescriptor.CANCEL_TASK || type == FrameDescriptor.SKIP_TASK) {
            return new Message.CancelTask(taskId, type == FrameDescriptor.CANCEL_TASK);
        }
        if (type == FrameDescriptor.WAKE) {
            return new Message.Wake();
        }
        if (type == FrameDescriptor.STOP_NOW) {
            return new Message.StopNow();
        }
        throw new IOException("unknown control command " + type);
    }
}
