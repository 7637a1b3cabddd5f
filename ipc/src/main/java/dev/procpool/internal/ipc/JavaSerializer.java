package dev.procpool.internal.ipc;

import io.netty.buffer.ByteBuf;
import io.netty.buffer.ByteBufAllocator;
import io.netty.buffer.ByteBufOutputStream;
import io.netty.buffer.PooledByteBufAllocator;

import java.io.IOException;
import java.io.InputStream;
import java.io.ObjectInputStream;
import java.io.ObjectOutputStream;
import java.io.ObjectStreamClass;

/**
 * JDK serialization into pooled Netty buffers. Stateless and thread-safe; the caller owns the returned payload.
 */
public final class JavaSerializer {
    private JavaSerializer() {
    }

    /** Serializes {@code value}; on failure the buffer is released and the exception propagates. */
    public static Payload serialize(Object value) throws IOException {
        return serialize(value, PooledByteBufAllocator.DEFAULT);
    }

    /** As {@link #serialize(Object)}, into a buffer of {@code allocator}; tests use it to watch the buffer. */
    static Payload serialize(Object value, ByteBufAllocator allocator) throws IOException {
        ByteBuf buffer = allocator.heapBuffer(256);
        try (ObjectOutputStream out = new ObjectOutputStream(new ByteBufOutputStream(buffer))) {
            out.writeObject(value);
        } catch (IOException | RuntimeException | Error e) {
            buffer.release();
            throw e;
        }
        return Payload.of(buffer);
    }

    /** Reads one object, resolving classes through {@code loader}. Does not release the payload. */
    public static Object deserialize(Payload payload, ClassLoader loader) throws IOException, ClassNotFoundException {
        try (InputStream in = payload.openStream(); ObjectInputStream objects = new LoaderObjectInputStream(in, loader)) {
            return objects.readObject();
        }
    }

    private static final class LoaderObjectInputStream extends ObjectInputStream {
        private final ClassLoader loader;

        LoaderObjectInputStream(InputStream in, ClassLoader loader) throws IOException {
            super(in);
            this.loader = loader;
        }

        @Override
        protected Class<?> resolveClass(ObjectStreamClass desc) throws IOException, ClassNotFoundException {
            try {
                return Class.forName(desc.getName(), false, loader);
            } catch (ClassNotFoundException e) {
                return super.resolveClass(desc);
            }
        }
    }
}
