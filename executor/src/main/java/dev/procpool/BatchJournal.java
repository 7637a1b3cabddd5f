package dev.procpool;

import dev.procpool.internal.ipc.codec.TaskCodec;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

import java.io.Closeable;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.ByteBuffer;
import java.nio.ByteOrder;
import java.nio.channels.FileChannel;
import java.nio.channels.FileLock;
import java.nio.channels.OverlappingFileLockException;
import java.nio.file.AccessDeniedException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardOpenOption;
import java.security.MessageDigest;
import java.security.NoSuchAlgorithmException;
import java.util.Arrays;
import java.util.HashMap;
import java.util.Map;

import static dev.procpool.BatchJournalFormat.HEADER_LENGTH;
import static dev.procpool.BatchJournalFormat.PAYLOAD_OFFSET;
import static dev.procpool.BatchJournalFormat.RECORD_PREFIX;

/**
 * One open batch journal (layout: {@link BatchJournalFormat}): checks that it belongs to this batch, finds the
 * recorded outcome of an input, and appends new ones. Held locked for the life of the batch, so that two batches
 * cannot write one journal. Appends are buffered until {@link #flush()}, which the batch calls before it delivers
 * an outcome. Used by the batch's consuming thread only.
 *
 * <p>Finding outcomes costs one bit per input index, plus one map entry per outcome recorded far out of input
 * order (e.g. behind a slow input of an unordered batch) until its input comes.
 */
final class BatchJournal implements Closeable {
    /** A recorded outcome: the digest of its input, whether it succeeded, and its result or exception. */
    record Entry(long inputDigest, boolean succeeded, byte[] payload) {
    }

    private static final Logger LOG = LoggerFactory.getLogger(ProcessPoolExecutor.class);
    private static final int BUFFER_BYTES = 64 << 10;

    private final Path path;
    private final FileChannel channel;
    private final FileLock lock;
    private final MessageDigest sha256 = sha256();
    /** Inputs with a recorded outcome not yet taken. */
    private final IndexSet recorded = new IndexSet();
    /** Indexes recorded more than once (a changed input run again): the offset of the latest record. */
    private final Map<Long, Long> latest = new HashMap<>();
    /** Records passed by {@link #take} on its way to another: index to offset. */
    private final Map<Long, Long> passed = new HashMap<>();
    private final ByteBuffer window = ByteBuffer.allocate(BUFFER_BYTES).order(ByteOrder.LITTLE_ENDIAN);
    private long windowStart = -1;
    private final ByteBuffer pending = ByteBuffer.allocate(BUFFER_BYTES).order(ByteOrder.LITTLE_ENDIAN);
    /** End of the records found at open; records after it were written by this run. */
    private long recordsEnd;
    private long cursor = HEADER_LENGTH;
    private long writePosition;
    private int replayable;

    private BatchJournal(Path path, FileChannel channel, FileLock lock) {
        this.path = path;
        this.channel = channel;
        this.lock = lock;
    }

