package dev.procpool.internal.ipc.codec;

import java.lang.invoke.MethodHandle;
import java.lang.invoke.MethodHandles;
import java.lang.invoke.MethodType;
import java.lang.invoke.SerializedLambda;
import java.lang.reflect.Method;

/**
 * How one lambda class is written: its {@code writeReplace} (a method handle; through {@code Method.invoke} a
 * hidden class's method always takes the slow native path) and, once known, the encoded part that all its
 * instances share (the tag, the eight names and signatures, and the method kind; see {@link ValueFormat}). Only
 * the captured arguments differ from one instance to the next. Thread-safe; found through a {@link ClassValue},
 * which does not keep the user's classes (and their loader) alive.
 */
final class LambdaWriter {
    private static final LambdaWriter NONE = new LambdaWriter(null);
    private static final ClassValue<LambdaWriter> WRITERS = new ClassValue<>() {
        @Override
        protected LambdaWriter computeValue(Class<?> type) {
            return of(type);
        }
    };

    private final MethodHandle writeReplace;
    private volatile byte[] header;

    private LambdaWriter(MethodHandle writeReplace) {
        this.writeReplace = writeReplace;
    }

    /** The writer for instances of {@code type}, a synthetic serializable class. */
    static LambdaWriter forClass(Class<?> type) {
        return WRITERS.get(type);
    }

    private static LambdaWriter of(Class<?> type) {
        try {
            Method method = type.getDeclaredMethod("writeReplace");
            method.setAccessible(true);
            return new LambdaWriter(MethodHandles.lookup().unreflect(method)
                    .asType(MethodType.methodType(Object.class, Object.class)));
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

    /** The LAMBDA tag, the eight names and the method kind, as {@link ValueFormat} lays them out. */
    byte[] header(SerializedLambda lambda) {
        byte[] bytes = header;
        if (bytes == null) { // a race computes the same bytes twice
            ByteArrayBuffer out = new ByteArrayBuffer(256);
            out.writeByte(ValueFormat.LAMBDA);
            out.writeUtf8(lambda.getCapturingClass());
            out.writeUtf8(lambda.getFunctionalInterfaceClass());
            out.writeUtf8(lambda.getFunctionalInterfaceMethodName());
            out.writeUtf8(lambda.getFunctionalInterfaceMethodSignature());
            out.writeUtf8(lambda.getImplClass());
            out.writeUtf8(lambda.getImplMethodName());
            out.writeUtf8(lambda.getImplMethodSignature());
            out.writeUtf8(lambda.getInstantiatedMethodType());
            out.writeInt(lambda.getImplMethodKind());
            bytes = out.toByteArray();
            header = bytes;
        }
        return bytes;
    }
}
