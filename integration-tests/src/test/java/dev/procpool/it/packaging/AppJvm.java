package dev.procpool.it.packaging;

import dev.procpool.it.Processes;

import java.io.IOException;
import java.io.InputStream;
import java.lang.management.ManagementFactory;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.TimeUnit;

import static org.awaitility.Awaitility.await;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;
import static org.junit.jupiter.api.Assertions.fail;

/**
 * Runs an application JVM to its end (java -jar, or a module path) and reads what it printed; checks that the
 * worker JVMs it named in a {@code WORKER_PIDS} line are gone after it.
 */
final class AppJvm {
    private static final Duration BOUND = Duration.ofMinutes(4);

    record Run(int exitCode, String output, Duration took) {
        /** The rest of the first line starting with {@code key + " "}; fails when there is none. */
        String value(String key) {
            return Arrays.stream(output.split("\\R")).filter(line -> line.startsWith(key + " "))
                    .map(line -> line.substring(key.length() + 1)).findFirst()
                    .orElseGet(() -> fail("no " + key + " line in:\n" + output));
        }

        /** Checks the exit code and that no worker the application named outlives it. */
        void assertCleanExit() {
            assertEquals(0, exitCode, output);
            List<Long> pids = Arrays.stream(value("WORKER_PIDS").split(" ")).map(Long::parseLong).toList();
            assertTrue(!pids.isEmpty(), output);
            await("the application's workers to exit").atMost(Duration.ofSeconds(20))
                    .until(() -> pids.stream().noneMatch(Processes::isRunning));
        }
    }

    private AppJvm() {
    }

    static String java() {
        return Path.of(System.getProperty("java.home"), "bin", "java").toString();
    }

    /** The queue flags this test JVM was started with (the build's argLine). */
    static List<String> parentFlags() {
        return ManagementFactory.getRuntimeMXBean().getInputArguments().stream()
                .filter(arg -> arg.startsWith("--add-opens") || arg.startsWith("--add-exports")).toList();
    }

    /** A jar the build made, named by a system property the integration-tests pom sets. */
    static Path builtJar(String property) {
        Path jar = Path.of(System.getProperty(property, "(" + property + " not set)"));
        assertTrue(Files.isRegularFile(jar), property + " names " + jar + ", which the build should have made");
        return jar;
    }

    /** Runs {@code command} in {@code workingDirectory} to its end, with stderr merged into stdout. */
    static Run run(List<String> command, Path workingDirectory) throws IOException, InterruptedException {
        long started = System.nanoTime();
        Process process = new ProcessBuilder(new ArrayList<>(command)).directory(workingDirectory.toFile())
                .redirectErrorStream(true).start();
        CompletableFuture<String> output = CompletableFuture.supplyAsync(() -> {
            try (InputStream in = process.getInputStream()) {
                return new String(in.readAllBytes(), StandardCharsets.UTF_8);
            } catch (IOException e) {
                return "(output unreadable: " + e + ")";
            }
        });
        if (!process.waitFor(BOUND.toSeconds(), TimeUnit.SECONDS)) {
            process.descendants().forEach(ProcessHandle::destroyForcibly);
            process.destroyForcibly();
            fail("the application did not end within " + BOUND + ": " + command + "\n" + output.getNow("(no output yet)"));
        }
        Duration took = Duration.ofNanos(System.nanoTime() - started);
        return new Run(process.exitValue(), output.join(), took);
    }
}
