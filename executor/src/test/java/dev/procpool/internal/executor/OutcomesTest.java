package dev.procpool.internal.executor;

import dev.procpool.TaskSerializationException;
import dev.procpool.internal.ipc.codec.Payload;
import dev.procpool.internal.ipc.codec.TaskCodec;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.ExecutionException;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertInstanceOf;
import static org.junit.jupiter.api.Assertions.assertNotNull;
import static org.junit.jupiter.api.Assertions.assertThrows;

class OutcomesTest {
    @TempDir
    Path folder;

    private TaskFuture<Object> future() {
        return new TaskFuture<>(null, 1, "a chunk", null, getClass().getClassLoader(), false, null,
                new TaskLimits(0, 0, false));
    }

    @Test
    void resultSpilledToAFile_copiedAndLeftUnread_fileDeleted() throws Exception {
        Path file = folder.resolve("result");
        Files.write(file, TaskCodec.encodeToArray(new ArrayList<>(List.of(1, 2, 3))));
        TaskFuture<Object> future = future();

        Outcomes.complete(future, Payload.inFile(file, Files.size(file)));

        assertFalse(Files.exists(file));
        assertNotNull(future.encodedList(), "left encoded, as an inline result is");
        assertEquals(List.of(1, 2, 3), future.get());
    }

    @Test
    void spilledFileOfAnotherLength_failsTheTask() throws Exception {
        Path file = folder.resolve("result");
        Files.write(file, TaskCodec.encodeToArray(new ArrayList<>(List.of(1, 2, 3))));
        TaskFuture<Object> future = future();

        Outcomes.complete(future, Payload.inFile(file, Files.size(file) + 1));

        ExecutionException e = assertThrows(ExecutionException.class, future::get);
        assertInstanceOf(TaskSerializationException.class, e.getCause());
        assertFalse(Files.exists(file));
    }
}
