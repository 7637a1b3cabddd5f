package dev.procpool.internal.ipc;

import io.netty.buffer.ByteBuf;
import io.netty.buffer.ByteBufInputStream;

import java.io.IOException;
import java.io.InputStream;
import java.io.UncheckedIOException;
import java.nio.file.Files;
import java.nio.file.Path;

/**
 * The serialized bytes of a task, result or exception: held in a Netty buffer, or, when too large to travel
 * inline through a queue, in a file of its own beside the queue ({@link #inFile}). Whoever holds a payload last
 * calls {@link #release()}, which frees the buffer or deletes the file.
 */
public final class Payload {
    private final ByteBuf buffer;
    private final Path file;
    private final long length;

    private Payload(ByteBuf buffer, Path file, long length) {
        this.buffer = buffer;
        this.file = file;
        this.length = length;
    }

    /** Takes ownership of {@code buffer}'s readable bytes. */
    public static Payload of(ByteBuf buffer) {
        return new Payload(buffer, null, buffer.readableBytes());
    }

    static Payload inFile(Path file, long length) {
        return new Payload(null, file, length);
    }

    public long length() {
        return length;
    }

    boolean isInFile() {
        return file != null;
    }

    ByteBuf buffer() {
        return buffer;
    }

    /** The bytes when they are in memory; null when they are in a file. */
    public ByteBuf bufferOrNull() {
        return buffer;
    }

    Path file() {
        return file;
    }

    /** A stream over the bytes; may be opened once. */
    public InputStream openStream() {
        if (buffer != null) {
            return new ByteBufInputStream(buffer.duplicate());
        }
        try {
            return Files.newInputStream(file);
        } catch (IOException e) {
            throw new UncheckedIOException("cannot read out-of-band payload " + file, e);
        }
    }

    /** The out-of-band file, mapped read-only; unmap it with {@link Unmapper#unmap} once decoded. */
    java.nio.MappedByteBuffer map() throws IOException {
        try (java.nio.channels.FileChannel channel = java.nio.channels.FileChannel.open(file)) {
            return channel.map(java.nio.channels.FileChannel.MapMode.READ_ONLY, 0, length);
        }
    }

    /** The bytes from {@code offset} to the end, read from the file in one go into an exact-size array. */
    byte[] readBytesAfter(int offset) throws IOException {
        byte[] bytes = new byte[Math.toIntExact(length - offset)];
        try (java.nio.channels.FileChannel channel = java.nio.channels.FileChannel.open(file)) {
            java.nio.ByteBuffer target = java.nio.ByteBuffer.wrap(bytes);
            long position = offset;
            while (target.hasRemaining()) {
                int read = channel.read(target, position);
                if (read < 0) {
                    throw new java.io.EOFException("out-of-band payload " + file + " ends early");
                }
                position += read;
            }
        }
        return bytes;
    }

    /** Frees the buffer or deletes the out-of-band file. Safe to call more than once. */
    public void release() {
        if (buffer != null) {
            if (buffer.refCnt() > 0) {
                buffer.release();
            }
        } else {
            try {
                Files.deleteIfExists(file);
            } catch (IOException ignored) {
                // the whole channel folder is deleted with its worker
            }
        }
    }

    @Override
    public String toString() {
        return file == null ? "Payload[" + length + " B]" : "Payload[" + length + " B in " + file.getFileName() + "]";
    }
}
