package dev.procpool.internal.ipc.codec;

import java.io.IOException;
import java.io.InputStream;
import java.io.InvalidClassException;
import java.io.ObjectInputFilter;
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

    /**
     * Reads one object from {@code in}, resolving its classes through {@code loader}, held to the limits of the
     * decode under way on this thread ({@link TaskCodec#filterForThisThread}); a JVM-wide filter the user set
     * ({@code jdk.serialFilter}) still applies.
     *
     * @throws DeserializationLimitException when the value goes over a limit
     */
    static Object readObject(InputStream in, ClassLoader loader) throws IOException, ClassNotFoundException {
        DeserializationLimits.Filter filter = TaskCodec.filterForThisThread();
        try (ObjectInputStream objects = new LoaderObjectInputStream(in, loader)) {
            ObjectInputFilter userFilter = objects.getObjectInputFilter();
            objects.setObjectInputFilter(userFilter == null ? filter : ObjectInputFilter.merge(filter, userFilter));
            return objects.readObject();
        } catch (InvalidClassException e) {
            if (filter.refusal() != null) {
                DeserializationLimitException refused = new DeserializationLimitException(
                        "a value was refused while being read: " + filter.refusal());
                refused.initCause(e);
                throw refused;
            }
            throw e;
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
