package dev.procpool.internal.ipc.codec;

import java.io.IOException;
import java.io.InputStream;
import java.io.OutputStream;
import java.io.UncheckedIOException;
import java.lang.invoke.MethodHandles;
import java.lang.invoke.VarHandle;
import java.nio.ByteOrder;
import java.nio.channels.FileChannel;
import java.nio.charset.StandardCharsets;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.Arrays;

/**
 * A growable heap byte array with a reader and a writer index, big-endian like the wire format: all the codec
 * needs of a buffer, and no more. A large value being written does not grow one array by doubling (a copy of
 * everything so far per doubling, and twice the value's size allocated): past {@link #SEAL_AT} bytes the filled
 * array is kept as a part and writing goes on in a new one, and a large byte array is kept as a part of its own,
 * copied once; {@link #toPayload} hands the parts over unjoined. Such a buffer can only be written. Reads past the written bytes throw {@link IndexOutOfBoundsException}, so a
 * truncated or forged payload fails to decode instead of reading stale bytes. A buffer {@link #overFile over an
 * out-of-band file} reads the file as it is consumed, and reads a large byte array straight from the file into
 * the array it returns, never into the buffer: one copy from the page cache instead of two. Not thread-safe: one
 * thread owns a buffer at a time (the encoding thread's scratch buffer, or the decoding thread's view of a payload).
 */
final class ByteArrayBuffer {
    private static final VarHandle INT = MethodHandles.byteArrayViewVarHandle(int[].class, ByteOrder.BIG_ENDIAN);
    private static final VarHandle LONG = MethodHandles.byteArrayViewVarHandle(long[].class, ByteOrder.BIG_ENDIAN);
    private static final int MAX_CAPACITY = Integer.MAX_VALUE - 8;
    /** Filled arrays of this size or more are kept as parts instead of copied into a larger one. */
    static final int SEAL_AT = 1 << 20;
    /** The largest array started after a part is kept (the last one is handed over as it is, its tail unused). */
    private static final int MAX_PART = 4 << 20;
    /** Bytes read from a file at a time, as the buffer is consumed. */
    private static final int FILL = 64 << 10;
    /** Reads this long or longer, when not yet in the buffer, go from the file straight into their target. */
    private static final int DIRECT_READ = 16 << 10;

    private byte[] array;
    private int readerIndex;
    private int writerIndex;
    /** The arrays filled before {@link #array}, and how many bytes of each; null until the first. */
    private ArrayList<byte[]> sealed;
    private ArrayList<Integer> sealedLengths;
    private long sealedBytes;
    /** The file the bytes after {@link #writerIndex} are read from; null for a buffer of an array alone. */
    private FileChannel source;
    private Path sourceFile;
    /** The next byte of {@link #source} to read, and the end of its bytes. */
    private long sourcePosition;
    private long sourceEnd;

    ByteArrayBuffer(int capacity) {
        this.array = new byte[capacity];
    }

    private ByteArrayBuffer(byte[] array, int offset, int length) {
        this.array = array;
        this.readerIndex = offset;
        this.writerIndex = offset + length;
    }

    /** A buffer for reading {@code length} bytes of {@code array} from {@code offset}; it does not copy them. */
    static ByteArrayBuffer wrap(byte[] array, int offset, int length) {
        if (offset < 0 || length < 0 || offset + length > array.length || offset + length < 0) {
            throw new IndexOutOfBoundsException("offset " + offset + ", length " + length + " in " + array.length + " bytes");
        }
        return new ByteArrayBuffer(array, offset, length);
    }

    /**
     * A buffer over bytes {@code [from, end)} of {@code channel}, which it reads as they are consumed (the caller
     * checked that the file holds them, and closes the channel); the array holds no byte of a large array read
     * with {@link #readBytes}, so absolute indexes ({@link #readerIndex}, {@link #regionEquals}) are valid only
     * between reads of such arrays, as the codec uses them (around a class name or a lambda's header).
     */
    static ByteArrayBuffer overFile(FileChannel channel, Path file, long from, long end) {
        ByteArrayBuffer buffer = new ByteArrayBuffer(new byte[(int) Math.min(FILL, end - from)], 0, 0);
        buffer.source = channel;
        buffer.sourceFile = file;
        buffer.sourcePosition = from;
        buffer.sourceEnd = end;
        return buffer;
    }

    byte[] array() {
        return array;
    }

    int capacity() {
        return array.length;
    }

    int readerIndex() {
        return readerIndex;
    }

