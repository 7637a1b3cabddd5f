package dev.procpool.internal.worker;

import java.lang.management.ManagementFactory;
import java.lang.management.MemoryPoolMXBean;
import java.lang.management.MemoryType;
import java.util.List;

/**
 * Decides, after each task, whether this worker should retire: after a number of tasks, or when its memory
 * (heap used after a full collection, or resident set size as {@link ResidentMemory} reads it) has grown past
 * a bound since its first task.
 * Memory is looked at most once a second; a full collection is forced only when the cheap numbers suggest
 * growth, so a healthy worker pays one reading per second. The limits come from the parent's
 * {@code ConfigureWorker} command; 0 or less means none. Task thread only.
 */
final class Recycling {
    private static final long CHECK_INTERVAL_NS = 1_000_000_000L;

    private final long maxTasks;
    private final long maxGrowthBytes;
    private long tasks;
    private long nextCheckNs;
    private long baseHeap = -1;
    private long baseRss = -1;
    /** Made at the first memory check, so a worker without a memory limit never looks. */
    private ResidentMemory resident;

    Recycling(long maxTasks, long maxGrowthBytes) {
        this.maxTasks = maxTasks;
        this.maxGrowthBytes = maxGrowthBytes;
    }

    /** Until the parent's settings arrive (they come first on the task queue): never retire. */
    static Recycling never() {
        return new Recycling(0, 0);
    }

    /** Call after each task; returns why the worker should retire, or null. */
    String afterTask() {
        tasks++;
        if (maxTasks > 0 && tasks >= maxTasks) {
            return "recycled after " + tasks + " tasks (maxTasksPerWorker)";
        }
        if (maxGrowthBytes <= 0) {
            return null;
        }
        long now = System.nanoTime();
        if (now - nextCheckNs < 0) {
            return null;
        }
        nextCheckNs = now + CHECK_INTERVAL_NS;
        if (baseHeap < 0) {
            System.gc();
            baseHeap = heapUsed();
            resident = ResidentMemory.ofThisProcess();
            baseRss = resident.bytes();
            return null;
        }
        if (heapUsed() - baseHeap <= maxGrowthBytes && rssGrowth() <= maxGrowthBytes) {
            return null;
        }
        System.gc(); // what is still in use after a full collection is the real growth
        long heapGrowth = heapUsed() - baseHeap;
        long rssGrowth = rssGrowth();
        if (heapGrowth > maxGrowthBytes || rssGrowth > maxGrowthBytes) {
            return "recycled after its memory grew by " + (Math.max(heapGrowth, rssGrowth) >> 20)
                    + " MiB (heap after GC +" + (heapGrowth >> 20) + " MiB, resident +" + (rssGrowth >> 20)
                    + " MiB; maxMemoryGrowth is " + (maxGrowthBytes >> 20) + " MiB)";
        }
        return null;
    }

    /** 0 when the OS did not tell the size at the first check: a later reading is no growth from nothing. */
    private long rssGrowth() {
        return baseRss > 0 ? resident.bytes() - baseRss : 0;
    }

    private static long heapUsed() {
        long used = 0;
        List<MemoryPoolMXBean> pools = ManagementFactory.getMemoryPoolMXBeans();
        for (MemoryPoolMXBean pool : pools) {
            if (pool.getType() == MemoryType.HEAP) {
                used += pool.getUsage().getUsed();
            }
        }
        return used;
    }

}
