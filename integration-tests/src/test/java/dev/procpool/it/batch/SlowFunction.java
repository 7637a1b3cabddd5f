package dev.procpool.it.batch;

import dev.procpool.SerializableFunction;

/** Returns its input; sleeps {@code millis} first for {@code slowInput}. */
public record SlowFunction(long slowInput, long millis) implements SerializableFunction<Long, Long> {
    @Override
    public Long apply(Long input) {
        if (input == slowInput) {
            try {
                Thread.sleep(millis);
            } catch (InterruptedException e) {
                Thread.currentThread().interrupt();
                throw new IllegalStateException("interrupted", e);
            }
        }
        return input;
    }
}
