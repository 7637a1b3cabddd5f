package dev.procpool.internal.launcher;

import org.junit.jupiter.api.Test;

import java.util.List;

import static org.junit.jupiter.api.Assertions.assertEquals;

class WorkerFootprintTest {
    private static final List<String> SMALL_HEAP_UNRELOCATED = List.of("-Xms8m", "-XX:+UnlockDiagnosticVMOptions",
            "-XX:ArchiveRelocationMode=0");

    @Test
    void noUserOptions_oneProcessor_serialCollectorSmallHeapArchiveUnrelocated() {
        assertEquals(List.of("-XX:+UseSerialGC", "-Xms8m", "-XX:+UnlockDiagnosticVMOptions", "-XX:ArchiveRelocationMode=0"),
                WorkerFootprint.options(List.of(), "", 1));
    }

    @Test
    void noUserOptions_severalProcessors_parallelCollector() {
        assertEquals("-XX:+UseParallelGC", WorkerFootprint.options(List.of(), "", 4).get(0));
    }

    @Test
    void userChoosesACollector_theirsWins_noSecondCollector() {
        for (String collector : List.of("-XX:+UseG1GC", "-XX:+UseZGC", "-XX:+UseParallelGC", "-XX:+UseShenandoahGC",
                "-XX:+UseEpsilonGC", "-XX:+UseSerialGC", "-XX:-UseSerialGC")) {
            assertEquals(SMALL_HEAP_UNRELOCATED, WorkerFootprint.options(List.of("-Xmx1g", collector), "", 1), collector);
        }
    }

    @Test
    void collectorInLauncherEnvironmentOptions_theirsWins() {
        assertEquals(SMALL_HEAP_UNRELOCATED, WorkerFootprint.options(List.of(), " -Xss1m  -XX:+UseG1GC ", 2));
    }

    @Test
    void flagsThatOnlyEndInGC_areNotCollectors() {
        assertEquals("-XX:+UseSerialGC", WorkerFootprint.options(
                List.of("-XX:+UseGCOverheadLimit", "-XX:+UseMaximumCompactionOnSystemGC"), "", 1).get(0));
    }

    @Test
    void maximumHeapBelowTheInitialHeap_noInitialHeap() {
        for (String max : List.of("-Xmx4m", "-Xmx6000k", "-XX:MaxHeapSize=4194304", "-Xmxlots")) {
            assertEquals(List.of("-XX:+UseSerialGC", "-XX:+UnlockDiagnosticVMOptions", "-XX:ArchiveRelocationMode=0"),
                    WorkerFootprint.options(List.of(max), "", 1), max);
        }
        for (String max : List.of("-Xmx8m", "-Xmx512m", "-Xmx2G", "-Xmx8192k", "-XX:MaxHeapSize=1073741824")) {
            assertEquals("-Xms8m", WorkerFootprint.options(List.of(max), "", 1).get(1), max);
        }
    }

    @Test
    void userSetsArchiveRelocation_theirsAlone() {
        assertEquals(List.of("-XX:+UseSerialGC", "-Xms8m"),
                WorkerFootprint.options(List.of("-XX:+UnlockDiagnosticVMOptions", "-XX:ArchiveRelocationMode=1"), "", 1));
    }

    @Test
    void processors_lastActiveProcessorCountWins_elseTheMachines() {
        assertEquals(3, WorkerFootprint.processors(List.of("-XX:ActiveProcessorCount=1", "-XX:ActiveProcessorCount=3"), 8));
        assertEquals(8, WorkerFootprint.processors(List.of("-Xmx1g"), 8));
    }
}
