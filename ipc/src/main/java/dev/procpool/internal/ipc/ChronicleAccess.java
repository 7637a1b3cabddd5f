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
            missing.add("--add-opens=java.base/java.lang.reflect=" + target);
        }
        if (!base.isExported("sun.nio.ch", chronicle)) {
            missing.add("--add-exports=java.base/sun.nio.ch=" + target);
        }
        if (!base.isExported("jdk.internal.ref", chronicle)) {
            missing.add("--add-exports=java.base/jdk.internal.ref=" + target);
        }
        return missing;
    }
}
