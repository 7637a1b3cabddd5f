package dev.procpool.internal.ipc.codec;

import java.io.ByteArrayInputStream;
import java.io.EOFException;
import java.io.IOException;
import java.io.InputStream;
import java.io.SequenceInputStream;
import java.io.UncheckedIOException;
import java.nio.ByteBuffer;
import java.nio.channels.FileChannel;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Arrays;

/**
 * The serialized bytes of a task, result or exception: in a heap array, or, when too large to travel inline
 * through a queue, in a file of its own beside the queue ({@link #inFile}). In memory, the bytes are one slice
 * of an array, or a small head followed by a slice (a large {@code byte[]} value travels as its 5-byte header
 * and the caller's own array, not copied). Whoever holds a payload last calls {@link #release()}, which drops
 * the array or deletes the file; the bytes of a released payload can no longer be read. Read by any one thread
 * at a time; {@link #release()} may come from another thread once no one reads.
 */
public final class Payload {
    /** Receives a payload's bytes in order; see {@link #writeTo}. */
    @FunctionalInterface
    public interface ByteSink<E extends Exception> {
        void write(byte[] bytes, int offset, int length) throws E;
    }

    private static final byte[] NO_HEAD = new byte[0];
    /**
     * Bytes per read or write call on an out-of-band file. A heap array goes through the JDK's temporary
     * direct buffer, as large as the call and kept by the thread: whole 100 MB at once, that buffer was one more
     * 100 MB copy through memory (and 100 MB kept per thread); in 256 KiB calls it stays in the CPU's cache.
     */
    static final int IO_CHUNK = 256 << 10;

    private final byte[] head;
    private volatile byte[] body; // null once released; volatile, as release() may come from another thread
    private final int bodyOffset;
    private final int bodyLength;
    private final Path file;
    private final long length;

    private Payload(byte[] head, byte[] body, int bodyOffset, int bodyLength, Path file, long length) {
        this.head = head;
        this.body = body;
        this.bodyOffset = bodyOffset;
        this.bodyLength = bodyLength;
        this.file = file;
        this.length = length;
    }

    /** Takes ownership of {@code bytes}: the caller must not change them afterwards. */
    public static Payload of(byte[] bytes) {
        return of(bytes, 0, bytes.length);
    }

    /** Takes ownership of {@code length} bytes of {@code bytes} from {@code offset}. */
    public static Payload of(byte[] bytes, int offset, int length) {
        if (offset < 0 || length < 0 || offset + length > bytes.length || offset + length < 0) {
            throw new IndexOutOfBoundsException("offset " + offset + ", length " + length + " in " + bytes.length + " bytes");
        }
        return new Payload(NO_HEAD, bytes, offset, length, null, length);
    }

    /** {@code head} followed by all of {@code body}, neither copied. */
    static Payload of(byte[] head, byte[] body) {
        return new Payload(head, body, 0, body.length, null, (long) head.length + body.length);
    }

    /** A payload already written to {@code file}, {@code length} bytes long. */
    public static Payload inFile(Path file, long length) {
        return new Payload(null, null, 0, 0, file, length);
    }

    public long length() {
        return length;
    }

    public boolean isInFile() {
        return file != null;
    }

    /** The out-of-band file; null when the bytes are in memory. */
    public Path file() {
        return file;
    }

    /**
     * Hands the in-memory bytes to {@code sink}, in order, in one or two calls, without copying them.
     *
     * @throws IllegalStateException when the payload is in a file or was released
     */
    public <E extends Exception> void writeTo(ByteSink<E> sink) throws E {
        byte[] bytes = body();
        if (head.length > 0) {
            sink.write(head, 0, head.length);
        }
        sink.write(bytes, bodyOffset, bodyLength);
    }

    /**
     * Writes the in-memory bytes to {@code channel} at its position, in {@link #IO_CHUNK} calls.
     *
     * @throws IllegalStateException when the payload is in a file or was released
     */
    public void writeTo(FileChannel channel) throws IOException {
        writeTo((bytes, offset, length) -> writeFully(channel, bytes, offset, length));
    }

