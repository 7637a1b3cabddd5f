package dev.procpool.it.packaging;

import dev.procpool.ProcessPoolExecutor;
import dev.procpool.SerializableCallable;
import dev.procpool.WorkerOutput;
import dev.procpool.it.NoLeakedWorkers;
import dev.procpool.it.fixtures.PidTask;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.ExtendWith;

import java.io.File;
import java.nio.file.Path;
import java.util.List;
import java.util.concurrent.TimeUnit;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

/** {@code classPath(...)} replaces discovery: workers get procpool's runtime jars, then exactly that list. */
@ExtendWith(NoLeakedWorkers.class)
class ExplicitClassPathTest {
    /** The worker's {@code java.class.path}. */
    record WorkerClassPath() implements SerializableCallable<String> {
        @Override
        public String call() {
            return System.getProperty("java.class.path");
        }
    }

    @Test
    void explicitClassPath_workersGetRuntimeJarsThenTheList_tasksRun() throws Exception {
        Path testClasses = Path.of(PidTask.class.getProtectionDomain().getCodeSource().getLocation().toURI());

        try (ProcessPoolExecutor pool = ProcessPoolExecutor.builder().workers(1).workerOutput(WorkerOutput.DISCARD)
                .classPath(List.of(testClasses)).build()) {
            List<String> classPath = List.of(pool.submit(new WorkerClassPath()).get(120, TimeUnit.SECONDS)
                    .split(File.pathSeparator));

            assertEquals(testClasses.toString(), classPath.get(classPath.size() - 1), classPath.toString());
            assertTrue(classPath.stream().anyMatch(e -> Path.of(e).getFileName().toString().startsWith("chronicle-queue-")),
                    "the runtime jars come first: " + classPath);
            assertFalse(classPath.stream().anyMatch(e -> e.contains("junit")), "nothing discovered: " + classPath);
            long workerPid = pool.submit(new PidTask()).get(120, TimeUnit.SECONDS);
            assertTrue(workerPid != ProcessHandle.current().pid(), "a task class from the list ran in the worker");
        }
    }
}
