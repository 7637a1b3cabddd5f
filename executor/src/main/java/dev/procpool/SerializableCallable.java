package dev.procpool;

import java.io.Serializable;
import java.util.concurrent.Callable;

/**
 * A {@link Callable} that can be shipped to a worker JVM. Any lambda passed where this type is expected is
 * compiled as a serializable lambda; everything it captures must be serializable too.
 *
 * @param <V> the result type, which must be serializable as well
 */
@FunctionalInterface
public interface SerializableCallable<V> extends Callable<V>, Serializable {
}
