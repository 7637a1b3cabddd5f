package dev.procpool.internal.ipc;

import net.openhft.chronicle.queue.ExcerptTailer;
import net.openhft.chronicle.queue.impl.StoreFileListener;
import net.openhft.chronicle.queue.impl.single.SingleChronicleQueue;
import net.openhft.chronicle.wire.DocumentContext;

import java.io.File;
import java.io.IOException;
import java.nio.channels.FileChannel;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardOpenOption;
import java.util.Iterator;
import java.util.Map;
import java.util.concurrent.ConcurrentSkipListMap;

/**
 * The only reader of one queue, used by one thread. Once it has moved on to a newer roll cycle, it deletes the
 * files of the older ones (the writer has moved on too), so a long-running pool keeps bounded disk use.
 */
public final class ChannelReader implements MessageSource, AutoCloseable {
    private final Path folder;
    private final SingleChronicleQueue queue;
    private final ExcerptTailer tailer;
    /** Cycle files seen by this reader; Chronicle reports them from its own threads. */
    private final ConcurrentSkipListMap<Integer, File> cycleFiles = new ConcurrentSkipListMap<>();
    private int lastCycle = Integer.MIN_VALUE;
    /**
     * Set when Chronicle reports a cycle file: it does so on its background thread, possibly after this reader
     * has moved past that cycle, and such a file must still go (see {@link #poll}).
     */
    private volatile boolean filesReported;
    /** The newest cycle file, open to watch its length; see {@link #checkNotTruncated}. */
    private FileChannel watched;
    private int watchedCycle = Integer.MIN_VALUE;
    private File watchedFile;
    private long watchedLength;

    private ChannelReader(Path folder) {
        this.folder = folder;
        this.queue = Queues.open(folder, new StoreFileListener() {
            @Override
            public void onAcquired(int cycle, File file) {
                cycleFiles.put(cycle, file);
                filesReported = true;
            }

            @Override
            public void onReleased(int cycle, File file) {
                // deletion happens on the reading thread, where the current cycle is known
            }
        });
        this.tailer = queue.createTailer();
        this.tailer.singleThreadedCheckDisabled(true);
    }

    public static ChannelReader open(Path folder) {
        return new ChannelReader(folder);
    }

    /**
     * The next message, or null when there is none yet.
     *
     * @throws FrameRefusedException when the next frame is corrupted, or the queue's file can no longer be read
     *                               (truncated under the mapping: the JVM reports that as an {@link InternalError});
     *                               the reader is then broken and must not be polled again
     */
    @Override
    public Message poll() {
        Message message;
        if (filesReported) { // one reported late, after the move past its cycle, is deleted now
            filesReported = false;
            deleteCyclesBefore(lastCycle);
        }
        checkNotTruncated();
        try (DocumentContext dc = tailer.readingDocument()) {
            if (!dc.isPresent()) {
                return null;
            }
            message = MessageCodec.decode(dc.wire().bytes(), folder);
        } catch (FrameRefusedException e) {
            throw e;
        } catch (RuntimeException | InternalError e) {
            throw new FrameRefusedException("the queue in " + folder + " can no longer be read (" + e
                    + "): its file was truncated or changed under it", e);
        }
        int cycle = tailer.cycle();
        if (cycle != lastCycle) {
            lastCycle = cycle;
            deleteCyclesBefore(cycle);
            watchFrom(cycle); // from its first message on, not from the next poll: a cut before that poll is seen
        }
        return message;
    }

    /**
     * A queue file only grows. One that shrank was truncated under its mapping, which Chronicle answers with a
     * fault or a ten-second wait per read: refuse it before reading (one {@code fstat}, far cheaper than either).
     * A fault must not be left to happen: in code the JIT has compiled, the JVM reports it late, anywhere after
     * the read, where no {@code catch} here contains it.
     */
    private void checkNotTruncated() {
        Map.Entry<Integer, File> newest = cycleFiles.lastEntry();
        try {
            if (newest != null && newest.getKey() > watchedCycle) {
                watch(newest.getKey(), newest.getValue());
            }
            if (watched == null) {
                return;
            }
            long length = watched.size();
            if (length < watchedLength) {
                throw new FrameRefusedException("the queue file " + watchedFile + " shrank from " + watchedLength
                        + " to " + length + " bytes: it was truncated under the reader, and its messages are lost");
            }
            watchedLength = length;
        } catch (IOException e) {
            throw new FrameRefusedException("the queue file " + (newest != null ? newest.getValue() : watchedFile)
                    + " can no longer be read: " + e, e);
        }
    }

    /**
     * Starts watching the file of {@code cycle}, which the tailer has just read its first message from, at its
     * length now (the listener that fills {@link #cycleFiles} may not have run yet: Chronicle calls it from its
     * own threads). A file that cannot be opened is left to the next {@link #checkNotTruncated}, which reports
     * it.
     */
    private void watchFrom(int cycle) {
        File file = tailer.currentFile();
        if (file == null || cycle == watchedCycle) {
            return;
        }
        try {
            watch(cycle, file);
        } catch (IOException e) {
            closeWatched();
            watchedCycle = Integer.MIN_VALUE;
        }
    }

    private void watch(int cycle, File file) throws IOException {
        closeWatched();
        watched = FileChannel.open(file.toPath(), StandardOpenOption.READ);
        watchedFile = file;
        watchedCycle = cycle;
        watchedLength = watched.size();
    }

    private void closeWatched() {
        if (watched != null) {
            try {
                watched.close();
            } catch (IOException ignored) {
                // read-only: nothing to lose
            }
            watched = null;
        }
    }

    private void deleteCyclesBefore(int cycle) {
        Iterator<Map.Entry<Integer, File>> older = cycleFiles.entrySet().iterator();
        while (older.hasNext()) {
            Map.Entry<Integer, File> entry = older.next();
            if (entry.getKey() >= cycle) {
                return;
            }
            try {
                Files.deleteIfExists(entry.getValue().toPath());
                older.remove();
            } catch (IOException e) {
                // still mapped somewhere (Windows): try again when the next cycle starts
            }
        }
    }

    /** How many consumed cycle files are still waiting for deletion; for tests. */
    public int pendingCycleFiles() {
        return (int) cycleFiles.keySet().stream().filter(c -> c < lastCycle).count();
    }

    @Override
    public void close() {
        closeWatched();
        queue.close();
    }
}
