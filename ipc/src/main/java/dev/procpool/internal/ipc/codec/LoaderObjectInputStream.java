package dev.procpool.internal.ipc.codec;

import java.io.IOException;
import java.io.InputStream;
import java.io.ObjectInputStream;
import java.io.ObjectStreamClass;

/**
 * A JDK object stream that resolves classes through a given loader first (a task's classes are the caller's,
 * not the codec's), then as the JDK would. Used by the decoding thread, one stream per value.
 */
final class LoaderObjectInputStream extends ObjectInputStream {
    private final ClassLoader loader;

    LoaderObjectInputStream(InputStream in, ClassLoader loader) throws IOException {
        super(in);
        this.loader = loader;
    }

    /** Reads one object from {@code in}, resolving its classes through {@code loader}. */
    static Object readObject(InputStream in, ClassLoader loader) throws IOException, ClassNotFoundException {
        try (ObjectInputStream objects = new LoaderObjectInputStream(in, loader)) {
            return objects.readObject();
        }
    }

    @Override
    protected Class<?> resolveClass(ObjectStreamClass desc) throws IOException, ClassNotFoundException {
        try {
            return Class.forName(desc.getName(), false, loader);
        } catch (ClassNotFoundException e) {
            try {
                return super.resolveClass(desc);
            } catch (ClassNotFoundException again) {
                throw e; // the loader's own message says where it looked (a shipped class's says why it is missing)
            }
        }
    }
}
