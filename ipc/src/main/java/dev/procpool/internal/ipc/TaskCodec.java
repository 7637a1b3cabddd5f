package dev.procpool.internal.ipc;

import io.netty.buffer.ByteBuf;
import io.netty.buffer.ByteBufInputStream;
import io.netty.buffer.ByteBufOutputStream;
import io.netty.buffer.ByteBufUtil;
import io.netty.buffer.Unpooled;

import java.io.IOException;
import java.io.InputStream;
import java.io.InvalidClassException;
import java.io.ObjectInputStream;
import java.io.ObjectOutputStream;
import java.io.ObjectStreamClass;
import java.io.Serializable;
import java.io.StreamCorruptedException;
import java.lang.invoke.SerializedLambda;
import java.lang.invoke.MethodHandle;
import java.lang.invoke.MethodHandles;
import java.lang.invoke.MethodType;
import java.lang.reflect.Method;
import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;
import java.util.concurrent.ConcurrentHashMap;

/**
 * How tasks, results and exceptions become bytes. JDK serialization writes every class descriptor in full on
 * every call (a trivial lambda costs about 600 bytes and most of a submit's time), so the common shapes get a
 * compact tagged form, and everything else is JDK-serialized:
 * <pre>
 *   +-------+---------------------------------------------------------------+
 *   | tag:1 | body                                                          |
 *   +-------+---------------------------------------------------------------+
 *   NULL, TRUE, FALSE: empty         INT: 4 bytes     LONG, DOUBLE: 8 bytes
 *   STRING, BYTES: length:4 | bytes (UTF-8 for strings)
 *   LIST:   size:4 | each element as a tagged value (an ArrayList of simple values only)
 *   LAMBDA: eight UTF-8 strings and implMethodKind:4 (the fields of {@link SerializedLambda}), then the
 *           captured arguments as a LIST, or one JAVA value holding the Object[] when any is not simple
 *   MAP:    a {@link MapBatch}: its function, then its inputs, each as a tagged value
 *   JAVA:   a JDK serialization stream of the value
 * </pre>
 * A lambda is rebuilt the way the JDK rebuilds it, through its capturing class's {@code $deserializeLambda$},
 * so only lambdas the JDK could deserialize come back. Values inside a LIST or LAMBDA are simple, or the whole
 * list or argument array goes through one JDK stream, which keeps object identity among them. Thread-safe.
 */
public final class TaskCodec {
    static final byte NULL = 0;
    static final byte TRUE = 1;
    static final byte FALSE = 2;
    static final byte INT = 3;
    static final byte LONG = 4;
    static final byte DOUBLE = 5;
    static final byte STRING = 6;
    static final byte BYTES = 7;
    static final byte LIST = 8;
    static final byte LAMBDA = 9;
    static final byte JAVA = 10;
    static final byte MAP = 11;

    /** Scratch buffers above this size are handed over instead of copied, and not kept. */
    private static final int KEEP_SCRATCH_BYTES = 64 << 10;
    private static final ThreadLocal<ByteBuf> SCRATCH = ThreadLocal.withInitial(() -> Unpooled.buffer(4096));
    /** A ClassValue, not a map keyed by class: it does not keep the user's classes (and their loader) alive. */
    private static final ClassValue<LambdaWriter> LAMBDA_WRITERS = new ClassValue<>() {
        @Override
        protected LambdaWriter computeValue(Class<?> type) {
            return LambdaWriter.of(type);
        }
    };
    /** The strings a lambda is written with: capturing class through instantiated method type. */
    private static final int LAMBDA_NAMES = 8;
    private static final int MAX_LAMBDA_SHAPES = 4096;
    private static final ConcurrentHashMap<LambdaShape.Key, LambdaShape> LAMBDA_SHAPES = new ConcurrentHashMap<>();
    /** The shape read last: a run of tasks from one call site then needs no lookup (compared in place). */
    private static volatile LambdaShape lastLambdaShape;

