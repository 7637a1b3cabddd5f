package dev.procpool;

import java.io.Serializable;
import java.util.function.Function;

/**
 * A {@link Function} that can be shipped to a worker JVM, as used by
 * {@link ProcessPoolExecutor#map(SerializableFunction, java.util.Collection)}.
 *
 * @param <T> the input type, which must be serializable
 * @param <R> the result type, which must be serializable
 */
@FunctionalInterface
public interface SerializableFunction<T, R> extends Function<T, R>, Serializable {
}