    /**
     * Opens (or creates) the journal at {@code path} for a batch of {@code inputCount} inputs (-1: not known)
     * whose function serializes to bytes of digest {@code functionDigest}; cuts off a torn last record.
     *
     * @throws IllegalArgumentException if the file cannot be created, read or written
     * @throws IllegalStateException    if it is not a journal of this batch, or another batch holds it
     */
    static BatchJournal open(Path path, long inputCount, byte[] functionDigest) {
        if (Files.isDirectory(path)) {
            throw new IllegalArgumentException("the batch journal " + path + " is a folder; give the path of a file"
                    + " in it instead, for example " + path.resolve("batch.journal"));
        }
        Path parent = path.toAbsolutePath().getParent();
        if (parent != null && !Files.isDirectory(parent)) {
            throw new IllegalArgumentException("the batch journal " + path + " cannot be created: its folder "
                    + parent + " does not exist; create it first");
        }
        FileChannel channel;
        try {
            channel = FileChannel.open(path, StandardOpenOption.CREATE, StandardOpenOption.READ, StandardOpenOption.WRITE);
        } catch (IOException | UnsupportedOperationException | SecurityException e) {
            String why = e instanceof AccessDeniedException ? "access denied" : String.valueOf(e);
            throw new IllegalArgumentException("the batch journal " + path + " cannot be opened for reading and"
                    + " writing (" + why + "); give a path in a folder this process may write to", e);
        }
        BatchJournal journal = null;
        try {
            FileLock lock;
            try {
                lock = channel.tryLock();
            } catch (OverlappingFileLockException e) {
                lock = null;
            }
            if (lock == null) {
                throw new IllegalStateException("the batch journal " + path + " is in use by another batch (in this"
                        + " or another process); wait for it to end, or give this batch a journal of its own");
            }
            journal = new BatchJournal(path, channel, lock);
            journal.load(inputCount, functionDigest);
            return journal;
        } catch (IOException e) {
            closeQuietly(channel, journal);
            throw new IllegalArgumentException("the batch journal " + path + " cannot be read or written: " + e, e);
        } catch (RuntimeException | Error e) {
            closeQuietly(channel, journal);
            throw e;
        }
    }

    /** The digest of {@code input}'s serialized form; 0 if it cannot be serialized. */
    long digest(Object input) {
        byte[] bytes;
        try {
            bytes = TaskCodec.encodeToArray(input);
        } catch (IOException | RuntimeException | StackOverflowError e) {
            return 0;
        }
        byte[] hash = sha256.digest(bytes);
        return ByteBuffer.wrap(hash).order(ByteOrder.LITTLE_ENDIAN).getLong();
    }

    /** The SHA-256 of {@code function}'s serialized form. */
    static byte[] functionDigest(Object function) {
        try {
            return sha256().digest(TaskCodec.encodeToArray(function));
        } catch (IOException e) {
            throw new UncheckedIOException(e); // the batch checked that it serializes
        }
    }

    /** How many outcomes the journal held when opened, to be replayed. */
    int replayable() {
        return replayable;
    }

    /** The recorded outcome of input {@code index}, removed from those to replay; null if none. */
    Entry take(long index) {
        if (!recorded.remove(index)) {
            return null;
        }
        try {
            Long offset = latest.remove(index);
            if (offset == null) {
                offset = passed.remove(index);
            }
            while (offset == null && cursor < recordsEnd) {
                ByteBuffer head = read(cursor, PAYLOAD_OFFSET);
                long found = head.getLong(BatchJournalFormat.INDEX_OFFSET);
                if (found == index) {
                    offset = cursor;
                } else if (recorded.contains(found) && !latest.containsKey(found)) {
                    passed.put(found, cursor);
                }
                cursor += RECORD_PREFIX + head.getInt(0);
            }
            if (offset == null) {
                throw new IllegalStateException("journal " + path + ": the record of input " + index + " is gone");
            }
            ByteBuffer record = read(offset, RECORD_PREFIX + read(offset, 4).getInt(0));
            byte[] payload = new byte[record.remaining() - PAYLOAD_OFFSET];
            record.get(PAYLOAD_OFFSET, payload);
            return new Entry(record.getLong(BatchJournalFormat.DIGEST_OFFSET),
                    record.get(BatchJournalFormat.KIND_OFFSET) == BatchJournalFormat.SUCCEEDED, payload);
        } catch (IOException e) {
            throw new UncheckedIOException("the batch journal " + path + " cannot be read: " + e, e);
        }
    }

    /** Buffers a record of one outcome; written by the next {@link #flush()} at the latest. */
    void append(long index, long inputDigest, boolean succeeded, byte[] payload) {
        int length = BatchJournalFormat.recordLength(payload);
        if (length > pending.remaining()) {
            flush();
        }
        if (length > pending.capacity()) {
            ByteBuffer big = ByteBuffer.allocate(length).order(ByteOrder.LITTLE_ENDIAN);
            BatchJournalFormat.writeRecord(big, index, inputDigest, succeeded, payload);
            write(big.flip());
            return;
        }
        BatchJournalFormat.writeRecord(pending, index, inputDigest, succeeded, payload);
    }