    private TaskCodec() {
    }

    /**
     * Encodes {@code value}. The payload owns an exact-size heap buffer (garbage-collected, so no thread needs
     * to release it to a pool).
     *
     * @throws java.io.NotSerializableException and other IOExceptions when the value cannot be serialized
     */
    public static Payload encode(Object value) throws IOException {
        if (value instanceof byte[] bytes && bytes.length > KEEP_SCRATCH_BYTES) {
            // large arrays are not copied here: the header and the array itself, as one buffer
            ByteBuf header = Unpooled.buffer(5).writeByte(BYTES).writeInt(bytes.length);
            return Payload.of(Unpooled.wrappedBuffer(header, Unpooled.wrappedBuffer(bytes)));
        }
        ByteBuf scratch = SCRATCH.get();
        scratch.clear();
        try {
            write(value, scratch);
        } catch (IOException | RuntimeException | Error e) {
            dropLargeScratch(scratch);
            throw e;
        }
        if (scratch.readableBytes() > KEEP_SCRATCH_BYTES) {
            SCRATCH.remove();
            return Payload.of(scratch);
        }
        byte[] exact = new byte[scratch.readableBytes()];
        scratch.getBytes(0, exact);
        return Payload.of(Unpooled.wrappedBuffer(exact));
    }

    /** {@link #encode}, as a plain array. */
    public static byte[] encodeToArray(Object value) throws IOException {
        ByteBuf bytes = encode(value).bufferOrNull();
        byte[] array = new byte[bytes.readableBytes()];
        bytes.getBytes(bytes.readerIndex(), array);
        return array;
    }

    private static void dropLargeScratch(ByteBuf scratch) {
        if (scratch.capacity() > KEEP_SCRATCH_BYTES) {
            SCRATCH.remove();
        }
    }

    /** Decodes one value, resolving classes through {@code loader}. Does not release the payload. */
    public static Object decode(Payload payload, ClassLoader loader) throws IOException, ClassNotFoundException {
        ByteBuf buffer = payload.bufferOrNull();
        if (buffer != null) {
            return read(buffer.duplicate(), loader);
        }
        if (payload.length() > 5 && peekTag(payload) == BYTES) { // out of band: read straight into the array
            return payload.readBytesAfter(5);
        }
        // out of band, any other shape: decode straight from a mapping of the file (values copy what they keep)
        java.nio.MappedByteBuffer mapped = payload.map();
        try {
            return read(Unpooled.wrappedBuffer(mapped), loader);
        } finally {
            Unmapper.unmap(mapped);
        }
    }

    private static int peekTag(Payload payload) throws IOException {
        try (InputStream in = payload.openStream()) {
            return in.read();
        }
    }

    // ------------------------------------------------------------------ writing

    private static void write(Object value, ByteBuf out) throws IOException {
        if (writeSimple(value, out)) {
            return;
        }
        if (value instanceof Serializable && value.getClass().isSynthetic()) {
            LambdaWriter writer = LAMBDA_WRITERS.get(value.getClass());
            SerializedLambda lambda = writer.serializedLambda(value);
            if (lambda != null) {
                writeLambda(writer, lambda, out);
                return;
            }
        }
        if (value instanceof MapBatch batch) {
            out.writeByte(MAP);
            write(batch.function(), out);
            write(batch.inputs(), out);
            return;
        }
        if (value instanceof ArrayList<?> list && allSimple(list)) {
            out.writeByte(LIST);
            out.writeInt(list.size());
            for (Object element : list) {
                writeSimple(element, out);
            }
            return;
        }
        writeJava(value, out);
    }

