package dev.procpool.internal.ipc.codec;

import java.io.IOException;
import java.io.ObjectOutputStream;
import java.io.Serializable;
import java.io.StreamCorruptedException;
import java.lang.invoke.SerializedLambda;
import java.util.ArrayList;
import java.util.List;
import java.util.function.Function;

/**
 * The tagged value format: how tasks, results and exceptions become bytes. JDK serialization writes every class
 * descriptor in full on every call (a trivial lambda costs about 600 bytes and most of a submit's time), so the
 * common shapes get a compact tagged form, and everything else is JDK-serialized. All integers are big-endian.
 * <pre>
 *   0       1
 *   +-------+---------------------------------------------------------------+
 *   | tag:1 | body                                                          |
 *   +-------+---------------------------------------------------------------+
 *
 *   tag                    body
 *   NULL=0, TRUE=1, FALSE=2  empty
 *   INT=3                  value:4
 *   LONG=4                 value:8
 *   DOUBLE=5               raw IEEE 754 bits:8
 *   STRING=6               length:4 | UTF-8 bytes
 *   BYTES=7                length:4 | bytes
 *   LIST=8                 size:4 | size tagged values (an ArrayList of simple values only, or captured arguments)
 *   LAMBDA=9               capturingClass | functionalInterfaceClass | functionalInterfaceMethodName |
 *                          functionalInterfaceMethodSignature | implClass | implMethodName | implMethodSignature |
 *                          instantiatedMethodType   (each length:4 | UTF-8 bytes, the fields of SerializedLambda)
 *                          | implMethodKind:4 | captured arguments: a LIST of simple values and at most one
 *                          LAMBDA, or one JAVA value holding the Object[] otherwise
 *   JAVA=10                a JDK serialization stream of the value
 *   FUNCTION_OVER_LIST=11  function as a tagged value | inputs as a tagged value (a FunctionOverList)
 *   LOADER=12              loaderId:8 | one tagged value whose classes the other side resolves through its loader
 *                          for loaderId (see ClassLoaderTable); only first in a payload, added by TaskCodec
 *   PLAIN=13               className (length:4 | UTF-8) | layout digest:4 | the fields in name order: int, short,
 *                          char and float as 4 bytes, long and double as 8, boolean and byte as 1, String and boxed
 *                          values as simple tagged values (an object of a {@link PlainClass}; see {@link PlainObjects})
 * </pre>
 * Simple values are NULL through BYTES. Values inside a LIST or LAMBDA are simple, or the whole list or argument
 * array goes through one JDK stream, which keeps object identity among them. A lambda is rebuilt the way the JDK
 * rebuilds it ({@link LambdaReader}), so only lambdas the JDK could deserialize come back. Stateless.
 */
final class ValueFormat {
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
    static final byte FUNCTION_OVER_LIST = 11;
    static final byte LOADER = 12;
    static final byte PLAIN = 13;

    /** The tag and loader id that precede a value whose classes come from a numbered loader. */
    static final int LOADER_HEADER_LENGTH = 1 + Long.BYTES;

    /** The tag and length that precede the bytes of a BYTES value. */
    static final int BYTES_HEADER_LENGTH = 1 + Integer.BYTES;
    /** The deepest the writer nests tagged values. */
    private static final int MAX_NESTING = 3;
    /**
     * The longest chain of lambdas, each captured as the one lambda of the next (a batch's wrapper around the
     * user's function, and what that function wraps), written in this format; longer chains go through a JDK
     * stream, so a reader refuses longer ones before they can overflow the stack.
     */
    static final int MAX_CAPTURED_LAMBDAS = 4;

    private ValueFormat() {
    }

    // ------------------------------------------------------------------ writing

    static void write(Object value, ByteArrayBuffer out) throws IOException {
        write(value, out, null);
    }

