package dev.procpool.internal.worker;

import java.io.ByteArrayInputStream;
import java.io.IOException;
import java.io.InputStream;
import java.net.MalformedURLException;
import java.net.URL;
import java.net.URLConnection;
import java.net.URLStreamHandler;
import java.util.Collections;
import java.util.Enumeration;

/**
 * Stands in the worker for one class loader of the parent (a plugin's, say): a child of the worker's application
 * loader that defines the classes the application loader lacks from bytes the parent ships, and serves that
 * loader's resources the same way. One per parent loader, so two plugins' classes of the same name do not
 * collide. Thread-safe (parallel capable).
 */
final class ShippingLoader extends ClassLoader {
    static {
        registerAsParallelCapable();
    }

    private final long id;
    private final ShippedClasses classes;

    ShippingLoader(long id, ClassLoader parent, ShippedClasses classes) {
        super("procpool-shipped-" + id, parent);
        this.id = id;
        this.classes = classes;
    }

    long id() {
        return id;
    }

    ShippedClasses classes() {
        return classes;
    }

    @Override
    protected Class<?> findClass(String name) throws ClassNotFoundException {
        String resource = name.replace('.', '/') + ".class";
        ShippedClasses.Fetched fetched;
        try {
            fetched = classes.fetch(id, resource);
        } catch (RuntimeException e) {
            throw new ClassNotFoundException(name + " could not be fetched from the parent: " + e, e);
        }
        if (fetched.bytes() == null) {
            throw new ClassNotFoundException(name + " is neither on the worker's class path (pid "
                    + ProcessHandle.current().pid() + ") nor can the parent supply it: " + fetched.missing());
        }
        return defineClass(name, fetched.bytes(), 0, fetched.bytes().length);
    }

    @Override
    protected URL findResource(String name) {
        ShippedClasses.Fetched fetched;
        try {
            fetched = classes.fetch(id, name);
        } catch (RuntimeException e) {
            return null;
        }
        return fetched.bytes() == null ? null : urlOf(name, fetched.bytes());
    }

    @Override
    protected Enumeration<URL> findResources(String name) {
        URL url = findResource(name);
        return url == null ? Collections.emptyEnumeration() : Collections.enumeration(java.util.List.of(url));
    }

    /** A URL whose stream reads the shipped bytes from memory. */
    @SuppressWarnings("deprecation") // URL.of(URI, handler) is JDK 20+; this constructor is not going away
    private URL urlOf(String name, byte[] bytes) {
        URLStreamHandler handler = new URLStreamHandler() {
            @Override
            protected URLConnection openConnection(URL url) {
                return new URLConnection(url) {
                    @Override
                    public void connect() {
                    }

                    @Override
                    public InputStream getInputStream() {
                        return new ByteArrayInputStream(bytes);
                    }

                    @Override
                    public long getContentLengthLong() {
                        return bytes.length;
                    }
                };
            }
        };
        try {
            return new URL("procpool-shipped", null, -1, "/" + id + "/" + name, handler);
        } catch (MalformedURLException e) {
            throw new IllegalStateException(e);
        }
    }

    @Override
    public String toString() {
        return getName() + " (stands in for class loader " + id + " of the parent)";
    }
}