    /**
     * Writes the buffered records to the file (the operating system's cache, which outlives this process).
     *
     * @throws UncheckedIOException if they cannot be written
     */
    void flush() {
        if (pending.position() > 0) {
            write(pending.flip());
            pending.clear();
        }
    }

    /** Writes what is buffered, syncs it to the disk, and releases the file. Idempotent. */
    @Override
    public void close() {
        if (!channel.isOpen()) {
            return;
        }
        try {
            flush();
            channel.force(false);
        } catch (IOException | UncheckedIOException e) {
            LOG.warn("procpool: the batch journal {} could not be synced to disk at its close", path, e);
        } finally {
            closeQuietly(channel, null);
        }
    }

    private void write(ByteBuffer bytes) {
        try {
            while (bytes.hasRemaining()) {
                writePosition += channel.write(bytes, writePosition);
            }
        } catch (IOException e) {
            throw new UncheckedIOException("the batch journal " + path + " cannot be written (" + e + "); the batch"
                    + " stops here, and the outcomes delivered so far stay recorded in it", e);
        }
    }

    /** Checks the header (or writes it, for a new file) and finds the valid records; cuts off a torn tail. */
    private void load(long inputCount, byte[] functionDigest) throws IOException {
        long size = channel.size();
        ByteBuffer header = ByteBuffer.allocate(HEADER_LENGTH).order(ByteOrder.LITTLE_ENDIAN);
        int available = (int) Math.min(size, HEADER_LENGTH);
        channel.read(header, 0);
        if (!BatchJournalFormat.magicMatches(header, available)) {
            throw new IllegalStateException("the file " + path + " is not a procpool batch journal (it does not start"
                    + " with one's marker); give this batch a path of its own, or delete that file if it is yours");
        }
        if (size < HEADER_LENGTH) { // new, or its creation was cut short: nothing was recorded in it
            channel.truncate(0);
            writePosition = 0;
            write(BatchJournalFormat.header(inputCount, functionDigest));
            recordsEnd = HEADER_LENGTH;
            return;
        }
        refuseForeign(header, inputCount, functionDigest);
        long end = HEADER_LENGTH;
        while (end + RECORD_PREFIX <= size) {
            ByteBuffer prefix = read(end, RECORD_PREFIX);
            int length = prefix.getInt(0);
            if (length < BatchJournalFormat.BODY_FIXED || length > size - end - RECORD_PREFIX) {
                break;
            }
            ByteBuffer record = read(end, RECORD_PREFIX + length);
            if (record.getInt(4) != BatchJournalFormat.crc(record, RECORD_PREFIX, length)) {
                break;
            }
            long index = record.getLong(BatchJournalFormat.INDEX_OFFSET);
            if (index < 0 || (inputCount >= 0 && index >= inputCount)) {
                throw new IllegalStateException("the batch journal " + path + " records an outcome for input " + index
                        + ", but this batch has " + inputCount + " inputs: it belongs to another batch. Give this"
                        + " batch a journal of its own, or delete " + path + " to start over");
            }
            if (!recorded.add(index)) {
                latest.put(index, end);
            } else {
                replayable++;
            }
            end += RECORD_PREFIX + length;
        }
        if (end < size) {
            LOG.warn("procpool: the batch journal {} ends with {} bytes that are not a whole record (its batch was"
                    + " stopped while writing); they are cut off, and the inputs they were for run again", path, size - end);
            channel.truncate(end);
        }
        recordsEnd = end;
        writePosition = end;
        windowStart = -1;
    }