    /** The bytes left to read, those of the file not read yet included. */
    int readableBytes() {
        return (int) (sealedBytes + writerIndex - readerIndex + (sourceEnd - sourcePosition));
    }

    void clear() {
        readerIndex = 0;
        writerIndex = 0;
        sealed = null;
        sealedLengths = null;
        sealedBytes = 0;
    }

    /** The readable bytes, copied into an array of their exact size. */
    byte[] toByteArray() {
        if (sealed == null) {
            return Arrays.copyOfRange(array, readerIndex, writerIndex);
        }
        return toPayload(null).toByteArray();
    }

    /**
     * The written bytes, after {@code head} unless it is null, as a payload that takes over this buffer's
     * arrays without copying them; the buffer must not be written again.
     */
    Payload toPayload(byte[] head) {
        if (readerIndex != 0) {
            throw new IllegalStateException("a buffer being read cannot become a payload");
        }
        int count = (head == null ? 0 : 1) + (sealed == null ? 0 : sealed.size()) + 1;
        byte[][] parts = new byte[count][];
        int[] lengths = new int[count];
        int i = 0;
        if (head != null) {
            parts[i] = head;
            lengths[i++] = head.length;
        }
        if (sealed != null) {
            for (int j = 0; j < sealed.size(); j++, i++) {
                parts[i] = sealed.get(j);
                lengths[i] = sealedLengths.get(j);
            }
        }
        parts[i] = array;
        lengths[i] = writerIndex;
        return Payload.ofParts(parts, lengths);
    }

    // ------------------------------------------------------------------ writing

    /** Makes room for {@code length} more bytes in one growth (doubling, or to the exact need if more). */
    void ensureWritable(int length) {
        if (length > array.length - writerIndex) { // no overflow: both sides are within int range
            if (source == null && readerIndex == 0 && writerIndex >= SEAL_AT) {
                seal(length);
            } else {
                grow(length);
            }
        }
    }

    /** Keeps the filled array as a part, and goes on in a new one with room for {@code length} bytes. */
    private void seal(int length) {
        checkTotal(length);
        keepPart(array, writerIndex);
        array = new byte[Math.max(length, (int) Math.min(2L * array.length, MAX_PART))];
        writerIndex = 0;
    }

    private void keepPart(byte[] part, int length) {
        if (sealed == null) {
            sealed = new ArrayList<>();
            sealedLengths = new ArrayList<>();
        }
        sealed.add(part);
        sealedLengths.add(length);
        sealedBytes += length;
    }

    private void checkTotal(int length) {
        long needed = sealedBytes + writerIndex + length;
        if (length < 0 || needed > MAX_CAPACITY) {
            throw new OutOfMemoryError("a buffer of " + needed + " bytes is over the array limit");
        }
    }

    private void grow(int length) {
        checkTotal(length);
        long needed = (long) writerIndex + length;
        int doubled = array.length <= MAX_CAPACITY / 2 ? array.length * 2 : MAX_CAPACITY;
        array = Arrays.copyOf(array, Math.max(Math.max(doubled, (int) needed), 64));
    }

    ByteArrayBuffer writeByte(int value) {
        ensureWritable(1);
        array[writerIndex++] = (byte) value;
        return this;
    }

    ByteArrayBuffer writeInt(int value) {
        ensureWritable(Integer.BYTES);
        INT.set(array, writerIndex, value);
        writerIndex += Integer.BYTES;
        return this;
    }

    ByteArrayBuffer writeLong(long value) {
        ensureWritable(Long.BYTES);
        LONG.set(array, writerIndex, value);
        writerIndex += Long.BYTES;
        return this;
    }

    ByteArrayBuffer writeDouble(double value) {
        return writeLong(Double.doubleToRawLongBits(value));
    }

    ByteArrayBuffer writeBytes(byte[] bytes) {
        return writeBytes(bytes, 0, bytes.length);
    }

    ByteArrayBuffer writeBytes(byte[] bytes, int offset, int length) {
        if (length >= SEAL_AT && source == null && readerIndex == 0 && length > array.length - writerIndex) {
            // a part of its own: one copy (without zeroing it first), nothing written so far copied again
            checkTotal(length);
            if (writerIndex > 0) {
                keepPart(array, writerIndex);
                array = new byte[4096];
                writerIndex = 0;
            }
            keepPart(Arrays.copyOfRange(bytes, offset, offset + length), length);
            return this;
        }
        ensureWritable(length);
        System.arraycopy(bytes, offset, array, writerIndex, length);
        writerIndex += length;
        return this;
    }

