package dev.procpool.internal.ipc.codec;

import java.io.BufferedInputStream;
import java.io.IOException;
import java.io.InputStream;
import java.io.StreamCorruptedException;
import java.nio.channels.FileChannel;

/**
 * How tasks, results and exceptions become {@link Payload}s and back, in the tagged format of
 * {@link ValueFormat}. This class only manages buffers: a per-thread scratch buffer for encoding, an array of
 * the exact size per payload, and the shortcuts for large byte arrays and out-of-band files. Thread-safe.
 */
public final class TaskCodec {
    /** Scratch buffers above this size are handed over instead of copied, and not kept. */
    private static final int KEEP_SCRATCH_BYTES = 64 << 10;
    private static final int OUT_OF_BAND_READ_BUFFER = 64 << 10;
    private static final ThreadLocal<ByteArrayBuffer> SCRATCH = ThreadLocal.withInitial(() -> new ByteArrayBuffer(4096));
    /**
     * The limits and length of the payload this thread decodes now, read by every object stream the decode
     * opens (a value may hold several: captured arguments, a batch's inputs). A thread-local instead of a
     * parameter through every reader: a decode runs on one thread from start to end.
     */
    private static final ThreadLocal<DeserializationLimits.Filter> DECODING = new ThreadLocal<>();

    private TaskCodec() {
    }

    /**
     * Encodes {@code value}. The payload owns an exact-size heap array (garbage-collected, so no thread needs to
     * release it to a pool); a large {@code byte[]} is not copied, the payload refers to it.
     *
     * @throws java.io.NotSerializableException and other IOExceptions when the value cannot be serialized
     */
    public static Payload encode(Object value) throws IOException {
        return encode(value, ClassLoaderTable.NONE);
    }

    /**
     * Encodes {@code value} as {@link #encode(Object)} does; when its classes come from a loader {@code loaders}
     * numbers (the loader that sees all of them), the payload begins with that number, and the other side reads
     * the value with its loader for it.
     *
     * @throws java.io.NotSerializableException and other IOExceptions when the value cannot be serialized
     */
    public static Payload encode(Object value, ClassLoaderTable loaders) throws IOException {
        if (value instanceof byte[] bytes && bytes.length > KEEP_SCRATCH_BYTES) {
            byte[] header = new ByteArrayBuffer(ValueFormat.BYTES_HEADER_LENGTH)
                    .writeByte(ValueFormat.BYTES).writeInt(bytes.length).toByteArray();
            return Payload.of(header, bytes);
        }
        ByteArrayBuffer scratch = SCRATCH.get();
        scratch.clear();
        LoaderCollector collector = loaders == ClassLoaderTable.NONE ? null : new LoaderCollector();
        try {
            ValueFormat.write(value, scratch, collector);
        } catch (IOException | RuntimeException | Error e) {
            dropLargeScratch(scratch);
            throw e;
        }
        ClassLoader home = collector == null ? null : collector.mostSpecific();
        long loaderId = home == null ? 0 : loaders.idOf(home);
        if (loaderId != 0) {
            byte[] header = new ByteArrayBuffer(ValueFormat.LOADER_HEADER_LENGTH)
                    .writeByte(ValueFormat.LOADER).writeLong(loaderId).toByteArray();
            if (scratch.readableBytes() > KEEP_SCRATCH_BYTES) {
                SCRATCH.remove();
                return scratch.toPayload(header); // handed over, not copied
            }
            return Payload.of(header, scratch.toByteArray());
        }
        if (scratch.readableBytes() > KEEP_SCRATCH_BYTES) {
            SCRATCH.remove();
            return scratch.toPayload(null); // handed over, not copied
        }
        return Payload.of(scratch.toByteArray());
    }

    /** {@link #encode}, as a plain array. */
    public static byte[] encodeToArray(Object value) throws IOException {
        return encode(value).toByteArray();
    }

    private static void dropLargeScratch(ByteArrayBuffer scratch) {
        // the written bytes too: after a failure, parts kept for a large value must not wait for the next encode
        if (scratch.capacity() > KEEP_SCRATCH_BYTES || scratch.readableBytes() > KEEP_SCRATCH_BYTES) {
            SCRATCH.remove();
        }
    }

    /** {@link #decode(Payload, ClassLoader, ClassLoaderTable, DeserializationLimits)} with the default limits. */
    public static Object decode(Payload payload, ClassLoader loader) throws IOException, ClassNotFoundException {
        return decode(payload, loader, ClassLoaderTable.NONE, DeserializationLimits.DEFAULT);
    }

    /** {@link #decode(Payload, ClassLoader, ClassLoaderTable, DeserializationLimits)} with the default limits. */
    public static Object decode(Payload payload, ClassLoader loader, ClassLoaderTable loaders)
            throws IOException, ClassNotFoundException {
        return decode(payload, loader, loaders, DeserializationLimits.DEFAULT);
    }

    /** {@link #decode(Payload, ClassLoader, ClassLoaderTable, DeserializationLimits)} with no loader numbers. */
    public static Object decode(Payload payload, ClassLoader loader, DeserializationLimits limits)
            throws IOException, ClassNotFoundException {
        return decode(payload, loader, ClassLoaderTable.NONE, limits);
    }

