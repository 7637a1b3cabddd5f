package dev.procpool.internal.ipc;

import java.io.Serializable;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.Callable;
import java.util.function.Function;

/**
 * A slice of a {@code map}: one task that applies a function to each of its inputs, in order. Known to
 * {@link TaskCodec}, which writes the function and the inputs in their compact forms.
 */
public record MapBatch(Function<Object, Object> function, ArrayList<Object> inputs)
        implements Callable<List<Object>>, Serializable {

    @Override
    public List<Object> call() {
        ArrayList<Object> results = new ArrayList<>(inputs.size());
        for (Object input : inputs) {
            results.add(function.apply(input));
        }
        return results;
    }
}
