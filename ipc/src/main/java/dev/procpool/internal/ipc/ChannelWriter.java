package dev.procpool.internal.ipc;

import dev.procpool.internal.ipc.codec.Payload;
import net.openhft.chronicle.queue.ExcerptAppender;
import net.openhft.chronicle.queue.impl.StoreFileListener;
import net.openhft.chronicle.queue.impl.single.SingleChronicleQueue;
import net.openhft.chronicle.wire.DocumentContext;

import java.io.IOException;
import java.nio.file.Path;

/**
 * The only writer of one queue. {@link #write} does not take ownership of a message's payload: the caller
 * releases it (the parent keeps a task's bytes until the task ends, to send them again should its worker die
 * before starting it). A payload larger than {@link Queues#INLINE_LIMIT} is written to a file beside the queue and only its name
 * travels; an exception while encoding rolls the document back, so readers never see a partial message.
 * Thread-safe, and it must be: writes are serialised because a worker writes its results queue from two threads
 * (the task thread answers tasks; the control thread answers cancels of tasks not started and says goodbye on a
 * stop). In the parent only the scheduler thread writes a worker's tasks queue.
 */
public final class ChannelWriter implements MessageSink, AutoCloseable {
    private final Path folder;
    private final SingleChronicleQueue queue;
    private final ExcerptAppender appender;
    private long spilled;
    private final DiskSpace space;
    /** The roll cycle being written, and the payload bytes put inline in it so far. */
    private int inlineCycle = Integer.MIN_VALUE;
    private long inlineBytes;

    private ChannelWriter(Path folder) {
        this.folder = folder;
        this.space = new DiskSpace(folder);
        this.queue = Queues.open(folder, StoreFileListener.noOp());
        this.appender = queue.createAppender();
        this.appender.singleThreadedCheckDisabled(true);
    }

    public static ChannelWriter open(Path folder) {
        return new ChannelWriter(folder);
    }

    /**
     * Appends {@code message}.
     *
     * @throws NoSpaceLeftException  having written nothing, when the disk under the queue has too little space left
     *                                for it (asked before writing, and again when the mapping faults)
     * @throws ChannelBrokenException when the queue's file was truncated or removed under its mapping (the JVM
     *                                reports the fault as an {@link InternalError}): the channel is unusable
     * @throws IOException            when an out-of-band payload file cannot be written
     */
    @Override
    public synchronized void write(Message message) throws IOException {
        Message toWrite = spillIfLarge(message);
        long needed = inlineBytes(toWrite);
        space.require(needed);
        DocumentContext dc;
        try {
            dc = appender.writingDocument();
        } catch (RuntimeException | InternalError e) {
            throw faulted(e, needed);
        }
        try {
            MessageCodec.encode(toWrite, dc.wire().bytes());
        } catch (RuntimeException | Error e) {
            dc.rollbackOnClose();
            closeAfterFailure(dc, e);
            if (e instanceof InternalError) {
                throw faulted(e, needed); // a fault in the mapping is the channel's, or the full disk's
            }
            throw e; // anything else is the message's (a released payload, say)
        }
        try {
            dc.close();
        } catch (RuntimeException | InternalError e) {
            throw faulted(e, needed);
        }
    }

    /** A fault on the mapping (SIGBUS): the disk filled up since it was last asked, else the file changed under it. */
    private IOException faulted(Throwable e, long needed) {
        NoSpaceLeftException full = NoSpaceLeftException.check(folder, needed, null);
        if (full != null) {
            full.addSuppressed(e);
            return full;
        }
        return broken(e);
    }

    private static void closeAfterFailure(DocumentContext dc, Throwable failure) {
        try {
            dc.close();
        } catch (RuntimeException | Error e) {
            failure.addSuppressed(e);
        }
    }

    private ChannelBrokenException broken(Throwable e) {
        return new ChannelBrokenException("the queue in " + folder + " can no longer be written (" + e
                + "): its file was changed under it", e);
    }

    private Message spillIfLarge(Message message) throws IOException {
        Payload payload = Message.payloadOf(message);
        return payload != null && isLarge(payload) ? Message.withPayload(message, spill(payload)) : message;
    }

    /** Whether {@code payload} goes out of band: too large for the queue, or over this cycle's inline budget. */
    private boolean isLarge(Payload payload) {
        if (payload.isInFile()) {
            return false;
        }
        int cycle = queue.cycle();
        if (cycle != inlineCycle) {
            inlineCycle = cycle;
            inlineBytes = 0;
        }
        if (payload.length() > Queues.INLINE_LIMIT
                || (payload.length() > Queues.ALWAYS_INLINE && inlineBytes >= Queues.INLINE_BUDGET_PER_CYCLE)) {
            return true;
        }
        inlineBytes += payload.length();
        return false;
    }

    /** What a message costs the queue: its inline payload and a little for the frame and the index. */
    private static long inlineBytes(Message message) {
        Payload payload = Message.payloadOf(message);
        return 512 + (payload == null || payload.isInFile() ? 0 : payload.length());
    }

    private Payload spill(Payload payload) throws IOException {
        return PayloadFiles.write(folder, PayloadFileNames.name(++spilled), payload, space);
    }

    @Override
    public synchronized void close() {
        queue.close();
    }
}
