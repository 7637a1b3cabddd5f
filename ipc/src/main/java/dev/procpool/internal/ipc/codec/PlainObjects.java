package dev.procpool.internal.ipc.codec;

import java.io.IOException;
import java.io.InvalidClassException;
import java.io.ObjectInputFilter;
import java.lang.ref.WeakReference;
import java.lang.reflect.Field;
import java.nio.charset.StandardCharsets;

/**
 * Writes and reads a PLAIN value (see {@link ValueFormat}): an object of a {@link PlainClass} as its class name, a
 * digest of its field layout, and its field values in name order (a record's in component order). A {@code Callable} class with a few
 * primitive or String fields then costs a few hundred nanoseconds each way instead of the JDK object streams'
 * tens of microseconds (a full class descriptor written and parsed on every call). No code of the class runs when
 * one is read, as with JDK serialization; the JVM-wide serial filter, if one is set, is asked about the class.
 * Thread-safe: the only state is the class read last, held weakly.
 */
final class PlainObjects {
    private static volatile Last last;

    private PlainObjects() {
    }

    /** The class read last, by its encoded name and for the loader it was resolved with, all weakly. */
    private record Last(byte[] name, WeakReference<ClassLoader> loader, WeakReference<Class<?>> type) {
    }

    /** The tag, class name, layout and fields of {@code value}, whose class is {@code plain}. */
    static void write(Object value, PlainClass plain, ByteArrayBuffer out) throws IOException {
        out.writeByte(ValueFormat.PLAIN).writeUtf8(plain.type().getName()).writeInt(plain.layout());
        try {
            for (Field field : plain.fields()) {
                Class<?> type = field.getType();
                if (type == int.class) {
                    out.writeInt(field.getInt(value));
                } else if (type == long.class) {
                    out.writeLong(field.getLong(value));
                } else if (type == double.class) {
                    out.writeDouble(field.getDouble(value));
                } else if (type == boolean.class) {
                    out.writeByte(field.getBoolean(value) ? 1 : 0);
                } else if (type == float.class) {
                    out.writeInt(Float.floatToRawIntBits(field.getFloat(value)));
                } else if (type == byte.class) {
                    out.writeByte(field.getByte(value));
                } else if (type == short.class) {
                    out.writeInt(field.getShort(value));
                } else if (type == char.class) {
                    out.writeInt(field.getChar(value));
                } else {
                    ValueFormat.writeSimple(field.get(value), out); // String or boxed: declared so
                }
            }
        } catch (IllegalAccessException e) {
            throw new InvalidClassException(plain.type().getName(), "cannot read its fields: " + e);
        }
    }

    /** Reads a PLAIN value, the tag already read, resolving its class through {@code loader}. */
    static Object read(ByteArrayBuffer in, ClassLoader loader) throws IOException, ClassNotFoundException {
        Class<?> type = resolve(in, loader);
        PlainClass plain = PlainClass.of(type);
        int layout = in.readInt();
        if (plain == null || plain.layout() != layout) {
            throw new InvalidClassException(type.getName(), "the class differs between the two JVMs (its fields or"
                    + " its serialization methods); both must load the same version of it");
        }
        checkFilter(type);
        if (plain.isRecord()) {
            return readRecord(in, plain);
        }
        Object value = plain.newInstance();
        try {
            for (Field field : plain.fields()) {
                Class<?> fieldType = field.getType();
                if (fieldType == int.class) {
                    field.setInt(value, in.readInt());
                } else if (fieldType == long.class) {
                    field.setLong(value, in.readLong());
                } else if (fieldType == double.class) {
                    field.setDouble(value, in.readDouble());
                } else if (fieldType == boolean.class) {
                    field.setBoolean(value, in.readByte() != 0);
                } else if (fieldType == float.class) {
                    field.setFloat(value, Float.intBitsToFloat(in.readInt()));
                } else if (fieldType == byte.class) {
                    field.setByte(value, in.readByte());
                } else if (fieldType == short.class) {
                    field.setShort(value, (short) in.readInt());
                } else if (fieldType == char.class) {
                    field.setChar(value, (char) in.readInt());
                } else {
                    Object fieldValue = ValueFormat.readSimple(in.readByte(), in);
                    if (fieldValue != null && !fieldType.isInstance(fieldValue)) {
                        throw new InvalidClassException(type.getName(), "field " + field.getName() + " of type "
                                + fieldType.getName() + " was sent a " + fieldValue.getClass().getName());
                    }
                    field.set(value, fieldValue);
                }
            }
        } catch (IllegalAccessException e) {
            throw new InvalidClassException(type.getName(), "cannot set its fields: " + e);
        }
        return value;
    }

