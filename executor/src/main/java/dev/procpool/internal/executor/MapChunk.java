package dev.procpool.internal.executor;

import dev.procpool.SerializableCallable;
import dev.procpool.SerializableFunction;

import java.util.ArrayList;
import java.util.List;

/** A slice of a {@code map}: one task that applies the function to each of its inputs, in order. */
public record MapChunk<T, R>(SerializableFunction<? super T, ? extends R> function, ArrayList<T> inputs)
        implements SerializableCallable<List<R>> {

    @Override
    public List<R> call() {
        List<R> results = new ArrayList<>(inputs.size());
        for (T input : inputs) {
            results.add(function.apply(input));
        }
        return results;
    }
}
