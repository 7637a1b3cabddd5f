package dev.procpool.internal.ipc.codec;

/**
 * Names the class loaders whose classes travel between parent and worker: the parent numbers its loaders (a
 * plugin's, say) and the worker keeps one loader per number that defines the classes it is sent. A value whose
 * classes come from a numbered loader is encoded with that number ({@link ValueFormat#LOADER}), and decoded
 * with the loader the other side keeps for it. Number 0 means the application class loader both sides share.
 * Implementations are thread-safe.
 */
public interface ClassLoaderTable {
    /** No numbered loaders: every value is read with the loader the caller gives. */
    ClassLoaderTable NONE = new ClassLoaderTable() {
        @Override
        public long idOf(ClassLoader loader) {
            return 0;
        }

        @Override
        public ClassLoader loaderOf(long id) {
            return null;
        }
    };

    /** The number for {@code loader}, 0 when the other side needs none (the application loader, the JDK's). */
    long idOf(ClassLoader loader);

    /** The loader kept for {@code id}; null when there is none (then the caller's loader is used). */
    ClassLoader loaderOf(long id);

    /** Whether the other side needs a number for a class of {@code loader}: not the JDK's, not the application's. */
    static boolean isShared(ClassLoader loader) {
        return loader == null || loader == ClassLoader.getPlatformClassLoader()
                || loader == ClassLoader.getSystemClassLoader();
    }
}