    private void refuseForeign(ByteBuffer header, long inputCount, byte[] functionDigest) {
        int version = header.getInt(BatchJournalFormat.VERSION_OFFSET);
        String fix = " Give this batch a journal of its own, or delete " + path + " to start over.";
        if (version != BatchJournalFormat.VERSION) {
            throw new IllegalStateException("the batch journal " + path + " was written in journal format version "
                    + version + ", and this procpool reads version " + BatchJournalFormat.VERSION
                    + ": it cannot resume that batch." + fix);
        }
        if (!BatchJournalFormat.headerIntact(header)) {
            throw new IllegalStateException("the batch journal " + path + " has a damaged header (checksum mismatch),"
                    + " so it cannot tell which batch it belongs to." + fix);
        }
        long recordedCount = header.getLong(BatchJournalFormat.COUNT_OFFSET);
        if (recordedCount >= 0 && inputCount >= 0 && recordedCount != inputCount) {
            throw new IllegalStateException("the batch journal " + path + " belongs to another batch: that batch had "
                    + recordedCount + " inputs, this one has " + inputCount + "." + fix);
        }
        byte[] recordedFunction = new byte[BatchJournalFormat.FUNCTION_DIGEST_LENGTH];
        header.get(BatchJournalFormat.FUNCTION_OFFSET, recordedFunction);
        if (!Arrays.equals(recordedFunction, functionDigest)) {
            throw new IllegalStateException("the batch journal " + path + " belongs to another batch: that batch ran a"
                    + " different function (the digest of the serialized function differs: another lambda or class,"
                    + " other captured values, or a changed version of its class)." + fix);
        }
    }

    /** {@code length} bytes from {@code offset}, through a window of the file kept for sequential reads. */
    private ByteBuffer read(long offset, int length) throws IOException {
        if (length > window.capacity()) {
            ByteBuffer big = ByteBuffer.allocate(length).order(ByteOrder.LITTLE_ENDIAN);
            readFully(big, offset);
            return big.flip();
        }
        if (windowStart < 0 || offset < windowStart || offset + length > windowStart + window.limit()) {
            window.clear();
            windowStart = offset;
            readFully(window, offset);
            window.flip();
            if (window.limit() < length) {
                throw new IOException("the file ends " + (length - window.limit()) + " bytes short of a record at "
                        + offset + "; was it changed while this batch ran?");
            }
        }
        int from = (int) (offset - windowStart);
        return window.slice(from, length).order(ByteOrder.LITTLE_ENDIAN);
    }

    private void readFully(ByteBuffer into, long offset) throws IOException {
        long at = offset;
        while (into.hasRemaining()) {
            int n = channel.read(into, at);
            if (n < 0) {
                return;
            }
            at += n;
        }
    }

    private static void closeQuietly(FileChannel channel, BatchJournal journal) {
        try {
            if (journal != null && journal.lock.isValid()) {
                journal.lock.release();
            }
            channel.close();
        } catch (IOException e) {
            LOG.warn("procpool: could not close a batch journal", e);
        }
    }

    private static MessageDigest sha256() {
        try {
            return MessageDigest.getInstance("SHA-256");
        } catch (NoSuchAlgorithmException e) {
            throw new IllegalStateException("this JVM has no SHA-256, which every Java platform must have", e);
        }
    }

    /** A set of non-negative long indexes as bits, in pages of 65,536 allocated as needed. */
    private static final class IndexSet {
        private static final int PAGE_BITS = 16;
        private final Map<Long, long[]> pages = new HashMap<>();

        boolean add(long index) {
            long[] page = pages.computeIfAbsent(index >>> PAGE_BITS, p -> new long[1 << (PAGE_BITS - 6)]);
            int bit = (int) (index & ((1 << PAGE_BITS) - 1));
            boolean added = (page[bit >>> 6] & (1L << bit)) == 0;
            page[bit >>> 6] |= 1L << bit;
            return added;
        }

        boolean contains(long index) {
            long[] page = pages.get(index >>> PAGE_BITS);
            int bit = (int) (index & ((1 << PAGE_BITS) - 1));
            return page != null && (page[bit >>> 6] & (1L << bit)) != 0;
        }

        boolean remove(long index) {
            long[] page = pages.get(index >>> PAGE_BITS);
            int bit = (int) (index & ((1 << PAGE_BITS) - 1));
            if (page == null || (page[bit >>> 6] & (1L << bit)) == 0) {
                return false;
            }
            page[bit >>> 6] &= ~(1L << bit);
            return true;
        }
    }
}