    /**
     * Decodes one value, resolving classes through {@code loader} (or, when the payload names a loader number,
     * through the loader {@code loaders} keeps for it), every object stream in it held to
     * {@code limits}. Does not release the payload. Bytes that are not a value this codec wrote fail with an
     * {@link IOException} (a {@link StreamCorruptedException} for a malformed value, a
     * {@link DeserializationLimitException} for one over a limit), never a runtime exception: one thrown while
     * reading (by the codec, or by a class's own {@code readObject}) is the cause of a {@link StreamCorruptedException}.
     */
    public static Object decode(Payload payload, ClassLoader loader, ClassLoaderTable loaders,
                                DeserializationLimits limits) throws IOException, ClassNotFoundException {
        DeserializationLimits.Filter outer = DECODING.get();
        DECODING.set(limits.filter(payload.length()));
        try {
            return decodeValue(payload, loader, loaders);
        } catch (RuntimeException e) {
            // the codec's own parsing (bounds, casts) or a class's readObject rejecting what it was given
            StreamCorruptedException corrupted = new StreamCorruptedException("a value could not be read: " + e);
            corrupted.initCause(e);
            throw corrupted;
        } finally {
            DECODING.set(outer); // a readObject may decode a value of its own
        }
    }

    /** The filter for the decode under way on this thread; default limits outside one. */
    static DeserializationLimits.Filter filterForThisThread() {
        DeserializationLimits.Filter filter = DECODING.get();
        return filter != null ? filter : DeserializationLimits.DEFAULT.filter(-1);
    }

    private static Object decodeValue(Payload payload, ClassLoader loader, ClassLoaderTable loaders)
            throws IOException, ClassNotFoundException {
        if (!payload.isInFile()) {
            ByteArrayBuffer in = payload.readableOrNull();
            if (in != null) {
                if (in.readableBytes() > 0 && in.array()[in.readerIndex()] == ValueFormat.LOADER) {
                    in.readByte();
                    loader = loaderFor(in.readLong(), loader, loaders);
                }
                return ValueFormat.read(in, loader);
            }
            long bodyLength = payload.length() - ValueFormat.BYTES_HEADER_LENGTH;
            if (bodyLength >= 0 && bodyLength <= Integer.MAX_VALUE) {
                byte[] header = new ByteArrayBuffer(ValueFormat.BYTES_HEADER_LENGTH)
                        .writeByte(ValueFormat.BYTES).writeInt((int) bodyLength).toByteArray();
                byte[] bytes = payload.copyOfSecondPartAfter(header);
                if (bytes != null) {
                    return bytes; // a large byte[] as encode made it
                }
            }
            byte[] whole = payload.toByteArray();
            return decodeValue(Payload.of(whole), loader, loaders);
        }
        try (FileChannel channel = payload.openCheckedFile()) {
            // read as it is consumed: a large byte array goes from the file straight into the array returned
            ByteArrayBuffer in = ByteArrayBuffer.overFile(channel, payload.file(), 0, payload.length());
            int start = 0;
            if (in.readableBytes() > 0 && in.peekByte() == ValueFormat.LOADER) {
                in.readByte();
                loader = loaderFor(in.readLong(), loader, loaders);
                start = ValueFormat.LOADER_HEADER_LENGTH;
            }
            if (in.readableBytes() > 0 && in.peekByte() == ValueFormat.JAVA) {
                // streamed from the file: the heap holds the objects, not their bytes too
                try (InputStream stream = new BufferedInputStream(payload.openStream(), OUT_OF_BAND_READ_BUFFER)) {
                    stream.skipNBytes(start + 1);
                    return LoaderObjectInputStream.readObject(stream, loader);
                }
            }
            return ValueFormat.read(in, loader);
        }
    }

    /** The loader number a payload begins with, 0 when it names none. */
    public static long loaderIdOf(Payload payload) throws IOException {
        byte[] head;
        if (payload.isInFile()) {
            head = payload.length() > ValueFormat.LOADER_HEADER_LENGTH
                    ? payload.readFileHead(ValueFormat.LOADER_HEADER_LENGTH) : new byte[0];
        } else {
            ByteArrayBuffer in = payload.readableOrNull();
            if (in == null) {
                head = payload.firstBytes(ValueFormat.LOADER_HEADER_LENGTH);
            } else {
                head = in.readableBytes() >= ValueFormat.LOADER_HEADER_LENGTH
                        ? java.util.Arrays.copyOfRange(in.array(), in.readerIndex(), in.readerIndex()
                        + ValueFormat.LOADER_HEADER_LENGTH) : new byte[0];
            }
        }
        if (head.length < ValueFormat.LOADER_HEADER_LENGTH || head[0] != ValueFormat.LOADER) {
            return 0;
        }
        ByteArrayBuffer header = ByteArrayBuffer.wrap(head, 1, Long.BYTES);
        return header.readLong();
    }

    private static ClassLoader loaderFor(long id, ClassLoader fallback, ClassLoaderTable loaders) {
        ClassLoader kept = loaders.loaderOf(id);
        return kept != null ? kept : fallback;
    }
}