    static void writeFully(FileChannel channel, byte[] bytes, int offset, int length) throws IOException {
        int end = offset + length;
        for (int at = offset; at < end; ) {
            ByteBuffer part = ByteBuffer.wrap(bytes, at, Math.min(IO_CHUNK, end - at));
            while (part.hasRemaining()) {
                channel.write(part);
            }
            at = part.position();
        }
    }

    /** Reads {@code length} bytes of {@code channel} from {@code position} into {@code target}, in {@link #IO_CHUNK} calls. */
    static void readFully(FileChannel channel, long position, byte[] target, int offset, int length, Path file)
            throws IOException {
        int end = offset + length;
        for (int at = offset; at < end; ) {
            ByteBuffer part = ByteBuffer.wrap(target, at, Math.min(IO_CHUNK, end - at));
            while (part.hasRemaining()) {
                int read = channel.read(part, position + (part.position() - offset));
                if (read < 0) {
                    throw new EOFException("out-of-band payload " + file + " ends early");
                }
            }
            at = part.position();
        }
    }

    /** The in-memory bytes, copied into one array of their exact size. */
    public byte[] toByteArray() {
        byte[] bytes = body();
        byte[] copy = Arrays.copyOf(head, Math.toIntExact(length));
        System.arraycopy(bytes, bodyOffset, copy, head.length, bodyLength);
        return copy;
    }

    /** A stream over the bytes; may be opened once. */
    public InputStream openStream() {
        if (file == null) {
            InputStream bodyStream = new ByteArrayInputStream(body(), bodyOffset, bodyLength);
            return head.length == 0 ? bodyStream : new SequenceInputStream(new ByteArrayInputStream(head), bodyStream);
        }
        try {
            return Files.newInputStream(file);
        } catch (IOException e) {
            throw new UncheckedIOException("cannot read out-of-band payload " + file, e);
        }
    }

    /** Frees the array or deletes the out-of-band file. Safe to call more than once. */
    public void release() {
        if (file == null) {
            body = null;
        } else {
            try {
                Files.deleteIfExists(file);
            } catch (IOException ignored) {
                // the whole channel folder is deleted with its worker
            }
        }
    }

    // ------------------------------------------------------------------ for the codec

    /** The in-memory bytes, for reading in place when they are one slice; null when they are in two parts. */
    ByteArrayBuffer readableOrNull() {
        return head.length == 0 ? ByteArrayBuffer.wrap(body(), bodyOffset, bodyLength) : null;
    }

    byte[] head() {
        return head;
    }

    /** The body of an in-memory payload in two parts, copied. */
    byte[] copyOfBody() {
        return Arrays.copyOfRange(body(), bodyOffset, bodyOffset + bodyLength);
    }

    private byte[] body() {
        if (file != null) {
            throw new IllegalStateException(this + " is in a file, not in memory");
        }
        byte[] bytes = body;
        if (bytes == null) {
            throw new IllegalStateException(this + " was already released");
        }
        return bytes;
    }

    /** The first {@code length} bytes of the out-of-band file (fewer when it is shorter). */
    byte[] readFileHead(int length) throws IOException {
        try (InputStream in = Files.newInputStream(file)) {
            return in.readNBytes(length);
        }
    }

    /**
     * The out-of-band file, open for reading, once its size is found to be the length its frame gave: that
     * length came from the other process, so nothing is allocated for more than the file holds.
     */
    FileChannel openCheckedFile() throws IOException {
        FileChannel channel = FileChannel.open(file);
        try {
            long size = channel.size();
            if (size != length || length > Integer.MAX_VALUE - 8) {
                throw new java.io.StreamCorruptedException("out-of-band payload " + file + " holds " + size
                        + " bytes, but its frame says " + length);
            }
            return channel;
        } catch (IOException | RuntimeException e) {
            channel.close();
            throw e;
        }
    }

    @Override
    public String toString() {
        return file == null ? "Payload[" + length + " B]" : "Payload[" + length + " B in " + file.getFileName() + "]";
    }
}
