package dev.procpool.internal.ipc.codec;

import java.io.IOException;
import java.io.UncheckedIOException;
import java.lang.invoke.MethodHandles;
import java.lang.invoke.VarHandle;
import java.nio.ByteOrder;

/**
 * A LIST of simple values ({@link ValueFormat}) kept in its bytes and read one value at a time, in order: a
 * batch holds a chunk's results this way until it hands them over, so that what waits is about 5 bytes per
 * {@code Integer}, not a boxed object and a reference (a quarter of the heap, and nothing for a young collection
 * to copy). The values read are those {@link TaskCodec#decode} would make, of the same types. Read by one thread
 * at a time.
 */
public final class EncodedList {
    private static final VarHandle INT = MethodHandles.byteArrayViewVarHandle(int[].class, ByteOrder.BIG_ENDIAN);
    private final ByteArrayBuffer in;
    private final int size;
    /** Whether every value is an INT: 5 bytes each, read with no dispatch on the tag. */
    private final boolean ints;
    /** Where the first value's tag is in the array. */
    private final int intsStart;
    private int next;

    private EncodedList(ByteArrayBuffer in, int size, boolean ints) {
        this.in = in;
        this.size = size;
        this.ints = ints;
        this.intsStart = in.readerIndex();
    }

    /**
     * The list that {@code payload} holds, when it is in memory as one array and is a LIST of simple values whose
     * every value is whole (checked in one pass that allocates nothing, so that {@link #next} cannot fail); else
     * null, and {@link TaskCodec#decode} reads it. Keeps the payload's array, not the payload: releasing the
     * payload does not affect the list.
     */
    public static EncodedList of(Payload payload) {
        if (payload.isInFile()) {
            return null;
        }
        ByteArrayBuffer in = payload.readableOrNull();
        if (in == null || in.readableBytes() < 1 + Integer.BYTES || in.peekByte() != ValueFormat.LIST) {
            return null;
        }
        in.readByte();
        int size = in.readInt();
        if (size < 0 || size > in.readableBytes()) {
            return null;
        }
        int at = in.readerIndex();
        int end = at + in.readableBytes();
        if (allInts(in.array(), at, size, end)) {
            return new EncodedList(in, size, true);
        }
        return wellFormed(in.array(), at, size, end) ? new EncodedList(in, size, false) : null;
    }

    /** Whether {@code count} INT values start at {@code at} and end by {@code end}. */
    private static boolean allInts(byte[] bytes, int at, int count, int end) {
        if ((long) count * (1 + Integer.BYTES) > end - at) {
            return false;
        }
        for (int i = 0; i < count; i++, at += 1 + Integer.BYTES) {
            if (bytes[at] != ValueFormat.INT) {
                return false;
            }
        }
        return true;
    }

    /** Whether {@code count} simple values start at {@code at} and end by {@code end}. */
    private static boolean wellFormed(byte[] bytes, int at, int count, int end) {
        for (int i = 0; i < count; i++) {
            if (at >= end) {
                return false;
            }
            byte tag = bytes[at++];
            long length;
            switch (tag) {
                case ValueFormat.NULL, ValueFormat.TRUE, ValueFormat.FALSE -> length = 0;
                case ValueFormat.INT -> length = Integer.BYTES;
                case ValueFormat.LONG, ValueFormat.DOUBLE -> length = Long.BYTES;
                case ValueFormat.STRING, ValueFormat.BYTES -> {
                    if (end - at < Integer.BYTES) {
                        return false;
                    }
                    int announced = (int) INT.get(bytes, at);
                    if (announced < 0) {
                        return false;
                    }
                    length = Integer.BYTES + (long) announced;
                }
                default -> {
                    return false;
                }
            }
            if (length > end - at) {
                return false;
            }
            at += (int) length;
        }
        return true;
    }

    /** How many values the list holds. */
    public int size() {
        return size;
    }

    /** Whether every value is an {@code Integer}, which {@link #nextInt} reads. */
    public boolean isInts() {
        return ints;
    }

    /** The position of the value {@link #next} reads, from 0. */
    public int position() {
        return next;
    }

    /**
     * The next value.
     *
     * @throws java.util.NoSuchElementException after the last
     */
    public Object next() {
        if (next == size) {
            throw new java.util.NoSuchElementException("all " + size + " values of the list were read");
        }
        if (ints) {
            return nextInt();
        }
        next++;
        try {
            return ValueFormat.readSimple(in.readByte(), in);
        } catch (IOException cannotHappen) { // of() checked every tag
            throw new UncheckedIOException(cannotHappen);
        }
    }

    /**
     * The next value of a list of {@link #isInts ints}, unboxed: boxed in the caller's own code, the
     * {@code Integer} is one the compiler can leave out where it goes no further than an {@code int}.
     *
     * @throws java.util.NoSuchElementException after the last
     * @throws IllegalStateException if not every value is an int
     */
    public int nextInt() {
        if (!ints) {
            throw new IllegalStateException("the list holds values other than ints");
        }
        if (next == size) {
            throw new java.util.NoSuchElementException("all " + size + " values of the list were read");
        }
        int at = intsStart + next * (1 + Integer.BYTES) + 1; // within the array: of() checked the length
        next++;
        return (int) INT.get(in.array(), at);
    }
}
