package dev.procpool.bootapp;

import dev.procpool.SerializableCallable;

/** Ends its own worker with {@code Runtime.halt}: no goodbye, as a crash in native code would. */
record Halt() implements SerializableCallable<Void> {
    @Override
    public Void call() {
        Runtime.getRuntime().halt(42);
        return null;
    }
}
