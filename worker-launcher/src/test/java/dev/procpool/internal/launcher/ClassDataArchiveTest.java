package dev.procpool.internal.launcher;

import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.condition.DisabledOnOs;
import org.junit.jupiter.api.condition.OS;
import org.junit.jupiter.api.io.TempDir;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.attribute.FileTime;
import java.nio.file.attribute.PosixFilePermissions;
import java.util.List;
import java.util.Map;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertNotNull;
import static org.junit.jupiter.api.Assertions.assertNull;
import static org.junit.jupiter.api.Assertions.assertSame;
import static org.junit.jupiter.api.Assertions.assertTrue;
import static org.junit.jupiter.api.Assumptions.abort;
import static org.junit.jupiter.api.Assumptions.assumeTrue;

class ClassDataArchiveTest {
    private static WorkerSpec spec(boolean sharing, String modulePath, List<String> options) {
        return new WorkerSpec(Path.of("/opt/jdk/bin/java"), 17, "/app/lib.jar", List.of(), modulePath, options, Map.of(), null,
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
    void plainOptions_fitAnAotCache() {
        assertTrue(ClassDataArchive.fitsAotCache(List.of(), ""));
        assertTrue(ClassDataArchive.fitsAotCache(List.of("-Xmx8g", "-XX:MaxHeapSize=31g", "-XX:+UseG1GC",
                "-XX:+UseSerialGC", "-XX:ActiveProcessorCount=1", "-Dapp.mode=batch", "-Xss4m", "-ea"), " -Xms64m "));
    }

    @Test
    void optionsTheCacheCannotServe_dynamicArchiveInstead() {
        for (String option : List.of("--add-opens=java.base/java.util=ALL-UNNAMED", "--enable-preview",
                "--add-modules=jdk.incubator.vector", "-javaagent:/agent.jar", "-agentlib:jdwp=transport=dt_socket",
                "-agentpath:/lib/profiler.so", "-Xbootclasspath/a:/x.jar", "-XX:-UseCompressedOops",
                "-XX:-UseCompressedClassPointers", "-XX:+UseCompactObjectHeaders", "-XX:+UseZGC",
                "-XX:+UseShenandoahGC", "-XX:+UseEpsilonGC", "-Djava.system.class.loader=app.Loader", "-Xmx32g",
                "-Xmx40000m", "-XX:MaxHeapSize=1t", "-Xmx99999999999999999999g")) {
            assertFalse(ClassDataArchive.fitsAotCache(List.of("-Xmx1g", option), ""), option);
        }
        // what the worker's launcher reads from its environment counts as much as its own options
        assertFalse(ClassDataArchive.fitsAotCache(List.of(), " --add-opens java.base/java.io=ALL-UNNAMED"));
    }

    @Test
    void procpoolClassesInAFolder_noArchive() {
        // this module's own classes come from target/classes while its tests run
        assertEquals("dev.procpool.internal.worker.WorkerMain is not loaded from a jar",
                whyNot(spec(true, "", List.of())));
    }

    @Test
    void baseArchiveRegenerated_jdkStampChanges(@TempDir Path jdk) throws IOException {
        Path java = Files.createDirectories(jdk.resolve("bin")).resolve("java");
        Files.createDirectories(jdk.resolve("lib/server"));
        Files.writeString(jdk.resolve("lib/modules"), "image");
        Path base = Files.writeString(jdk.resolve("lib/server/classes.jsa"), "base");
        Files.setLastModifiedTime(base, FileTime.fromMillis(1_000_000));
        String before = ClassDataArchive.jdkStamp(java);

        Files.setLastModifiedTime(base, FileTime.fromMillis(2_000_000)); // java -Xshare:dump

        assertFalse(before.equals(ClassDataArchive.jdkStamp(java)), before);
    }

    @Test
    void jdkWithoutBaseArchive_jdkStampIsTheImageAlone(@TempDir Path jdk) throws IOException {
        Path java = Files.createDirectories(jdk.resolve("bin")).resolve("java");
        Path modules = Files.writeString(Files.createDirectories(jdk.resolve("lib")).resolve("modules"), "image");

        assertEquals(Files.getLastModifiedTime(modules).toString(), ClassDataArchive.jdkStamp(java));
    }

    @Test
    void partialArchive_belongsToALiveMakerOnlyWhileItsPidRuns() {
        assertTrue(ClassDataArchive.makerAlive("worker-ab.jsa.tmp-" + ProcessHandle.current().pid() + "-123"));
        assertFalse(ClassDataArchive.makerAlive("worker-ab.jsa.tmp-" + Long.MAX_VALUE + "-123"));
        assertFalse(ClassDataArchive.makerAlive("worker-ab.jsa.tmp-garbage"));
    }

    @TempDir
    Path cache;

    @Test
    @DisabledOnOs(value = OS.WINDOWS, disabledReason = "POSIX permissions only")
    void cacheFolderWritableByOthers_archiveNotUsed() throws IOException {
        ClassDataArchive.Plan plan = planWithArchiveIn(Files.createDirectories(cache.resolve("shared")));
        Files.setPosixFilePermissions(plan.archive().getParent(), PosixFilePermissions.fromString("rwxrwxrwx"));

        assertNull(ClassDataArchive.usable(plan));
        String why = CacheTrust.whyNotTrusted(plan.archive().getParent());
        assertEquals(plan.archive().getParent() + " can be written by its group and others (rwxrwxrwx)", why);
    }

    @Test
    @DisabledOnOs(value = OS.WINDOWS, disabledReason = "POSIX permissions only")
    void archiveWritableByOthersInPrivateFolder_archiveNotUsed() throws IOException {
        ClassDataArchive.Plan plan = planWithArchiveIn(CacheTrust.createFolder(cache.resolve("private")));
        Files.setPosixFilePermissions(plan.archive(), PosixFilePermissions.fromString("rw-rw-rw-"));

        assertNull(ClassDataArchive.usable(plan));
    }

    @Test
    @DisabledOnOs(value = OS.WINDOWS, disabledReason = "POSIX permissions only")
    void archiveOwnedByAnotherUser_notTrusted() throws IOException {
        Path archive = Files.writeString(cache.resolve("worker-x.jsa"), "archive");
        var lookup = archive.getFileSystem().getUserPrincipalLookupService();
        var nobody = lookup.lookupPrincipalByName("nobody");
        assumeTrue(!nobody.equals(Files.getOwner(archive)), "runs as nobody");
        try {
            Files.setOwner(archive, nobody);
        } catch (IOException e) {
            abort("cannot give a file away without root: " + e);
        }

        String why = CacheTrust.whyNotTrusted(archive);
        assertNotNull(why);
        assertTrue(why.startsWith(archive + " is owned by nobody, not by "), why);
    }

    @Test
    @DisabledOnOs(value = OS.WINDOWS, disabledReason = "POSIX permissions only")
    void ownerOnlyFolderAndArchive_archiveUsed_folderCreatedOwnerOnly() throws IOException {
        Path folder = CacheTrust.createFolder(cache.resolve("fresh").resolve("class-data"));
        ClassDataArchive.Plan plan = planWithArchiveIn(folder);

        assertEquals("rwx------", PosixFilePermissions.toString(Files.getPosixFilePermissions(folder)));
        assertSame(plan, ClassDataArchive.usable(plan));
    }

    private static ClassDataArchive.Plan planWithArchiveIn(Path folder) throws IOException {
        Path archive = Files.writeString(folder.resolve("worker-0123456789ab.jsa"), "archive");
        Files.setPosixFilePermissions(archive, PosixFilePermissions.fromString("r--r--r--"));
        return new ClassDataArchive.Plan(archive, "/a.jar", false, null);
    }
}
