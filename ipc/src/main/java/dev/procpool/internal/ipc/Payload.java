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