    /** Writes values of the simple kinds; false for anything else. */
    private static boolean writeSimple(Object value, ByteBuf out) {
        if (value == null) {
            out.writeByte(NULL);
        } else if (value instanceof Integer i) {
            out.writeByte(INT).writeInt(i);
        } else if (value instanceof Long l) {
            out.writeByte(LONG).writeLong(l);
        } else if (value instanceof Double d) {
            out.writeByte(DOUBLE).writeDouble(d);
        } else if (value instanceof Boolean b) {
            out.writeByte(b ? TRUE : FALSE);
        } else if (value instanceof String s) {
            out.writeByte(STRING);
            writeUtf8(s, out);
        } else if (value instanceof byte[] bytes) {
            out.ensureWritable(bytes.length + 5); // one growth, not a doubling per step
            out.writeByte(BYTES).writeInt(bytes.length).writeBytes(bytes);
        } else {
            return false;
        }
        return true;
    }

    private static boolean isSimple(Object value) {
        return value == null || value instanceof Integer || value instanceof Long || value instanceof Double
                || value instanceof Boolean || value instanceof String || value instanceof byte[];
    }

    private static boolean allSimple(List<?> values) {
        for (Object value : values) {
            if (!isSimple(value)) {
                return false;
            }
        }
        return true;
    }

    private static void writeLambda(LambdaWriter writer, SerializedLambda lambda, ByteBuf out) throws IOException {
        out.writeBytes(writer.header(lambda));
        Object[] captured = new Object[lambda.getCapturedArgCount()];
        for (int i = 0; i < captured.length; i++) {
            captured[i] = lambda.getCapturedArg(i);
        }
        boolean simple = true;
        for (Object arg : captured) {
            simple &= isSimple(arg);
        }
        if (simple) {
            out.writeByte(LIST);
            out.writeInt(captured.length);
            for (Object arg : captured) {
                writeSimple(arg, out);
            }
        } else {
            writeJava(captured, out);
        }
    }

    private static void writeJava(Object value, ByteBuf out) throws IOException {
        out.writeByte(JAVA);
        try (ObjectOutputStream objects = new ObjectOutputStream(new ByteBufOutputStream(out))) {
            objects.writeObject(value);
        }
    }

    /**
     * How one lambda class is written: its {@code writeReplace} (a method handle; through {@code Method.invoke}
     * a hidden class's method always takes the slow native path) and, once known, the encoded part that all its
     * instances share (the tag, the eight names and signatures, and the method kind). Only the captured
     * arguments differ from one instance to the next.
     */
    private static final class LambdaWriter {
        private static final LambdaWriter NONE = new LambdaWriter(null);
        private final MethodHandle writeReplace;
        private volatile byte[] header;

        private LambdaWriter(MethodHandle writeReplace) {
            this.writeReplace = writeReplace;
        }

        static LambdaWriter of(Class<?> type) {
            try {
                Method method = type.getDeclaredMethod("writeReplace");
                method.setAccessible(true);
                return new LambdaWriter(MethodHandles.lookup().unreflect(method).asType(MethodType.methodType(Object.class, Object.class)));
            } catch (ReflectiveOperationException | RuntimeException e) {
                return NONE; // e.g. a lambda in a named module that does not open its package
            }
        }

        /** The lambda's own description, as the JDK would serialize it; null when it cannot be had. */
        SerializedLambda serializedLambda(Object lambda) {
            if (writeReplace == null) {
                return null;
            }
            try {
                Object replacement = writeReplace.invokeExact(lambda);
                return replacement instanceof SerializedLambda serialized ? serialized : null;
            } catch (Throwable e) {
                return null;
            }
        }

        byte[] header(SerializedLambda lambda) {
            byte[] bytes = header;
            if (bytes == null) { // a race computes the same bytes twice
                ByteBuf out = Unpooled.buffer(256);
                out.writeByte(LAMBDA);
                writeUtf8(lambda.getCapturingClass(), out);
                writeUtf8(lambda.getFunctionalInterfaceClass(), out);
                writeUtf8(lambda.getFunctionalInterfaceMethodName(), out);
                writeUtf8(lambda.getFunctionalInterfaceMethodSignature(), out);
                writeUtf8(lambda.getImplClass(), out);
                writeUtf8(lambda.getImplMethodName(), out);
                writeUtf8(lambda.getImplMethodSignature(), out);
                writeUtf8(lambda.getInstantiatedMethodType(), out);
                out.writeInt(lambda.getImplMethodKind());
                bytes = new byte[out.readableBytes()];
                out.readBytes(bytes);
                header = bytes;
            }
            return bytes;
        }
    }

