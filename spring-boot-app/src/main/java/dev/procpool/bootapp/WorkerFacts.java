package dev.procpool.bootapp;

import dev.procpool.SerializableCallable;

import java.io.Serializable;

/** What a worker says about itself: its pid and the class path it was started with. */
record WorkerFacts(long pid, String classPath) implements Serializable {
    record Collect() implements SerializableCallable<WorkerFacts> {
        @Override
        public WorkerFacts call() {
            return new WorkerFacts(ProcessHandle.current().pid(), System.getProperty("java.class.path"));
        }
    }
}
