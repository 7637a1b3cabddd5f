package dev.procpool.internal.ipc.codec;

import java.io.InputStream;
import java.io.OutputStream;
import java.lang.invoke.MethodHandles;
import java.lang.invoke.VarHandle;
import java.nio.ByteOrder;
import java.nio.charset.StandardCharsets;
import java.util.Arrays;

/**
 * A growable heap byte array with a reader and a writer index, big-endian like the wire format: all the codec
 * needs of a buffer, and no more. Reads past the written bytes throw {@link IndexOutOfBoundsException}, so a
 * truncated or forged payload fails to decode instead of reading stale bytes. Not thread-safe: one thread owns
 * a buffer at a time (the encoding thread's scratch buffer, or the decoding thread's view of a payload).
 */
final class ByteArrayBuffer {
    private static final VarHandle INT = MethodHandles.byteArrayViewVarHandle(int[].class, ByteOrder.BIG_ENDIAN);
    private static final VarHandle LONG = MethodHandles.byteArrayViewVarHandle(long[].class, ByteOrder.BIG_ENDIAN);
    private static final int MAX_CAPACITY = Integer.MAX_VALUE - 8;

    private byte[] array;
    private int readerIndex;
    private int writerIndex;

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

    byte[] array() {
        return array;
    }

    int capacity() {
        return array.length;
    }

    int readerIndex() {
        return readerIndex;
    }

    int readableBytes() {
        return writerIndex - readerIndex;
    }

    void clear() {
        readerIndex = 0;
        writerIndex = 0;
    }

    /** The readable bytes, copied into an array of their exact size. */
    byte[] toByteArray() {
        return Arrays.copyOfRange(array, readerIndex, writerIndex);
    }

    // ------------------------------------------------------------------ writing

    /** Makes room for {@code length} more bytes in one growth (doubling, or to the exact need if more). */
    void ensureWritable(int length) {
        if (length > array.length - writerIndex) { // no overflow: both sides are within int range
            grow(length);
        }
    }

    private void grow(int length) {
        long needed = (long) writerIndex + length;
        if (length < 0 || needed > MAX_CAPACITY) {
            throw new OutOfMemoryError("a buffer of " + needed + " bytes is over the array limit");
        }
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
            throw new IndexOutOfBoundsException("reading " + length + " bytes at " + index + " of " + writerIndex);
        }
        readerIndex = index + length;
        return index;
    }

    byte readByte() {
        return array[advance(1)];
    }

    int readInt() {
        return (int) INT.get(array, advance(Integer.BYTES));
    }

    long readLong() {
        return (long) LONG.get(array, advance(Long.BYTES));
    }

    double readDouble() {
        return Double.longBitsToDouble(readLong());
    }

    void readBytes(byte[] target) {
        System.arraycopy(array, advance(target.length), target, 0, target.length);
    }

    void skipBytes(int length) {
        advance(length);
    }

    String readUtf8() {
        int length = readInt();
        return new String(array, advance(length), length, StandardCharsets.UTF_8);
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
                return readerIndex < writerIndex ? readByte() & 0xff : -1;
            }

            @Override
            public int read(byte[] target, int offset, int length) {
                if (length == 0) {
                    return 0;
                }
                int available = writerIndex - readerIndex;
                if (available <= 0) {
                    return -1;
                }
                int n = Math.min(length, available);
                System.arraycopy(array, advance(n), target, offset, n);
                return n;
            }

            @Override
            public int available() {
                return writerIndex - readerIndex;
            }
        };
    }
}