    /** A record's component values, in component order, given to its canonical constructor. */
    private static Object readRecord(ByteArrayBuffer in, PlainClass plain) throws IOException {
        Field[] fields = plain.fields();
        Object[] values = new Object[fields.length];
        for (int i = 0; i < fields.length; i++) {
            Class<?> fieldType = fields[i].getType();
            if (fieldType == int.class) {
                values[i] = in.readInt();
            } else if (fieldType == long.class) {
                values[i] = in.readLong();
            } else if (fieldType == double.class) {
                values[i] = in.readDouble();
            } else if (fieldType == boolean.class) {
                values[i] = in.readByte() != 0;
            } else if (fieldType == float.class) {
                values[i] = Float.intBitsToFloat(in.readInt());
            } else if (fieldType == byte.class) {
                values[i] = in.readByte();
            } else if (fieldType == short.class) {
                values[i] = (short) in.readInt();
            } else if (fieldType == char.class) {
                values[i] = (char) in.readInt();
            } else {
                values[i] = ValueFormat.readSimple(in.readByte(), in);
                if (values[i] != null && !fieldType.isInstance(values[i])) {
                    throw new InvalidClassException(plain.type().getName(), "component " + fields[i].getName()
                            + " of type " + fieldType.getName() + " was sent a " + values[i].getClass().getName());
                }
            }
        }
        return plain.newRecord(values);
    }

    private static Class<?> resolve(ByteArrayBuffer in, ClassLoader loader) throws ClassNotFoundException {
        int length = in.readInt();
        int start = in.readerIndex();
        in.skipBytes(length);
        Last remembered = last;
        if (remembered != null && loader != null && remembered.loader.get() == loader
                && remembered.name.length == length && in.regionEquals(start, remembered.name, length)) {
            Class<?> type = remembered.type.get();
            if (type != null) {
                return type;
            }
        }
        String name = new String(in.array(), start, length, StandardCharsets.UTF_8);
        Class<?> type;
        try {
            type = Class.forName(name, false, loader);
        } catch (ClassNotFoundException e) { // as LoaderObjectInputStream: then as the JDK would
            try {
                type = Class.forName(name, false, PlainObjects.class.getClassLoader());
            } catch (ClassNotFoundException again) {
                throw e; // the loader's own message says where it looked (a shipped class's says why it is missing)
            }
        }
        last = new Last(name.getBytes(StandardCharsets.UTF_8), new WeakReference<>(loader), new WeakReference<>(type));
        return type;
    }

    /** The JVM-wide serial filter decides about plain classes as it would about a JDK stream's. */
    private static void checkFilter(Class<?> type) throws InvalidClassException {
        ObjectInputFilter filter = ObjectInputFilter.Config.getSerialFilter();
        if (filter == null) {
            return;
        }
        ObjectInputFilter.Status status = filter.checkInput(new ObjectInputFilter.FilterInfo() {
            @Override
            public Class<?> serialClass() {
                return type;
            }

            @Override
            public long arrayLength() {
                return -1;
            }

            @Override
            public long depth() {
                return 1;
            }

            @Override
            public long references() {
                return 1;
            }

            @Override
            public long streamBytes() {
                return 0;
            }
        });
        if (status == ObjectInputFilter.Status.REJECTED) {
            throw new InvalidClassException(type.getName(), "filter status: REJECTED");
        }
    }
}
