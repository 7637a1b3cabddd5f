package dev.procpool.internal.ipc;

import java.util.ArrayList;
import java.util.List;

/**
 * Checks, without loading Chronicle, that this JVM grants Chronicle the access it needs to map files. Without
 * it queues fail deep inside Chronicle with an {@code IllegalAccessException}; with this check the pool says
 * up front exactly which flags to add.
 */
public final class ChronicleAccess {
    private ChronicleAccess() {
    }

    /** The JVM flags this JVM lacks, empty when it has them all. */
    public static List<String> missingFlags() {
        Module chronicle = net.openhft.chronicle.core.Jvm.class.getModule();
        Module base = Object.class.getModule();
        String target = chronicle.isNamed() ? chronicle.getName() : "ALL-UNNAMED";
        List<String> missing = new ArrayList<>();
        if (!base.isOpen("java.lang.reflect", chronicle)) {
            missing.add(forTarget(ChronicleFlags.OPEN_REFLECT, target));
        }
        if (!base.isExported("sun.nio.ch", chronicle)) {
            missing.add(forTarget(ChronicleFlags.EXPORT_NIO_CHANNELS, target));
        }
        if (!base.isExported("jdk.internal.ref", chronicle)) {
            missing.add(forTarget(ChronicleFlags.EXPORT_INTERNAL_REF, target));
        }
        return missing;
    }

    /** The flag as it must read when Chronicle sits in a named module rather than on the class path. */
    private static String forTarget(String flag, String target) {
        return flag.substring(0, flag.lastIndexOf('=') + 1) + target;
    }
}
