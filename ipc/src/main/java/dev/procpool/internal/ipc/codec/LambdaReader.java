package dev.procpool.internal.ipc.codec;

import java.io.IOException;
import java.lang.ref.WeakReference;
import java.util.Arrays;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.WeakHashMap;
import java.util.concurrent.ConcurrentHashMap;

/**
 * Reads a LAMBDA value (see {@link ValueFormat}) and rebuilds the lambda, decoding each call site's names only
 * once. Nothing here keeps a class loader or a user's class alive:
 * <ul>
 *   <li>a {@link LambdaShape} lives in a {@link ClassValue} of its capturing class, so it goes with that class;
 *   <li>which shape a header means for a given loader (the loader resolves the capturing class) is kept in a
 *       {@link WeakHashMap} keyed by the loader, whose values refer to shapes only weakly;
 *   <li>the shape read last, which lets a run of tasks from one call site skip every lookup, is held weakly
 *       with the loader it was read for.
 * </ul>
 * Thread-safe: the loader map is guarded by its own lock, taken only when the last shape does not match.
 */
final class LambdaReader {
    /** The strings a lambda is written with: capturing class through instantiated method type. */
    private static final int LAMBDA_NAMES = 8;
    /** A bound per loader, not an eviction policy: a program has few lambda call sites. */
    private static final int MAX_SHAPES_PER_LOADER = 4096;

    private static final ClassValue<Map<Header, LambdaShape>> SHAPES_OF_CLASS = new ClassValue<>() {
        @Override
        protected Map<Header, LambdaShape> computeValue(Class<?> capturing) {
            return new ConcurrentHashMap<>();
        }
    };
    /** Guarded by itself. */
    private static final WeakHashMap<ClassLoader, Map<Header, WeakReference<LambdaShape>>> SHAPES_FOR_LOADER =
            new WeakHashMap<>();
    private static volatile Last last;

    private LambdaReader() {
    }

    /** The shape read last and the loader it was read for, both weakly. */
    private record Last(WeakReference<ClassLoader> loader, WeakReference<LambdaShape> shape) {
    }

    /** An encoded header as a map key, compared by content. */
    private record Header(byte[] bytes) {
        @Override
        public boolean equals(Object other) {
            return other instanceof Header header && Arrays.equals(header.bytes, bytes);
        }

        @Override
        public int hashCode() {
            return Arrays.hashCode(bytes);
        }
    }

    /** Reads a lambda's names, method kind and captured arguments (the tag already read) and rebuilds it. */
    static Object read(ByteArrayBuffer in, ClassLoader loader) throws IOException, ClassNotFoundException {
        return read(in, loader, 0);
    }

    /** {@link #read(ByteArrayBuffer, ClassLoader)} of a lambda captured by {@code depth} others in a chain. */
    static Object read(ByteArrayBuffer in, ClassLoader loader, int depth) throws IOException, ClassNotFoundException {
        int start = in.readerIndex();
        for (int i = 0; i < LAMBDA_NAMES; i++) {
            in.skipBytes(in.readInt());
        }
        in.skipBytes(Integer.BYTES); // the method kind
        int length = in.readerIndex() - start;
        LambdaShape shape = lastShape(in, start, length, loader);
        if (shape == null) {
            byte[] header = new byte[length];
            System.arraycopy(in.array(), start, header, 0, length);
            shape = lookUp(new Header(header), loader);
            last = new Last(new WeakReference<>(loader), new WeakReference<>(shape));
        }
        Object args = ValueFormat.readCaptured(in, loader, depth);
        if (!(args instanceof Object[]) && !(args instanceof List<?>)) {
            throw new java.io.StreamCorruptedException("a lambda's captured arguments are "
                    + (args == null ? "null" : "a " + args.getClass().getName()));
        }
        Object[] captured = args instanceof Object[] array ? array : ((List<?>) args).toArray();
        return shape.rebuild(captured, loader);
    }

    /** The shape read last, when it was read for {@code loader} from the same header; else null. */
    private static LambdaShape lastShape(ByteArrayBuffer in, int start, int length, ClassLoader loader) {
        Last remembered = last;
        if (remembered == null || loader == null || remembered.loader.get() != loader) {
            return null; // the bootstrap loader (null) could not be told from a collected one
        }
        LambdaShape shape = remembered.shape.get();
        return shape != null && shape.header().length == length && in.regionEquals(start, shape.header(), length)
                ? shape : null;
    }

    private static LambdaShape lookUp(Header header, ClassLoader loader) throws ClassNotFoundException {
        synchronized (SHAPES_FOR_LOADER) {
            Map<Header, WeakReference<LambdaShape>> known = SHAPES_FOR_LOADER.get(loader);
            WeakReference<LambdaShape> reference = known == null ? null : known.get(header);
            LambdaShape shape = reference == null ? null : reference.get();
            if (shape != null) {
                return shape;
            }
        }
        // outside the lock: resolving a class may load it, and run code of the user's loader
        Class<?> capturing = Class.forName(LambdaShape.capturingClassName(header.bytes()), false, loader);
        LambdaShape shape = SHAPES_OF_CLASS.get(capturing)
                .computeIfAbsent(header, h -> LambdaShape.decode(h.bytes(), capturing));
        synchronized (SHAPES_FOR_LOADER) {
            Map<Header, WeakReference<LambdaShape>> known = SHAPES_FOR_LOADER.computeIfAbsent(loader, l -> new HashMap<>());
            if (known.size() >= MAX_SHAPES_PER_LOADER) {
                known.clear();
            }
            known.put(header, new WeakReference<>(shape));
        }
        return shape;
    }
}
