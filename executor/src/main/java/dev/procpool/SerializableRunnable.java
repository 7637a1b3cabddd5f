package dev.procpool;

import java.io.Serializable;

/**
 * A {@link Runnable} that can be shipped to a worker JVM. Any lambda passed where this type is expected is
 * compiled as a serializable lambda; everything it captures must be serializable too.
 */
@FunctionalInterface
public interface SerializableRunnable extends Runnable, Serializable {
}