    /** The string's UTF-8 length as an int, then its UTF-8 bytes. */
    ByteArrayBuffer writeUtf8(String s) {
        byte[] bytes = s.getBytes(StandardCharsets.UTF_8);
        ensureWritable(Integer.BYTES + bytes.length);
        return writeInt(bytes.length).writeBytes(bytes);
    }

    /** Writes into this buffer (for a JDK object stream); closing it does nothing. */
    OutputStream asOutputStream() {
        return new OutputStream() {
            @Override
            public void write(int b) {
                writeByte(b);
            }

            @Override
            public void write(byte[] bytes, int offset, int length) {
                writeBytes(bytes, offset, length);
            }
        };
    }

    // ------------------------------------------------------------------ reading

    private int advance(int length) {
        int index = readerIndex;
        if (length < 0 || length > writerIndex - index) {
            if (length < 0 || length > readableBytes()) {
                throw new IndexOutOfBoundsException("reading " + length + " bytes at " + index + " of "
                        + (writerIndex + (sourceEnd - sourcePosition)));
            }
            fill(length - (writerIndex - index));
        }
        readerIndex = index + length;
        return index;
    }

    /** Appends at least {@code needed} more bytes of the file (as many as {@link #FILL} when it has them). */
    private void fill(int needed) {
        int length = (int) Math.min(Math.max(needed, FILL), sourceEnd - sourcePosition);
        ensureWritable(length);
        try {
            Payload.readFully(source, sourcePosition, array, writerIndex, length, sourceFile);
        } catch (IOException e) {
            throw new UncheckedIOException("cannot read out-of-band payload " + sourceFile, e);
        }
        sourcePosition += length;
        writerIndex += length;
    }

    /** The next byte, not consumed. */
    byte peekByte() {
        int index = advance(1); // first: reading a file may replace the array
        readerIndex--;
        byte value = array[index];
        return value;
    }

    byte readByte() {
        int index = advance(1); // first: reading a file may replace the array
        return array[index];
    }

    int readInt() {
        int index = advance(Integer.BYTES);
        return (int) INT.get(array, index);
    }

    long readLong() {
        int index = advance(Long.BYTES);
        return (long) LONG.get(array, index);
    }

    double readDouble() {
        return Double.longBitsToDouble(readLong());
    }

    void readBytes(byte[] target) {
        readBytes(target, 0, target.length);
    }

    /** Reads {@code length} bytes into {@code target}; a long read of a file mostly goes straight into it. */
    private void readBytes(byte[] target, int offset, int length) {
        int buffered = writerIndex - readerIndex;
        if (source == null || length <= buffered || length < DIRECT_READ) {
            int index = advance(length);
            System.arraycopy(array, index, target, offset, length);
            return;
        }
        if (length > readableBytes()) {
            advance(length); // throws, naming the bytes there are
        }
        System.arraycopy(array, readerIndex, target, offset, buffered);
        int direct = length - buffered;
        try {
            Payload.readFully(source, sourcePosition, target, offset + buffered, direct, sourceFile);
        } catch (IOException e) {
            throw new UncheckedIOException("cannot read out-of-band payload " + sourceFile, e);
        }
        sourcePosition += direct;
        // the array holds no byte of the file past the writer index: the next fill continues there
        readerIndex = writerIndex;
    }

    void skipBytes(int length) {
        advance(length);
    }

    String readUtf8() {
        int length = readInt();
        int index = advance(length);
        return new String(array, index, length, StandardCharsets.UTF_8);
    }

    /** Whether the {@code length} bytes from absolute index {@code start} equal the start of {@code other}. */
    boolean regionEquals(int start, byte[] other, int length) {
        return Arrays.equals(array, start, start + length, other, 0, length);
    }

    /** Reads from this buffer, advancing its reader index (for a JDK object stream); closing it does nothing. */
    InputStream asInputStream() {
        return new InputStream() {
            @Override
            public int read() {
                return readableBytes() > 0 ? readByte() & 0xff : -1;
            }

            @Override
            public int read(byte[] target, int offset, int length) {
                if (length == 0) {
                    return 0;
                }
                int available = readableBytes();
                if (available <= 0) {
                    return -1;
                }
                int n = Math.min(length, available);
                readBytes(target, offset, n);
                return n;
            }

            @Override
            public int available() {
                return writerIndex - readerIndex;
            }
        };
    }
}
