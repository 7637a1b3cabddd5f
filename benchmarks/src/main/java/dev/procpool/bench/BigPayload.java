package dev.procpool.bench;

import dev.procpool.ProcessPoolExecutor;
import dev.procpool.internal.ipc.codec.TaskCodec;
import dev.procpool.internal.ipc.codec.Payload;

import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;
import java.util.Locale;
import java.util.Set;
import java.util.TreeSet;
import java.util.concurrent.Future;
import java.util.concurrent.TimeUnit;

/**
 * Section 4, payload: a 100 MB (1e8 B) {@code byte[]} as a task's argument (the task returns its length), and as
 * a task's result (each worker built and cached it before timing, like loky's {@code warm_return}); the notes add
 * the send with the array in a field of a {@code Callable} class (JDK-serialized) instead of a lambda. GB/s is
 * 1e8 B / median time. The in-process reference is a JDK serialization round trip of the same array.
 */
final class BigPayload {
    private BigPayload() {
    }

    static void run(Params p, Report report, BenchMain.Progress progress) throws Exception {
        byte[] data = new byte[Params.PAYLOAD_BYTES];
        Arrays.fill(data, (byte) 1);
        List<Double> send = new ArrayList<>();
        List<Double> back = new ArrayList<>();
        List<Double> reference = new ArrayList<>();
        List<Double> sendField = new ArrayList<>();
        int hits = 0;
        try (ProcessPoolExecutor pool = Pools.create(Params.WORKERS)) {
            Pools.warm(pool, Params.WORKERS);
            if (!p.quick()) {
                check(pool.submit(BenchTasks.length(data)).get(300, TimeUnit.SECONDS)); // warm-up
            }
            Set<Long> cached = new TreeSet<>();
            List<Future<Long>> warm = new ArrayList<>();
            for (int i = 0; i < Params.WORKERS; i++) {
                warm.add(pool.submit(BenchTasks.warmReturn(Params.PAYLOAD_BYTES, 500)));
            }
            for (Future<Long> f : warm) {
                cached.add(f.get(300, TimeUnit.SECONDS));
            }
            if (!p.quick()) {
                pool.submit(BenchTasks.getReturn(Params.PAYLOAD_BYTES)).get(300, TimeUnit.SECONDS); // warm-up
            }
            for (int rep = 0; rep < p.payReps(); rep++) {
                long t0 = System.nanoTime();
                Payload bytes = TaskCodec.encode(data);
                byte[] copy = (byte[]) TaskCodec.decode(bytes, BigPayload.class.getClassLoader());
                reference.add((System.nanoTime() - t0) / 1e9);
                bytes.release();
                check(copy.length);

                t0 = System.nanoTime();
                int length = pool.submit(BenchTasks.length(data)).get(300, TimeUnit.SECONDS);
                send.add((System.nanoTime() - t0) / 1e9);
                check(length);

                t0 = System.nanoTime();
                length = pool.submit(new BenchTasks.ArrayLengthTask(data)).get(300, TimeUnit.SECONDS);
                sendField.add((System.nanoTime() - t0) / 1e9);
                check(length);

                hits += pool.submit(BenchTasks.isCached(Params.PAYLOAD_BYTES)).get(300, TimeUnit.SECONDS) ? 1 : 0;
                t0 = System.nanoTime();
                byte[] returned = pool.submit(BenchTasks.getReturn(Params.PAYLOAD_BYTES)).get(300, TimeUnit.SECONDS);
                back.add((System.nanoTime() - t0) / 1e9);
                check(returned.length);
                progress.line("payload rep " + (rep + 1) + "/" + p.payReps() + " done");
            }
            report.note(String.format(Locale.ROOT, "  payload: median of %d; send = parent array -> task returns its length;"
                    + " return = worker's cached array back (cache hits %d/%d, cached in %d distinct workers);"
                    + " in-process JDK serialize+deserialize of the array: %s ms; sent in a field of a Callable class"
                    + " (JDK-serialized) instead of captured by a lambda: %s GB/s%s",
                    p.payReps(), hits, p.payReps(), cached.size(), Report.format(Stats.median(reference) * 1e3),
                    Report.format(Params.PAYLOAD_BYTES / Stats.median(sendField) / 1e9),
                    p.quick() ? "; quick: no warm-up transfers" : ""));
        }
        row(report, "payload.send", "100 MB byte[] to a worker (GB/s)", send);
        row(report, "payload.return", "100 MB byte[] back from a worker (GB/s)", back);
    }

    private static void row(Report report, String id, String what, List<Double> seconds) {
        double median = Stats.median(seconds);
        double gbps = Params.PAYLOAD_BYTES / median / 1e9;
        report.row(id, what, gbps, String.format(Locale.ROOT, "%s (%s ms)", Report.format(gbps),
                Report.format(median * 1e3)), "GB/s", Report.Better.HIGHER, ">= 2 GB/s");
    }

    private static void check(int length) {
        if (length != Params.PAYLOAD_BYTES) {
            throw new IllegalStateException("payload of " + length + " bytes, expected " + Params.PAYLOAD_BYTES);
        }
    }
}
