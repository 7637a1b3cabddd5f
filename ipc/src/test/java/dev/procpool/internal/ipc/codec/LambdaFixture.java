package dev.procpool.internal.ipc.codec;

import java.io.Serializable;
import java.util.concurrent.Callable;

/** Makes lambdas whose capturing class is this one, which {@link LambdaReaderTest} loads again in a loader of its own. */
public final class LambdaFixture {
    private LambdaFixture() {
    }

    public static Callable<Integer> plusOne(int x) {
        return (Callable<Integer> & Serializable) () -> x + 1;
    }

    public static Callable<Integer> timesTwo(int x) {
        return (Callable<Integer> & Serializable) () -> x * 2;
    }
}
