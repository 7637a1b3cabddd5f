package dev.procpool.internal.launcher;

import org.junit.jupiter.api.Test;

import java.nio.file.Path;
import java.util.List;
import java.util.Map;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertNull;
import static org.junit.jupiter.api.Assertions.assertTrue;

class ClassDataArchiveTest {
    private static WorkerSpec spec(boolean sharing, String modulePath, List<String> options) {
        return new WorkerSpec(Path.of("/opt/jdk/bin/java"), 17, "/app/lib.jar", modulePath, options, Map.of(), null,
                (id, stderr, line) -> { }, sharing);
    }

    private static String whyNot(WorkerSpec spec) {
        ClassDataArchive.Plan plan = ClassDataArchive.plan(spec);
        assertNull(plan.archive());
        return plan.whyNot();
    }

    @Test
    void off_noArchive() {
        assertEquals("class-data sharing is off", whyNot(spec(false, "", List.of())));
    }

    @Test
    void modulePath_noArchive() {
        assertEquals("the workers use a module path", whyNot(spec(true, "/mods", List.of())));
    }

    @Test
    void userChoosesSharingThemselves_noArchive() {
        assertEquals("the pool's jvmOptions choose class-data sharing themselves (-Xshare:off)",
                whyNot(spec(true, "", List.of("-Xmx1g", "-Xshare:off"))));
        assertTrue(whyNot(spec(true, "", List.of("-XX:SharedArchiveFile=/x.jsa"))).contains("-XX:SharedArchiveFile"));
    }

    @Test
    void procpoolClassesInAFolder_noArchive() {
        // this module's own classes come from target/classes while its tests run
        assertEquals("dev.procpool.internal.worker.WorkerMain is not loaded from a jar",
                whyNot(spec(true, "", List.of())));
    }

    @Test
    void partialArchive_belongsToALiveMakerOnlyWhileItsPidRuns() {
        assertTrue(ClassDataArchive.makerAlive("worker-ab.jsa.tmp-" + ProcessHandle.current().pid() + "-123"));
        assertFalse(ClassDataArchive.makerAlive("worker-ab.jsa.tmp-" + Long.MAX_VALUE + "-123"));
        assertFalse(ClassDataArchive.makerAlive("worker-ab.jsa.tmp-garbage"));
    }
}
