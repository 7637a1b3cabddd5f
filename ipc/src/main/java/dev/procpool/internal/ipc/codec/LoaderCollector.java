package dev.procpool.internal.ipc.codec;

import java.util.ArrayList;
import java.util.List;

/**
 * Notes the class loaders of the classes one value is written with, and picks the one to read it with: the
 * loader that can see all the others (a plugin's loader sees the application's). The JDK's and the
 * application's loaders are skipped, so a value of shared classes costs a few comparisons. The encoding thread
 * owns one while it writes one value.
 */
final class LoaderCollector {
    private ClassLoader first;
    private List<ClassLoader> others;

    void add(Class<?> type) {
        ClassLoader loader = type.getClassLoader();
        if (loader == first || ClassLoaderTable.isShared(loader)) {
            return;
        }
        if (first == null) {
            first = loader;
            return;
        }
        if (others == null) {
            others = new ArrayList<>(2);
        }
        if (!others.contains(loader)) {
            others.add(loader);
        }
    }

    /**
     * The loader every other one noted is an ancestor of; when none is (two unrelated plugins), the first noted,
     * which is the value's own class's. Null when only shared loaders were seen.
     */
    ClassLoader mostSpecific() {
        if (others == null) {
            return first;
        }
        List<ClassLoader> all = new ArrayList<>(others.size() + 1);
        all.add(first);
        all.addAll(others);
        for (ClassLoader candidate : all) {
            if (seesAll(candidate, all)) {
                return candidate;
            }
        }
        return first;
    }

    private static boolean seesAll(ClassLoader candidate, List<ClassLoader> all) {
        for (ClassLoader other : all) {
            if (!isAncestorOrSelf(other, candidate)) {
                return false;
            }
        }
        return true;
    }

    private static boolean isAncestorOrSelf(ClassLoader ancestor, ClassLoader loader) {
        for (ClassLoader l = loader; l != null; l = l.getParent()) {
            if (l == ancestor) {
                return true;
            }
        }
        return false;
    }
}
