package dev.procpool.it.batch;

import dev.procpool.SerializableFunction;

import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.file.Files;
import java.nio.file.Path;

/**
 * Doubles its input; for {@code haltAt} it halts its worker the first time only (the marker file tells a rerun
 * from the first run), so a rerun of that input succeeds.
 */
public record HaltsOnceFunction(int haltAt, String marker) implements SerializableFunction<Integer, Integer> {
    @Override
    public Integer apply(Integer input) {
        if (input == haltAt) {
            try {
                Files.createFile(Path.of(marker));
                Runtime.getRuntime().halt(72);
            } catch (java.nio.file.FileAlreadyExistsException rerun) {
                // second run: carry on
            } catch (IOException e) {
                throw new UncheckedIOException(e);
            }
        }
        return input * 2;
    }
}
