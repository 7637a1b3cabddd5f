package dev.procpool.internal.ipc.codec;

import java.io.Externalizable;
import java.io.InvalidClassException;
import java.io.ObjectStreamField;
import java.io.Serializable;
import java.lang.reflect.Constructor;
import java.lang.reflect.Field;
import java.lang.reflect.Modifier;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.Comparator;
import java.util.List;
import java.util.Set;

/**
 * A serializable class that JDK serialization would write as nothing but its fields, and whose fields are all
 * primitives, Strings or boxed Integer/Long/Double/Boolean: such an object can travel as its field values alone
 * (see {@link PlainObjects}), with no class descriptor. A class qualifies when it is a {@link Serializable}, not
 * {@link Externalizable}, non-enum, non-record class directly under {@link Object}, declares none of
 * {@code writeObject}, {@code readObject}, {@code readObjectNoData}, {@code writeReplace}, {@code readResolve} or
 * {@code serialPersistentFields}, and its fields can be made accessible (and, from JDK 26, are not final). Like
 * JDK serialization, rebuilding one runs {@link Object}'s constructor only. Computed once per class ({@link #of}); immutable; any thread.
 */
final class PlainClass {
    private static final Set<Class<?>> BOXED = Set.of(String.class, Integer.class, Long.class, Double.class,
            Boolean.class);
    private static final Set<String> HOOKS = Set.of("writeObject", "readObject", "readObjectNoData", "writeReplace",
            "readResolve");
    /**
     * From JDK 26 (JEP 500) setting a final field by reflection prints a warning, and later fails: there, classes
     * with final fields keep JDK serialization, which may still set them.
     */
    private static final boolean FINAL_FIELDS_SETTABLE = Runtime.version().feature() < 26;
    private static final ClassValue<PlainClass> CLASSES = new ClassValue<>() {
        @Override
        protected PlainClass computeValue(Class<?> type) {
            return describe(type);
        }
    };

    private final Class<?> type;
    private final Field[] fields;
    /** A digest of the field names and types, so that a class that differs on the other side is refused. */
    private final int layout;
    private final Constructor<?> constructor;

    private PlainClass(Class<?> type, Field[] fields, Constructor<?> constructor) {
        this.type = type;
        this.fields = fields;
        this.constructor = constructor;
        int digest = type.getName().hashCode();
        for (Field field : fields) {
            digest = digest * 31 + field.getName().hashCode();
            digest = digest * 31 + field.getType().getName().hashCode();
        }
        this.layout = digest;
    }

    /** The plain description of {@code type}, or null if its objects must take JDK serialization. */
    static PlainClass of(Class<?> type) {
        return CLASSES.get(type);
    }

    Class<?> type() {
        return type;
    }

    Field[] fields() {
        return fields;
    }

    int layout() {
        return layout;
    }

    /** A new instance with default field values, made as JDK serialization makes one. */
    Object newInstance() throws InvalidClassException {
        try {
            return constructor.newInstance();
        } catch (ReflectiveOperationException | RuntimeException e) {
            InvalidClassException failure = new InvalidClassException(type.getName(), "cannot instantiate: " + e);
            failure.initCause(e);
            throw failure;
        }
    }

    private static PlainClass describe(Class<?> type) {
        if (!Serializable.class.isAssignableFrom(type) || Externalizable.class.isAssignableFrom(type)
                || type.getSuperclass() != Object.class || type.isEnum() || type.isRecord() || type.isHidden()
                || type.isArray() || type.isSynthetic()) {
            return null;
        }
        try {
            for (var method : type.getDeclaredMethods()) {
                if (HOOKS.contains(method.getName()) && !Modifier.isStatic(method.getModifiers())) {
                    return null;
                }
            }
            List<Field> fields = new ArrayList<>();
            for (Field field : type.getDeclaredFields()) {
                int modifiers = field.getModifiers();
                if (field.getName().equals("serialPersistentFields") && field.getType() == ObjectStreamField[].class) {
                    return null;
                }
                if (Modifier.isStatic(modifiers) || Modifier.isTransient(modifiers)) {
                    continue;
                }
                if (!field.getType().isPrimitive() && !BOXED.contains(field.getType())
                        || Modifier.isFinal(modifiers) && !FINAL_FIELDS_SETTABLE) {
                    return null;
                }
                field.setAccessible(true);
                fields.add(field);
            }
            fields.sort(Comparator.comparing(Field::getName));
            return new PlainClass(type, fields.toArray(Field[]::new), serializationConstructor(type));
        } catch (RuntimeException | LinkageError e) {
            return null; // not accessible (a named module that does not open its package), or no such factory
        }
    }

    /** Object's constructor for {@code type}: what JDK serialization runs (jdk.unsupported, as Chronicle uses it). */
    private static Constructor<?> serializationConstructor(Class<?> type) {
        try {
            Constructor<?> constructor = sun.reflect.ReflectionFactory.getReflectionFactory()
                    .newConstructorForSerialization(type, Object.class.getDeclaredConstructor());
            constructor.setAccessible(true);
            return constructor;
        } catch (NoSuchMethodException e) {
            throw new IllegalStateException(e);
        }
    }

    @Override
    public String toString() {
        return type.getName() + Arrays.toString(fields);
    }
}