    private static void writeUtf8(String s, ByteBuf out) {
        byte[] bytes = s.getBytes(StandardCharsets.UTF_8);
        out.writeInt(bytes.length).writeBytes(bytes);
    }

    // ------------------------------------------------------------------ reading

    private static Object read(ByteBuf in, ClassLoader loader) throws IOException, ClassNotFoundException {
        byte tag = in.readByte();
        switch (tag) {
            case LAMBDA:
                return readLambda(in, loader);
            case LIST: {
                int size = in.readInt();
                ArrayList<Object> list = new ArrayList<>(size);
                for (int i = 0; i < size; i++) {
                    list.add(read(in, loader));
                }
                return list;
            }
            case JAVA:
                return readJava(new ByteBufInputStream(in), loader);
            case MAP: {
                @SuppressWarnings("unchecked")
                java.util.function.Function<Object, Object> function = (java.util.function.Function<Object, Object>) read(in, loader);
                @SuppressWarnings("unchecked")
                ArrayList<Object> inputs = (ArrayList<Object>) read(in, loader);
                return new MapBatch(function, inputs);
            }
            default:
                return readSimple(tag, in);
        }
    }

    private static Object readSimple(byte tag, ByteBuf in) throws IOException {
        switch (tag) {
            case NULL:
                return null;
            case TRUE:
                return Boolean.TRUE;
            case FALSE:
                return Boolean.FALSE;
            case INT:
                return in.readInt();
            case LONG:
                return in.readLong();
            case DOUBLE:
                return in.readDouble();
            case STRING:
                return readUtf8(in);
            case BYTES: {
                byte[] bytes = new byte[in.readInt()];
                in.readBytes(bytes);
                return bytes;
            }
            default:
                throw new StreamCorruptedException("unknown value tag " + tag);
        }
    }

    private static Object readLambda(ByteBuf in, ClassLoader loader) throws IOException, ClassNotFoundException {
        int start = in.readerIndex();
        for (int i = 0; i < LAMBDA_NAMES; i++) {
            in.skipBytes(in.readInt());
        }
        in.skipBytes(Integer.BYTES); // the method kind
        int length = in.readerIndex() - start;
        LambdaShape shape = lastLambdaShape;
        if (shape == null || shape.key().loader() != loader || shape.key().header().length != length
                || !ByteBufUtil.equals(in, start, shape.encoded(), 0, length)) {
            byte[] header = new byte[length];
            in.getBytes(start, header);
            LambdaShape.Key key = new LambdaShape.Key(loader, header);
            shape = LAMBDA_SHAPES.get(key);
            if (shape == null) {
                shape = LambdaShape.decode(key);
                if (LAMBDA_SHAPES.size() >= MAX_LAMBDA_SHAPES) {
                    LAMBDA_SHAPES.clear(); // a bound, not an eviction policy: a program has few lambda call sites
                }
                LAMBDA_SHAPES.put(key, shape);
            }
            lastLambdaShape = shape;
        }
        Object args = read(in, loader);
        Object[] captured = args instanceof Object[] array ? array : ((List<?>) args).toArray();
        return shape.rebuild(captured, loader);
    }

