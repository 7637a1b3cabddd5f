package dev.procpool.it.batch;

import dev.procpool.SerializableFunction;

import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardOpenOption;
import java.util.Map;
import java.util.TreeMap;

/**
 * Appends its input, its worker's pid and the time to the file {@code runs} each time it runs (so a test can
 * count the runs of every input, and show where and when each ran),
 * waits {@code sleepMs}, then doubles the input; input {@code failing} throws an {@link IllegalArgumentException}.
 */
public record RecordingFunction(String runs, long sleepMs, int failing) implements SerializableFunction<Integer, Integer> {
    @Override
    public Integer apply(Integer input) {
        try { // one small append per run: atomic even with two workers appending at once
            Files.writeString(Path.of(runs), input + " " + ProcessHandle.current().pid() + " " + java.time.Instant.now()
                    + "\n", StandardOpenOption.CREATE, StandardOpenOption.APPEND);
            Thread.sleep(sleepMs);
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            throw new IllegalStateException("interrupted", e);
        }
        if (input == failing) {
            throw new IllegalArgumentException("input " + input + " fails, as planned");
        }
        return input * 2;
    }

    /** How many times each input ran, by the lines of {@code runs}. */
    static Map<Integer, Integer> runCounts(Path runs) throws IOException {
        Map<Integer, Integer> counts = new TreeMap<>();
        if (Files.exists(runs)) {
            Files.readAllLines(runs).forEach(line -> counts.merge(Integer.valueOf(line.split(" ")[0]), 1, Integer::sum));
        }
        return counts;
    }
}