    /** Writes {@code value}, noting the loaders of its classes in {@code loaders} unless it is null. */
    static void write(Object value, ByteArrayBuffer out, LoaderCollector loaders) throws IOException {
        if (writeSimple(value, out)) {
            return;
        }
        if (value instanceof Serializable && value.getClass().isSynthetic()) {
            LambdaWriter writer = LambdaWriter.forClass(value.getClass());
            SerializedLambda lambda = writer.serializedLambda(value);
            if (lambda != null) {
                if (loaders != null) {
                    loaders.add(value.getClass()); // a lambda's class is defined in its capturing class's loader
                }
                writeLambda(writer, lambda, out, loaders, 0);
                return;
            }
        }
        if (value instanceof FunctionOverList batch) {
            out.writeByte(FUNCTION_OVER_LIST);
            write(batch.function(), out, loaders);
            write(batch.inputs(), out, loaders);
            return;
        }
        if (value instanceof ArrayList<?> list && allSimple(list)) {
            writeList(list, out);
            return;
        }
        PlainClass plain = PlainClass.of(value.getClass());
        if (plain != null) {
            if (loaders != null) {
                loaders.add(value.getClass());
            }
            PlainObjects.write(value, plain, out);
            return;
        }
        writeJava(value, out, loaders);
    }

