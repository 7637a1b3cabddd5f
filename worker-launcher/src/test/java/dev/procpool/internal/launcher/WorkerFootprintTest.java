package dev.procpool.internal.launcher;

import org.junit.jupiter.api.Test;

import java.util.List;

import static org.junit.jupiter.api.Assertions.assertEquals;

class WorkerFootprintTest {
    private static final List<String> UNRELOCATED = List.of("-XX:+UnlockDiagnosticVMOptions",
            "-XX:ArchiveRelocationMode=0");

    @Test
    void noUserOptions_oneProcessor_serialCollectorArchiveUnrelocated() {
        assertEquals(List.of("-XX:+UseSerialGC", "-XX:+UnlockDiagnosticVMOptions", "-XX:ArchiveRelocationMode=0"),
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
            assertEquals(UNRELOCATED, WorkerFootprint.options(List.of("-Xmx1g", collector), "", 1), collector);
        }
    }

    @Test
    void collectorInLauncherEnvironmentOptions_theirsWins() {
        assertEquals(UNRELOCATED, WorkerFootprint.options(List.of(), " -Xss1m  -XX:+UseG1GC ", 2));
    }

    @Test
    void flagsThatOnlyEndInGC_areNotCollectors() {
        assertEquals("-XX:+UseSerialGC", WorkerFootprint.options(
                List.of("-XX:+UseGCOverheadLimit", "-XX:+UseMaximumCompactionOnSystemGC"), "", 1).get(0));
    }

    @Test
    void userSetsArchiveRelocation_theirsAlone() {
        assertEquals(List.of("-XX:+UseSerialGC"),
                WorkerFootprint.options(List.of("-XX:+UnlockDiagnosticVMOptions", "-XX:ArchiveRelocationMode=1"), "", 1));
    }

    @Test
    void processors_lastActiveProcessorCountWins_elseTheMachines() {
        assertEquals(3, WorkerFootprint.processors(List.of("-XX:ActiveProcessorCount=1", "-XX:ActiveProcessorCount=3"), 8));
        assertEquals(8, WorkerFootprint.processors(List.of("-Xmx1g"), 8));
    }
}
