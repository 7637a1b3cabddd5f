package dev.procpool.internal.ipc.codec;

import java.io.IOException;
import java.io.InvalidClassException;
import java.lang.invoke.MethodHandle;
import java.lang.invoke.MethodHandles;
import java.lang.invoke.MethodType;
import java.lang.invoke.SerializedLambda;
import java.lang.reflect.Method;

/**
 * What all instances of one lambda call site share, decoded once per capturing class: the encoded header it
 * was read from (to compare messages in place), the names for its {@link SerializedLambda}, the capturing
 * class, and that class's {@code $deserializeLambda$} as a method handle (null when it cannot be had: the JDK
 * then resolves the lambda with the access it has). It refers to no class loader but its capturing class's.
 * Immutable.
 */
record LambdaShape(byte[] header, Class<?> capturing, String functionalInterfaceClass,
                   String functionalInterfaceMethodName, String functionalInterfaceMethodSignature,
                   int implMethodKind, String implClass, String implMethodName, String implMethodSignature,
                   String instantiatedMethodType, MethodHandle deserialize) {

    /** The capturing class's name in {@code header} (the first of its names), with dots. */
    static String capturingClassName(byte[] header) {
        return ByteArrayBuffer.wrap(header, 0, header.length).readUtf8().replace('/', '.');
    }

    /** Decodes {@code header} (the names and method kind, without the tag) for {@code capturing}. */
    static LambdaShape decode(byte[] header, Class<?> capturing) {
        ByteArrayBuffer in = ByteArrayBuffer.wrap(header, 0, header.length);
        in.skipBytes(in.readInt()); // the capturing class, already resolved
        String functionalInterfaceClass = in.readUtf8();
        String functionalInterfaceMethodName = in.readUtf8();
        String functionalInterfaceMethodSignature = in.readUtf8();
        String implClass = in.readUtf8();
        String implMethodName = in.readUtf8();
        String implMethodSignature = in.readUtf8();
        String instantiatedMethodType = in.readUtf8();
        int implMethodKind = in.readInt();
        MethodHandle deserialize;
        try {
            Method method = capturing.getDeclaredMethod("$deserializeLambda$", SerializedLambda.class);
            method.setAccessible(true);
            deserialize = MethodHandles.lookup().unreflect(method)
                    .asType(MethodType.methodType(Object.class, SerializedLambda.class));
        } catch (ReflectiveOperationException | RuntimeException e) {
            deserialize = null;
        }
        return new LambdaShape(header, capturing, functionalInterfaceClass, functionalInterfaceMethodName,
                functionalInterfaceMethodSignature, implMethodKind, implClass, implMethodName, implMethodSignature,
                instantiatedMethodType, deserialize);
    }

    /** A new instance of the lambda with these captured arguments. */
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

    private static Object viaJdk(SerializedLambda lambda, ClassLoader loader) throws IOException, ClassNotFoundException {
        ByteArrayBuffer bytes = new ByteArrayBuffer(512);
        ValueFormat.writeJava(lambda, bytes);
        bytes.readByte(); // the JAVA tag
        return LoaderObjectInputStream.readObject(bytes.asInputStream(), loader);
    }
}
