package dev.procpool.it.classloading;

import java.io.ByteArrayInputStream;
import java.io.InputStream;
import java.util.Map;

/**
 * Defines classes from bytes held in memory, as a class generator or a loader of classes from a database does.
 * Whether it also serves those bytes as resources ({@code getResourceAsStream("gen/Generated.class")}) is the
 * difference between a class procpool can ship and one it cannot.
 */
final class BytesClassLoader extends ClassLoader {
    private final Map<String, byte[]> classes;
    private final boolean servesBytes;

    BytesClassLoader(String name, Map<String, byte[]> classes, boolean servesBytes) {
        super(name, BytesClassLoader.class.getClassLoader());
        this.classes = Map.copyOf(classes);
        this.servesBytes = servesBytes;
    }

    @Override
    protected Class<?> findClass(String name) throws ClassNotFoundException {
        byte[] bytes = classes.get(name);
        if (bytes == null) {
            throw new ClassNotFoundException(name);
        }
        return defineClass(name, bytes, 0, bytes.length);
    }

    @Override
    public InputStream getResourceAsStream(String name) {
        if (servesBytes && name.endsWith(".class")) {
            byte[] bytes = classes.get(name.substring(0, name.length() - ".class".length()).replace('/', '.'));
            if (bytes != null) {
                return new ByteArrayInputStream(bytes);
            }
        }
        return super.getResourceAsStream(name);
    }
}
