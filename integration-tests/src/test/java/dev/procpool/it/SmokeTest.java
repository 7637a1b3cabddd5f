package dev.procpool.it;

import dev.procpool.ProcessPoolExecutor;
import dev.procpool.SerializableCallable;
import org.junit.jupiter.api.Test;

import java.util.List;
import java.util.concurrent.ExecutionException;
import java.util.concurrent.Future;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;

class SmokeTest {
    @Test
    void submitAndMap() throws Exception {
        long t0 = System.nanoTime();
        try (ProcessPoolExecutor pool = ProcessPoolExecutor.builder().workers(2).build()) {
            Future<Integer> f = pool.submit(() -> 6 * 7);
            assertEquals(42, f.get());
            System.out.println("first result ms " + (System.nanoTime() - t0) / 1e6);
            assertEquals(List.of(1, 4, 9), pool.map(x -> x * x, List.of(1, 2, 3)));
            long pid = pool.submit(() -> ProcessHandle.current().pid()).get();
            System.out.println("worker pid " + pid);
            ExecutionException e = assertThrows(ExecutionException.class,
                    () -> pool.submit((SerializableCallable<Integer>) () -> { Runtime.getRuntime().halt(3); return 1; }).get());
            System.out.println(e.getCause());
            assertEquals(7, pool.submit(() -> 7).get());
            long n = 2000; long s = System.nanoTime();
            for (int i = 0; i < n; i++) pool.submit(() -> 1).get();
            System.out.println("rt us " + (System.nanoTime() - s) / 1e3 / n);
        }
        System.out.println("closed ms " + (System.nanoTime() - t0) / 1e6);
    }
}