    /** Writes values of the simple kinds; false for anything else. */
    static boolean writeSimple(Object value, ByteArrayBuffer out) {
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
            out.writeByte(STRING).writeUtf8(s);
        } else if (value instanceof byte[] bytes) {
            if (bytes.length < ByteArrayBuffer.SEAL_AT) {
                out.ensureWritable(bytes.length + BYTES_HEADER_LENGTH); // one growth, not a doubling per step
            } // a larger one becomes a part of its own, copied once
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

    /**
     * A LIST of simple values. Room for a list of numbers (a batch chunk's inputs or results) is made in one
     * growth: a chunk of 65,536 integers otherwise doubled the buffer seven times, copying twice its size.
     */
    private static void writeList(List<?> values, ByteArrayBuffer out) {
        long estimate = 1 + Integer.BYTES + (long) values.size() * bytesPerElement(values);
        if (estimate <= Integer.MAX_VALUE / 2) {
            out.ensureWritable((int) estimate);
        }
        out.writeByte(LIST).writeInt(values.size());
        for (Object value : values) {
            writeSimple(value, out);
        }
    }

    /** The bytes each element of {@code values} probably takes, judged by the first: a number's, else one. */
    private static int bytesPerElement(List<?> values) {
        Object first = values.isEmpty() ? null : values.get(0);
        return first instanceof Integer ? 1 + Integer.BYTES
                : first instanceof Long || first instanceof Double ? 1 + Long.BYTES : 1;
    }

    /** A LIST of simple values, from an array. */
    private static void writeList(Object[] values, ByteArrayBuffer out) {
        out.writeByte(LIST).writeInt(values.length);
        for (Object value : values) {
            writeSimple(value, out);
        }
    }

    /** {@code depth}: how many lambdas capture this one, each as the one lambda among its captured values. */
    private static void writeLambda(LambdaWriter writer, SerializedLambda lambda, ByteArrayBuffer out,
                                    LoaderCollector loaders, int depth) throws IOException {
        out.writeBytes(writer.header(lambda));
        Object[] captured = new Object[lambda.getCapturedArgCount()];
        int lambdas = 0;
        int others = 0;
        for (int i = 0; i < captured.length; i++) {
            captured[i] = lambda.getCapturedArg(i);
            if (!isSimple(captured[i])) {
                if (isLambda(captured[i])) {
                    lambdas++;
                } else {
                    others++;
                }
            }
        }
        if (others == 0 && lambdas <= 1 && depth < MAX_CAPTURED_LAMBDAS) {
            // one captured lambda (a wrapper around the user's function) travels as a LAMBDA in the LIST: through
            // a JDK stream it cost the worker about a millisecond per task; with one, no identity can be shared
            out.writeByte(LIST).writeInt(captured.length);
            for (Object value : captured) {
                if (writeSimple(value, out)) {
                    continue;
                }
                LambdaWriter inner = LambdaWriter.forClass(value.getClass());
                if (loaders != null) {
                    loaders.add(value.getClass());
                }
                writeLambda(inner, inner.serializedLambda(value), out, loaders, depth + 1);
            }
        } else {
            writeJava(captured, out, loaders);
        }
    }

    private static boolean isLambda(Object value) {
        return value instanceof Serializable && value.getClass().isSynthetic()
                && LambdaWriter.forClass(value.getClass()).serializedLambda(value) != null;
    }

    static void writeJava(Object value, ByteArrayBuffer out) throws IOException {
        writeJava(value, out, null);
    }

    private static void writeJava(Object value, ByteArrayBuffer out, LoaderCollector loaders) throws IOException {
        out.writeByte(JAVA);
        try (ObjectOutputStream objects = loaders == null ? new ObjectOutputStream(out.asOutputStream())
                : new NotingObjectOutputStream(out.asOutputStream(), loaders)) {
            objects.writeObject(value);
        }
    }

    /** Notes the loader of each class it writes a descriptor for; writes the same bytes as its parent class. */
    private static final class NotingObjectOutputStream extends ObjectOutputStream {
        private final LoaderCollector loaders;

        NotingObjectOutputStream(java.io.OutputStream out, LoaderCollector loaders) throws IOException {
            super(out);
            this.loaders = loaders;
        }

        @Override
        protected void annotateClass(Class<?> type) {
            loaders.add(type);
        }

        @Override
        protected void annotateProxyClass(Class<?> type) {
            loaders.add(type);
        }
    }

    // ------------------------------------------------------------------ reading

    static Object read(ByteArrayBuffer in, ClassLoader loader) throws IOException, ClassNotFoundException {
        return read(in, loader, 0);
    }

    /**
     * {@code nesting}: how many LIST, LAMBDA or FUNCTION_OVER_LIST values enclose this one. The writer nests at
     * most three deep (a batch's function, a lambda's captured arguments, a list of simple values), so deeper
     * bytes are corrupted or forged, and are refused before they can overflow the stack.
     */
    private static Object read(ByteArrayBuffer in, ClassLoader loader, int nesting) throws IOException, ClassNotFoundException {
        if (nesting > MAX_NESTING) {
            throw new StreamCorruptedException("values nested more than " + MAX_NESTING + " deep");
        }
        byte tag = in.readByte();
        switch (tag) {
            case LAMBDA:
                return LambdaReader.read(in, loader);
            case LIST: {
                int size = in.readInt();
                if (size < 0 || size > in.readableBytes()) { // each element takes at least its tag
                    throw new StreamCorruptedException("list of " + size + " values in " + in.readableBytes() + " bytes");
                }
                ArrayList<Object> list = new ArrayList<>(size);
                for (int i = 0; i < size; i++) {
                    list.add(read(in, loader, nesting + 1));
                }
                return list;
            }
            case JAVA:
                return LoaderObjectInputStream.readObject(in.asInputStream(), loader);
            case PLAIN:
                return PlainObjects.read(in, loader);
            case FUNCTION_OVER_LIST: {
                @SuppressWarnings("unchecked")
                Function<Object, Object> function = (Function<Object, Object>) read(in, loader, nesting + 1);
                @SuppressWarnings("unchecked")
                ArrayList<Object> inputs = (ArrayList<Object>) read(in, loader, nesting + 1);
                return new FunctionOverList(function, inputs);
            }
            default:
                return readSimple(tag, in);
        }
    }

    /** A lambda's captured arguments: a LIST of simple values or one JAVA value; never another lambda. */
    static Object readCaptured(ByteArrayBuffer in, ClassLoader loader, int depth)
            throws IOException, ClassNotFoundException {
        byte tag = in.readByte();
        if (tag == JAVA) {
            return LoaderObjectInputStream.readObject(in.asInputStream(), loader);
        }
        if (tag != LIST) {
            throw new StreamCorruptedException("a lambda's captured arguments have tag " + tag + ", not a list");
        }
        int size = in.readInt();
        if (size < 0 || size > in.readableBytes()) {
            throw new StreamCorruptedException("list of " + size + " values in " + in.readableBytes() + " bytes");
        }
        ArrayList<Object> list = new ArrayList<>(size);
        boolean lambdaRead = false;
        for (int i = 0; i < size; i++) {
            byte tag2 = in.readByte();
            if (tag2 == LAMBDA) { // the one lambda among the captured values (see writeLambda)
                if (lambdaRead || depth >= MAX_CAPTURED_LAMBDAS) {
                    throw new StreamCorruptedException("a lambda's captured arguments hold more lambdas than written");
                }
                lambdaRead = true;
                list.add(LambdaReader.read(in, loader, depth + 1));
            } else {
                list.add(readSimple(tag2, in));
            }
        }
        return list;
    }

    static Object readSimple(byte tag, ByteArrayBuffer in) throws IOException {
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
                return in.readUtf8();
            case BYTES: {
                int length = in.readInt();
                if (length < 0 || length > in.readableBytes()) {
                    throw new StreamCorruptedException(length + " bytes announced, " + in.readableBytes() + " left");
                }
                byte[] bytes = new byte[length];
                in.readBytes(bytes);
                return bytes;
            }
            default:
                throw new StreamCorruptedException("unknown value tag " + tag);
        }
    }
}
