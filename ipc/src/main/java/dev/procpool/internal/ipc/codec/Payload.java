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
import java.util.ArrayList;
import java.util.Arrays;
import java.util.Collections;
import java.util.List;

/**
 * The serialized bytes of a task, result or exception: in a heap array, or, when too large to travel inline
 * through a queue, in a file of its own beside the queue ({@link #inFile}). In memory, the bytes are one slice
 * of an array, or a few arrays in order: a large {@code byte[]} value travels as its 5-byte header and the
 * caller's own array, not copied; a large encoded value as the arrays the encoder filled, not joined. Whoever holds a payload last calls {@link #release()}, which drops
 * the array or deletes the file; the bytes of a released payload can no longer be read. Read by any one thread
 * at a time; {@link #release()} may come from another thread once no one reads.
 */
public final class Payload {
    /** Receives a payload's bytes in order; see {@link #writeTo}. */
    @FunctionalInterface
    public interface ByteSink<E extends Exception> {
        void write(byte[] bytes, int offset, int length) throws E;
    }

    /**
     * Bytes per read or write call on an out-of-band file. A heap array goes through the JDK's temporary
     * direct buffer, as large as the call and kept by the thread: whole 100 MB at once, that buffer was one more
     * 100 MB copy through memory (and 100 MB kept per thread); in 256 KiB calls it stays in the CPU's cache.
     */
    static final int IO_CHUNK = 256 << 10;

    /** The in-memory bytes: {@code lengths[i]} bytes of {@code parts[i]} from {@code offsets[i]}, in order. */
    private volatile byte[][] parts; // null once released; volatile, as release() may come from another thread
    private final int[] offsets;
    private final int[] lengths;
    private final Path file;
    private final long length;

    private Payload(byte[][] parts, int[] offsets, int[] lengths, Path file, long length) {
        this.parts = parts;
        this.offsets = offsets;
        this.lengths = lengths;
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
        return new Payload(new byte[][] {bytes}, new int[] {offset}, new int[] {length}, null, length);
    }

    /** {@code head} followed by all of {@code body}, neither copied. */
    static Payload of(byte[] head, byte[] body) {
        return new Payload(new byte[][] {head, body}, new int[2], new int[] {head.length, body.length}, null,
                (long) head.length + body.length);
    }

    /** The first {@code lengths[i]} bytes of each of {@code parts}, in order, none copied. */
    static Payload ofParts(byte[][] parts, int[] lengths) {
        long length = 0;
        for (int i = 0; i < parts.length; i++) {
            if (lengths[i] < 0 || lengths[i] > parts[i].length) {
                throw new IndexOutOfBoundsException("length " + lengths[i] + " in " + parts[i].length + " bytes");
            }
            length += lengths[i];
        }
        return new Payload(parts, new int[parts.length], lengths, null, length);
    }

    /** A payload already written to {@code file}, {@code length} bytes long. */
    public static Payload inFile(Path file, long length) {
        return new Payload(null, null, null, file, length);
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
     * Hands the in-memory bytes to {@code sink}, in order, one call per part (one, or a few for a large value),
     * without copying them.
     *
     * @throws IllegalStateException when the payload is in a file or was released
     */
    public <E extends Exception> void writeTo(ByteSink<E> sink) throws E {
        byte[][] arrays = parts();
        for (int i = 0; i < arrays.length; i++) {
            if (lengths[i] > 0 || arrays.length == 1) {
                sink.write(arrays[i], offsets[i], lengths[i]);
            }
        }
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
        byte[][] arrays = parts();
        if (arrays.length == 1) {
            return Arrays.copyOfRange(arrays[0], offsets[0], offsets[0] + lengths[0]);
        }
        byte[] copy = new byte[Math.toIntExact(length)];
        int at = 0;
        for (int i = 0; i < arrays.length; i++) {
            System.arraycopy(arrays[i], offsets[i], copy, at, lengths[i]);
            at += lengths[i];
        }
        return copy;
    }

    /** A stream over the bytes; may be opened once. */
    public InputStream openStream() {
        if (file == null) {
            byte[][] arrays = parts();
            List<InputStream> streams = new ArrayList<>(arrays.length);
            for (int i = 0; i < arrays.length; i++) {
                streams.add(new ByteArrayInputStream(arrays[i], offsets[i], lengths[i]));
            }
            return streams.size() == 1 ? streams.get(0) : new SequenceInputStream(Collections.enumeration(streams));
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
            parts = null;
        } else {
            try {
                Files.deleteIfExists(file);
            } catch (IOException ignored) {
                // the whole channel folder is deleted with its worker
            }
        }
    }

    // ------------------------------------------------------------------ for the codec

    /** The in-memory bytes, for reading in place when they are one slice; null when they are in several parts. */
    ByteArrayBuffer readableOrNull() {
        byte[][] arrays = parts();
        return arrays.length == 1 ? ByteArrayBuffer.wrap(arrays[0], offsets[0], lengths[0]) : null;
    }

    /**
     * The second part copied, when the payload is two parts and the first is exactly {@code head} (how
     * {@link TaskCodec} makes a large {@code byte[]}); null otherwise.
     */
    byte[] copyOfSecondPartAfter(byte[] head) {
        byte[][] arrays = parts();
        if (arrays.length != 2 || !Arrays.equals(arrays[0], offsets[0], offsets[0] + lengths[0], head, 0, head.length)) {
            return null;
        }
        return Arrays.copyOfRange(arrays[1], offsets[1], offsets[1] + lengths[1]);
    }

    /** The first {@code count} in-memory bytes (fewer when there are fewer). */
    byte[] firstBytes(int count) {
        byte[] first = new byte[(int) Math.min(count, length)];
        byte[][] arrays = parts();
        int at = 0;
        for (int i = 0; i < arrays.length && at < first.length; i++) {
            int n = Math.min(lengths[i], first.length - at);
            System.arraycopy(arrays[i], offsets[i], first, at, n);
            at += n;
        }
        return first;
    }

    private byte[][] parts() {
        if (file != null) {
            throw new IllegalStateException(this + " is in a file, not in memory");
        }
        byte[][] arrays = parts;
        if (arrays == null) {
            throw new IllegalStateException(this + " was already released");
        }
        return arrays;
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
