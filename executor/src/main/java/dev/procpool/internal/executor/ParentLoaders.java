package dev.procpool.internal.executor;

import dev.procpool.internal.ipc.codec.ClassLoaderTable;

import java.lang.ref.WeakReference;
import java.util.HashMap;
import java.util.Map;
import java.util.WeakHashMap;

/**
 * The parent's numbers for the class loaders its tasks' classes come from (plugins', generated classes'), so a
 * worker can ask for a class of one of them by number. Held weakly both ways: numbering a loader never keeps it
 * (or its classes) alive. Numbers are unique in the JVM, as task ids are, since a replaced shared pool forwards
 * its tasks to its successor. Thread-safe.
 */
final class ParentLoaders implements ClassLoaderTable {
    static final ParentLoaders INSTANCE = new ParentLoaders();

    /** Guarded by this. */
    private final WeakHashMap<ClassLoader, Long> ids = new WeakHashMap<>();
    /** Guarded by this. */
    private final Map<Long, WeakReference<ClassLoader>> loaders = new HashMap<>();
    private long lastId;

    private ParentLoaders() {
    }

    @Override
    public synchronized long idOf(ClassLoader loader) {
        if (ClassLoaderTable.isShared(loader)) {
            return 0;
        }
        Long id = ids.get(loader);
        if (id == null) {
            loaders.values().removeIf(reference -> reference.get() == null);
            id = ++lastId;
            ids.put(loader, id);
            loaders.put(id, new WeakReference<>(loader));
        }
        return id;
    }

    /** The loader numbered {@code id}; null when it was never numbered or has been garbage-collected. */
    @Override
    public synchronized ClassLoader loaderOf(long id) {
        WeakReference<ClassLoader> reference = loaders.get(id);
        return reference == null ? null : reference.get();
    }

    /** How a loader is named in messages: its name if it has one, and its class and identity. */
    static String describe(ClassLoader loader) {
        String name = loader.getName();
        String identity = loader.getClass().getName() + "@" + Integer.toHexString(System.identityHashCode(loader));
        return name == null ? identity : "'" + name + "' (" + identity + ")";
    }
}
