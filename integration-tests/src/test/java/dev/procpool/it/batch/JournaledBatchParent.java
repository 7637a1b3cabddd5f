package dev.procpool.it.batch;

import dev.procpool.Outcome;
import dev.procpool.ProcessPoolExecutor;
import dev.procpool.WorkerOutput;

import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardOpenOption;
import java.util.stream.Stream;

/**
 * A parent JVM that runs a journaled batch of {@code count} inputs through {@link RecordingFunction} and appends
 * each delivered outcome to a file as a line "index result" ("index failed" for a failure), then "DONE".
 * Arguments: journal, runs file, delivered file, count.
 */
public final class JournaledBatchParent {
    /** The function both parents of a test run: same digest, so the second may resume the first's journal. */
    static RecordingFunction function(String runs) {
        return new RecordingFunction(runs, 10, 13);
    }

    private JournaledBatchParent() {
    }

    public static void main(String[] args) throws Exception {
        Path journal = Path.of(args[0]);
        String runs = args[1];
        Path delivered = Path.of(args[2]);
        int count = Integer.parseInt(args[3]);
        try (ProcessPoolExecutor pool = ProcessPoolExecutor.builder().workers(2).workerOutput(WorkerOutput.DISCARD).build();
             Stream<Outcome<Integer, Integer>> outcomes = pool.batch(function(runs), BatchOutcomeTest.upTo(count))
                     .chunkSize(4).maxInFlight(16).journal(journal).stream()) {
            outcomes.forEach(o -> append(delivered, o.index() + " " + (o.succeeded() ? o.result() : "failed") + "\n"));
        }
        append(delivered, "DONE\n");
    }

    private static void append(Path file, String line) {
        try { // one write per line: a kill -9 cannot leave half a line
            Files.writeString(file, line, StandardOpenOption.CREATE, StandardOpenOption.APPEND);
        } catch (java.io.IOException e) {
            throw new java.io.UncheckedIOException(e);
        }
    }
}
