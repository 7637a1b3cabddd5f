package dev.procpool.bootapp;

import dev.procpool.ProcessPoolExecutor;
import dev.procpool.SerializableCallable;
import dev.procpool.WorkerCrashedException;
import org.apache.commons.lang3.StringUtils;
import org.springframework.boot.CommandLineRunner;
import org.springframework.boot.SpringApplication;
import org.springframework.boot.autoconfigure.SpringBootApplication;

import java.lang.management.ManagementFactory;
import java.util.List;
import java.util.Set;
import java.util.TreeSet;
import java.util.concurrent.ExecutionException;
import java.util.concurrent.TimeUnit;

/**
 * A Spring Boot application that uses procpool, packaged by spring-boot-maven-plugin as an executable jar: its
 * own classes are in {@code BOOT-INF/classes}, procpool and commons-lang3 in {@code BOOT-INF/lib}. It runs a
 * lambda and {@code Callable} classes that need commons-lang3 in the workers, has one worker halt itself, checks
 * that the next task still runs, and prints one line per step (read by the integration tests). Exits with 0 when
 * everything went as described, 1 otherwise. With the argument {@code first-result} it stops after the first
 * result (for timing the way from {@code java -jar} to it).
 */
@SpringBootApplication
public class BootApp implements CommandLineRunner {
    private static final long STARTED_NS = System.nanoTime();
    private static final long TIMEOUT_S = 120;

    private int exitCode = 1;

    public static void main(String[] args) {
        System.exit(SpringApplication.exit(SpringApplication.run(BootApp.class, args)));
    }

    /** Spring calls this once the context is up; the exit code becomes the JVM's. */
    @org.springframework.context.annotation.Bean
    org.springframework.boot.ExitCodeGenerator exitCode() {
        return () -> exitCode;
    }

    @Override
    public void run(String... args) throws Exception {
        Set<Long> pids = new TreeSet<>();
        long building = System.nanoTime();
        try (ProcessPoolExecutor pool = ProcessPoolExecutor.builder().workers(2).build()) {
            String reversed = pool.submit((SerializableCallable<String>) () -> StringUtils.reverse("procpool"))
                    .get(TIMEOUT_S, TimeUnit.SECONDS);
            // from the JVM's start: what a user waits for from java -jar to the first result
            System.out.println("FIRST_RESULT_MS " + TimeUnit.NANOSECONDS.toMillis(System.nanoTime() - STARTED_NS)
                    + " since class init, " + (System.currentTimeMillis()
                    - ManagementFactory.getRuntimeMXBean().getStartTime()) + " since JVM start, "
                    + TimeUnit.NANOSECONDS.toMillis(System.nanoTime() - building) + " since build()");
            System.out.println("LAMBDA " + reversed);
            if (List.of(args).contains("first-result")) {
                exitCode = 0;
                return;
            }
            System.out.println("CALLABLE " + pool.submit(new Capitalize("spring boot")).get(TIMEOUT_S, TimeUnit.SECONDS));
            WorkerFacts facts = pool.submit(new WorkerFacts.Collect()).get(TIMEOUT_S, TimeUnit.SECONDS);
            pids.add(facts.pid());
            System.out.println("WORKER_CLASS_PATH " + facts.classPath());
            try {
                pool.submit(new Halt()).get(TIMEOUT_S, TimeUnit.SECONDS);
                System.out.println("CRASH not reported");
                return;
            } catch (ExecutionException e) {
                System.out.println("CRASH " + e.getCause().getClass().getSimpleName());
                if (!(e.getCause() instanceof WorkerCrashedException)) {
                    return;
                }
            }
            System.out.println("AFTER_CRASH " + pool.submit(new Capitalize("still here")).get(TIMEOUT_S, TimeUnit.SECONDS));
            for (int i = 0; i < 4; i++) {
                pids.add(pool.submit(new WorkerFacts.Collect()).get(TIMEOUT_S, TimeUnit.SECONDS).pid());
            }
        }
        System.out.println("WORKER_PIDS " + String.join(" ", pids.stream().map(String::valueOf).toList()));
        exitCode = 0;
    }
}
