package dev.procpool.it.batch;

import dev.procpool.SerializableFunction;
import dev.procpool.it.fixtures.DeliberateException;

/**
 * Doubles its input, except: for {@code haltAt} it halts its worker with exit code 71 (no goodbye, like a native
 * crash), and for {@code throwAt} it throws a {@link DeliberateException}. Use -1 for neither.
 */
public record PoisonFunction(int haltAt, int throwAt) implements SerializableFunction<Integer, Integer> {
    public static final int EXIT_CODE = 71;

    @Override
    public Integer apply(Integer input) {
        if (input == haltAt) {
            Runtime.getRuntime().halt(EXIT_CODE);
        }
        if (input == throwAt) {
            throw new DeliberateException("input " + input + " throws, as planned", input);
        }
        return input * 2;
    }
}
