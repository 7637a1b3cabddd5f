package dev.procpool.internal.ipc.codec;

import java.io.Serializable;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.Callable;
import java.util.function.Function;

/**
 * One task that applies a function to each of a list of inputs, in order, and returns the outputs as a list.
 * {@link ValueFormat} writes it compactly: the function (usually a lambda) and the inputs in their tagged forms,
 * with no JDK class descriptors.
 */
public record FunctionOverList(Function<Object, Object> function, ArrayList<Object> inputs)
        implements Callable<List<Object>>, Serializable {

    @Override
    public List<Object> call() {
        ArrayList<Object> outputs = new ArrayList<>(inputs.size());
        for (Object input : inputs) {
            outputs.add(function.apply(input));
        }
        return outputs;
    }
}
