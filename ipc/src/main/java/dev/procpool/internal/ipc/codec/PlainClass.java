package dev.procpool.internal.ipc.codec;

import java.io.Externalizable;
import java.io.InvalidClassException;
import java.io.InvalidObjectException;
import java.io.ObjectStreamField;
import java.io.Serializable;
import java.lang.reflect.Constructor;
import java.lang.reflect.Field;
import java.lang.reflect.InvocationTargetException;
import java.lang.reflect.Modifier;
import java.lang.reflect.RecordComponent;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.Comparator;
import java.util.List;
import java.util.Set;

/**
 * A serializable class that JDK serialization would write as nothing but its fields, and whose fields are all
 * primitives, Strings or boxed Integer/Long/Double/Boolean: such an object can travel as its field values alone
 * (see {@link PlainObjects}), with no class descriptor. A class qualifies when it is a {@link Serializable}, not
 * {@link Externalizable}, non-enum class directly under {@link Object}, or a serializable record, that declares
 * none of {@code writeObject}, {@code readObject}, {@code readObjectNoData}, {@code writeReplace},
 * {@code readResolve} or {@code serialPersistentFields}, and whose fields can be made accessible (and, for a class
 * from JDK 26 on, are not final). Like JDK serialization, rebuilding a class's object runs {@link Object}'s
 * constructor only, and rebuilding a record runs its canonical constructor with the values sent, so that the
 * record's own checks apply. Computed once per class ({@link #of}); immutable; any thread.
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
    /** Object's constructor for a class (see {@link #newInstance}); a record's canonical one (see {@link #newRecord}). */
    private final Constructor<?> constructor;
    private final boolean record;

    private PlainClass(Class<?> type, Field[] fields, Constructor<?> constructor) {
        this.type = type;
        this.fields = fields;
        this.constructor = constructor;
        this.record = type.isRecord();
        int digest = type.getName().hashCode() * 31 + (record ? 1 : 0);
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

    /** Its fields in the order they travel: by name for a class, in component order for a record. */
    Field[] fields() {
        return fields;
    }

    /** A record: rebuilt by {@link #newRecord}, not by setting fields. */
    boolean isRecord() {
        return record;
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

    /**
     * A record made by its canonical constructor from {@code values}, in component order, as JDK serialization
     * makes one: a value the record's own checks refuse fails the read.
     */
    Object newRecord(Object[] values) throws InvalidObjectException {
        try {
            return constructor.newInstance(values);
        } catch (InvocationTargetException e) {
            InvalidObjectException failure = new InvalidObjectException("the canonical constructor of " + type.getName()
                    + " refused the values sent: " + e.getCause());
            failure.initCause(e.getCause());
            throw failure;
        } catch (ReflectiveOperationException | RuntimeException e) {
            InvalidObjectException failure = new InvalidObjectException("cannot make a " + type.getName() + ": " + e);
            failure.initCause(e);
            throw failure;
        }
    }

    private static PlainClass describe(Class<?> type) {
        if (!Serializable.class.isAssignableFrom(type) || Externalizable.class.isAssignableFrom(type)
                || !type.isRecord() && type.getSuperclass() != Object.class || type.isEnum() || type.isHidden()
                || type.isArray() || type.isSynthetic()) {
            return null;
        }
        if (type.isRecord()) {
            return describeRecord(type);
        }
        try {
            if (declaresHook(type)) {
                return null;
            }
            List<Field> fields = new ArrayList<>();
            for (Field field : type.getDeclaredFields()) {
                int modifiers = field.getModifiers();
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

    /**
     * A record travels as its components' fields, in component order, and is made again by its canonical
     * constructor: no final field is ever set, on any JDK.
     */
    private static PlainClass describeRecord(Class<?> type) {
        try {
            if (declaresHook(type)) {
                return null;
            }
            RecordComponent[] components = type.getRecordComponents();
            Field[] fields = new Field[components.length];
            Class<?>[] types = new Class<?>[components.length];
            for (int i = 0; i < components.length; i++) {
                types[i] = components[i].getType();
                if (!types[i].isPrimitive() && !BOXED.contains(types[i])) {
                    return null;
                }
                fields[i] = type.getDeclaredField(components[i].getName());
                fields[i].setAccessible(true); // to read it; a record's field is never set
            }
            Constructor<?> canonical = type.getDeclaredConstructor(types);
            canonical.setAccessible(true);
            return new PlainClass(type, fields, canonical);
        } catch (ReflectiveOperationException | RuntimeException | LinkageError e) {
            return null; // not accessible (a named module that does not open its package)
        }
    }

    private static boolean declaresHook(Class<?> type) {
        for (var method : type.getDeclaredMethods()) {
            if (HOOKS.contains(method.getName()) && !Modifier.isStatic(method.getModifiers())) {
                return true;
            }
        }
        for (Field field : type.getDeclaredFields()) {
            if (field.getName().equals("serialPersistentFields") && field.getType() == ObjectStreamField[].class) {
                return true;
            }
        }
        return false;
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