    /**
     * What all instances of one lambda call site share, decoded once per class loader: the names for its
     * {@link SerializedLambda}, the capturing class, and that class's {@code $deserializeLambda$} as a method
     * handle (null when it cannot be had: the JDK then resolves the lambda with the access it has).
     * {@code encoded} wraps the key's header, read only with absolute indices, to compare messages in place.
     */
    private record LambdaShape(Key key, ByteBuf encoded, Class<?> capturing, String functionalInterfaceClass,
                               String functionalInterfaceMethodName, String functionalInterfaceMethodSignature,
                               int implMethodKind, String implClass, String implMethodName,
                               String implMethodSignature, String instantiatedMethodType,
                               MethodHandle deserialize) {

        /** The encoded names and method kind, and the loader they were resolved with (by identity). */
        record Key(ClassLoader loader, byte[] header) {
            @Override
            public boolean equals(Object other) {
                return other instanceof Key key && key.loader == loader && Arrays.equals(key.header, header);
            }

            @Override
            public int hashCode() {
                return 31 * System.identityHashCode(loader) + Arrays.hashCode(header);
            }
        }

        static LambdaShape decode(Key key) throws ClassNotFoundException {
            ByteBuf in = Unpooled.wrappedBuffer(key.header);
            ClassLoader loader = key.loader;
            String capturingClass = readUtf8(in);
            String functionalInterfaceClass = readUtf8(in);
            String functionalInterfaceMethodName = readUtf8(in);
            String functionalInterfaceMethodSignature = readUtf8(in);
            String implClass = readUtf8(in);
            String implMethodName = readUtf8(in);
            String implMethodSignature = readUtf8(in);
            String instantiatedMethodType = readUtf8(in);
            int implMethodKind = in.readInt();
            Class<?> capturing = Class.forName(capturingClass.replace('/', '.'), false, loader);
            MethodHandle deserialize;
            try {
                Method method = capturing.getDeclaredMethod("$deserializeLambda$", SerializedLambda.class);
                method.setAccessible(true);
                deserialize = MethodHandles.lookup().unreflect(method)
                        .asType(MethodType.methodType(Object.class, SerializedLambda.class));
            } catch (ReflectiveOperationException | RuntimeException e) {
                deserialize = null;
            }
            return new LambdaShape(key, Unpooled.wrappedBuffer(key.header), capturing, functionalInterfaceClass, functionalInterfaceMethodName,
                    functionalInterfaceMethodSignature, implMethodKind, implClass, implMethodName,
                    implMethodSignature, instantiatedMethodType, deserialize);
        }

        Object rebuild(Object[] captured, ClassLoader loader) throws IOException, ClassNotFoundException {
            SerializedLambda lambda = new SerializedLambda(capturing, functionalInterfaceClass,
                    functionalInterfaceMethodName, functionalInterfaceMethodSignature, implMethodKind, implClass,
                    implMethodName, implMethodSignature, instantiatedMethodType, captured);
            if (deserialize == null) {
                return viaJdk(lambda, loader);
            }
            try {
                return (Object) deserialize.invokeExact(lambda);
            } catch (Throwable e) { // as Method.invoke's InvocationTargetException was before: any throwable
                InvalidClassException failure = new InvalidClassException(capturing.getName(),
                        "cannot rebuild lambda " + implClass + "." + implMethodName + ": " + e);
                failure.initCause(e);
                throw failure;
            }
        }
    }

    private static Object viaJdk(SerializedLambda lambda, ClassLoader loader) throws IOException, ClassNotFoundException {
        ByteBuf bytes = Unpooled.buffer();
        writeJava(lambda, bytes);
        bytes.readByte();
        return readJava(new ByteBufInputStream(bytes), loader);
    }

    private static Object readJava(InputStream in, ClassLoader loader) throws IOException, ClassNotFoundException {
        try (ObjectInputStream objects = new LoaderObjectInputStream(in, loader)) {
            return objects.readObject();
        }
    }

    private static String readUtf8(ByteBuf in) {
        int length = in.readInt();
        String s = in.toString(in.readerIndex(), length, StandardCharsets.UTF_8);
        in.skipBytes(length);
        return s;
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
