package dev.procpool.internal.launcher;

import org.junit.jupiter.api.Test;

import java.util.List;

import static org.junit.jupiter.api.Assertions.assertEquals;

class WorkerFootprintTest {
    private static final List<String> UNRELOCATED = List.of("-XX:+UnlockDiagnosticVMOptions",
            "-XX:ArchiveRelocationMode=0");

    @Test
    void noUserOptions_oneProcessor_serialCollectorSmallYoungGenerationArchiveUnrelocated() {
        assertEquals(List.of("-XX:+UseSerialGC", "-XX:MaxNewSize=32m", "-XX:+UnlockDiagnosticVMOptions",
                "-XX:ArchiveRelocationMode=0"), WorkerFootprint.options(List.of(), "", 1, false));
    }

    @Test
    void userSizesTheHeap_youngGenerationLeftToHotSpot() {
        for (String sizing : List.of("-Xmx2g", "-Xms64m", "-Xmn100m", "-XX:MaxHeapSize=1g", "-XX:InitialHeapSize=64m",
                "-XX:NewSize=8m", "-XX:MaxNewSize=256m", "-XX:NewRatio=3", "-XX:MaxRAMPercentage=50",
                "-XX:MaxRAM=4g", "-XX:InitialRAMPercentage=10")) {
            assertEquals(List.of("-XX:+UseSerialGC", "-XX:+UnlockDiagnosticVMOptions", "-XX:ArchiveRelocationMode=0"),
                    WorkerFootprint.options(List.of(sizing), "", 1, false), sizing);
        }
        assertEquals(List.of("-XX:+UseParallelGC", "-XX:+UnlockDiagnosticVMOptions", "-XX:ArchiveRelocationMode=0"),
                WorkerFootprint.options(List.of(), "-Xmx512m", 2, false), "from the launcher's environment");
    }

    @Test
    void optionsThatSizeNoHeap_keepTheSmallYoungGeneration() {
        assertEquals(List.of("-XX:+UseSerialGC", "-XX:MaxNewSize=32m"), WorkerFootprint.options(
                List.of("-Xss2m", "-XX:MaxMetaspaceSize=128m", "-XX:ArchiveRelocationMode=1"), "", 1, false));
    }

    @Test
    void noUserOptions_severalProcessors_parallelCollector() {
        assertEquals("-XX:+UseParallelGC", WorkerFootprint.options(List.of(), "", 4, false).get(0));
    }

    @Test
    void userChoosesACollector_theirsWins_noSecondCollector() {
        for (String collector : List.of("-XX:+UseG1GC", "-XX:+UseZGC", "-XX:+UseParallelGC", "-XX:+UseShenandoahGC",
                "-XX:+UseEpsilonGC", "-XX:+UseSerialGC", "-XX:-UseSerialGC")) {
            assertEquals(UNRELOCATED, WorkerFootprint.options(List.of("-Xmx1g", collector), "", 1, false), collector);
        }
    }

    @Test
    void collectorInLauncherEnvironmentOptions_theirsWins() {
        assertEquals(UNRELOCATED, WorkerFootprint.options(List.of(), " -Xss1m  -XX:+UseG1GC ", 2, false));
    }

    @Test
    void flagsThatOnlyEndInGC_areNotCollectors() {
        assertEquals("-XX:+UseSerialGC", WorkerFootprint.options(
                List.of("-XX:+UseGCOverheadLimit", "-XX:+UseMaximumCompactionOnSystemGC"), "", 1, false).get(0));
    }

    @Test
    void userSetsArchiveRelocation_theirsAlone() {
        assertEquals(List.of("-XX:+UseSerialGC", "-XX:MaxNewSize=32m"),
                WorkerFootprint.options(List.of("-XX:+UnlockDiagnosticVMOptions", "-XX:ArchiveRelocationMode=1"), "", 1, false));
    }

    @Test
    void trimmingJvm_trimsTheNativeHeap_unlessTheUserSetsTheInterval() {
        assertEquals(List.of("-XX:+UseSerialGC", "-XX:MaxNewSize=32m", "-XX:+UnlockDiagnosticVMOptions",
                "-XX:ArchiveRelocationMode=0", "-XX:TrimNativeHeapInterval=" + WorkerFootprint.TRIM_INTERVAL_MS,
                "-Xlog:trimnative=off"), WorkerFootprint.options(List.of(), "", 1, true));
        assertEquals(List.of("-XX:+UseSerialGC", "-XX:MaxNewSize=32m"), WorkerFootprint.options(
                List.of("-XX:ArchiveRelocationMode=1", "-XX:TrimNativeHeapInterval=0"), "", 1, true));
        assertEquals(UNRELOCATED, WorkerFootprint.options(List.of("-XX:+UseG1GC"), "-XX:TrimNativeHeapInterval=60000", 1, true));
    }

    @Test
    void trimsNativeHeap_onlyLinuxJdksWithTheProductFlag() {
        for (String version : List.of("17.0.11", "17.0.15+6", "21.0.3", "22.0.1", "23", "25.0.1")) {
            assertEquals(true, WorkerFootprint.trimsNativeHeap(Platform.Os.LINUX, Runtime.Version.parse(version)), version);
        }
        for (String version : List.of("17", "17.0.9", "17.0.10", "18", "19.0.2", "20.0.2", "21", "21.0.2", "22")) {
            assertEquals(false, WorkerFootprint.trimsNativeHeap(Platform.Os.LINUX, Runtime.Version.parse(version)), version);
        }
        for (Platform.Os os : List.of(Platform.Os.MAC, Platform.Os.WINDOWS, Platform.Os.OTHER_UNIX)) {
            assertEquals(false, WorkerFootprint.trimsNativeHeap(os, Runtime.Version.parse("25")), os.name());
        }
    }

    @Test
    void processors_lastActiveProcessorCountWins_elseTheMachines() {
        assertEquals(3, WorkerFootprint.processors(List.of("-XX:ActiveProcessorCount=1", "-XX:ActiveProcessorCount=3"), 8));
        assertEquals(8, WorkerFootprint.processors(List.of("-Xmx1g"), 8));
    }
}
