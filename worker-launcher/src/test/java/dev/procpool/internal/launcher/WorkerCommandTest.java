package dev.procpool.internal.launcher;

import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

import java.io.IOException;
import java.nio.charset.Charset;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;

import static org.junit.jupiter.api.Assertions.assertEquals;

class WorkerCommandTest {
    private static final Path JAVA = Path.of("/opt/jdk/bin/java");
    private static final WorkerSpec.OutputSink IGNORE = (workerId, stderr, line) -> { };

    @TempDir
    Path folder;

    @AfterEach
    void clearForwardedProperties() {
        System.clearProperty("procpool.internal.rollCycle");
        System.clearProperty("procpool.internal.alpha");
        System.clearProperty("procpool.internalNot");
        System.clearProperty("procpool.other");
    }

    @Test
    void jvmArguments_jdk17_defaultsThenUserOptionsThenClassPath() throws IOException {
        WorkerSpec spec = spec(17, "/a.jar:/b.jar", "", List.of("-XX:ActiveProcessorCount=1", "-Xmx512m",
                "-XX:-ExitOnOutOfMemoryError"));

        assertEquals(List.of(
                "--add-opens=java.base/java.lang.reflect=ALL-UNNAMED",
                "--add-exports=java.base/sun.nio.ch=ALL-UNNAMED",
                "--add-exports=java.base/jdk.internal.ref=ALL-UNNAMED",
                "-XX:+ExitOnOutOfMemoryError", "-XX:+DisplayVMOutputToStderr",
                "-Dprocpool.worker.id=3",
                "-Dorg.slf4j.simpleLogger.log.net.openhft.chronicle.core.Jvm=warn",
                "-XX:+UseSerialGC", "-XX:+UnlockDiagnosticVMOptions", "-XX:ArchiveRelocationMode=0",
                "-XX:ActiveProcessorCount=1",
                "-Xmx512m",
                "-XX:-ExitOnOutOfMemoryError",
                "-cp",
                "/a.jar:/b.jar"), WorkerCommand.jvmArguments(spec, 3));
    }

    @Test
    void jvmArguments_jdk25_addsFlagsThatSilenceWarnings() throws IOException {
        WorkerSpec spec = spec(25, "/a.jar", "", List.of("-XX:ActiveProcessorCount=2"));

        assertEquals(List.of(
                "--add-opens=java.base/java.lang.reflect=ALL-UNNAMED",
                "--add-exports=java.base/sun.nio.ch=ALL-UNNAMED",
                "--add-exports=java.base/jdk.internal.ref=ALL-UNNAMED",
                "--enable-native-access=ALL-UNNAMED",
                "--sun-misc-unsafe-memory-access=allow",
                "-XX:+ExitOnOutOfMemoryError", "-XX:+DisplayVMOutputToStderr",
                "-Dprocpool.worker.id=1",
                "-Dorg.slf4j.simpleLogger.log.net.openhft.chronicle.core.Jvm=warn",
                "-XX:+UseParallelGC", "-XX:MaxNewSize=32m", "-XX:+UnlockDiagnosticVMOptions",
                "-XX:ArchiveRelocationMode=0", "-XX:ActiveProcessorCount=2",
                "-cp",
                "/a.jar"), WorkerCommand.jvmArguments(spec, 1));
    }

    @Test
    void jvmArguments_internalPropertiesSet_forwardedSortedBeforeUserOptions() throws IOException {
        System.setProperty("procpool.internal.rollCycle", "TEST_SECONDLY");
        System.setProperty("procpool.internal.alpha", "a b");
        System.setProperty("procpool.internalNot", "x");
        System.setProperty("procpool.other", "y");
        WorkerSpec spec = spec(17, "/a.jar", "", List.of("-XX:+UseG1GC", "-Dprocpool.internal.rollCycle=FAST_DAILY"));

        List<String> args = WorkerCommand.jvmArguments(spec, 2);

        assertEquals(List.of(
                "-XX:+ExitOnOutOfMemoryError", "-XX:+DisplayVMOutputToStderr",
                "-Dprocpool.worker.id=2",
                "-Dorg.slf4j.simpleLogger.log.net.openhft.chronicle.core.Jvm=warn",
                "-Dprocpool.internal.alpha=a b",
                "-Dprocpool.internal.rollCycle=TEST_SECONDLY",
                "-XX:+UnlockDiagnosticVMOptions", "-XX:ArchiveRelocationMode=0",
                "-XX:+UseG1GC",
                "-Dprocpool.internal.rollCycle=FAST_DAILY",
                "-cp",
                "/a.jar"), args.subList(3, args.size()));
    }

    @Test
    void jvmArguments_userSetsChronicleLogLevel_userOptionComesLastAndWins() throws IOException {
        String userLevel = "-D" + WorkerCommand.CHRONICLE_JVM_LOG_LEVEL + "=info";
        List<String> args = WorkerCommand.jvmArguments(spec(17, "", "", List.of(userLevel)), 1);

        assertEquals(List.of("-D" + WorkerCommand.CHRONICLE_JVM_LOG_LEVEL + "=warn", userLevel),
                args.stream().filter(arg -> arg.startsWith("-D" + WorkerCommand.CHRONICLE_JVM_LOG_LEVEL)).toList());
        assertEquals(userLevel, args.get(args.size() - 1));
    }

    @Test
    void jvmArguments_modulePath_afterClassPathWithAllModules() throws IOException {
        WorkerSpec spec = spec(17, "/a.jar", "/mods", List.of("-Xss1m"));

        List<String> args = WorkerCommand.jvmArguments(spec, 1);

        assertEquals(List.of("-Xss1m", "-cp", "/a.jar", "--module-path", "/mods", "--add-modules=ALL-MODULE-PATH"),
                args.subList(args.size() - 6, args.size()));
    }

    @Test
    void namedModuleFlags_chronicleInANamedModule_queueFlagsRepeatedForIt() {
        assertEquals(List.of("--add-opens=java.base/java.lang.reflect=chronicle.core",
                        "--add-exports=java.base/sun.nio.ch=chronicle.core",
                        "--add-exports=java.base/jdk.internal.ref=chronicle.core",
                        "--enable-native-access=chronicle.core"),
                WorkerCommand.namedModuleFlags(dev.procpool.internal.ipc.ChronicleFlags.forJavaVersion(25), "chronicle.core"));
        assertEquals(List.of(), WorkerCommand.namedModuleFlags(dev.procpool.internal.ipc.ChronicleFlags.forJavaVersion(25), null));
    }

    @Test
    void jvmArguments_thisJvmsJava_trimsTheNativeHeapWhereItsVersionCan_anotherJava_never() throws IOException {
        Path ownJava = Path.of(System.getProperty("java.home"), "bin", "java");
        WorkerSpec own = new WorkerSpec(ownJava, Runtime.version().feature(), "", List.of(), "", List.of(), Map.of(),
                null, IGNORE, false);

        assertEquals(WorkerFootprint.trimsNativeHeap(Platform.current(), Runtime.version()),
                WorkerCommand.jvmArguments(own, 1).contains(WorkerFootprint.TRIM_NATIVE_HEAP));
        assertEquals(false, WorkerCommand.jvmArguments(spec(17, "", "", List.of()), 1)
                .contains(WorkerFootprint.TRIM_NATIVE_HEAP));
    }

    @Test
    void jvmArguments_thisJvmsJava_namesThisJvmsSelectorProvider_beforeTheUserOptions_anotherJava_not() throws IOException {
        Path ownJava = Path.of(System.getProperty("java.home"), "bin", "java");
        WorkerSpec own = new WorkerSpec(ownJava, Runtime.version().feature(), "", List.of(), "", List.of("-Xss1m"),
                Map.of(), null, IGNORE, false);
        String expected = "-D" + WorkerCommand.SELECTOR_PROVIDER_PROPERTY + "="
                + java.nio.channels.spi.SelectorProvider.provider().getClass().getName();

        List<String> args = WorkerCommand.jvmArguments(own, 1);

        assertEquals(true, args.contains(expected), args.toString());
        assertEquals(true, args.indexOf(expected) < args.indexOf("-Xss1m"), "the user's options come after it");
        assertEquals(false, WorkerCommand.jvmArguments(spec(17, "", "", List.of()), 1).stream()
                .anyMatch(arg -> arg.startsWith("-D" + WorkerCommand.SELECTOR_PROVIDER_PROPERTY)));
    }

    @Test
    void jvmArguments_emptyClassPath_noCpOption() throws IOException {
        List<String> args = WorkerCommand.jvmArguments(spec(17, "", "", List.of()), 1);

        assertEquals(false, args.contains("-cp"));
        assertEquals("-XX:ArchiveRelocationMode=0", args.get(args.size() - 1));
    }

    @Test
    void jvmArguments_userChoosesACollector_noOtherCollectorAdded() throws IOException {
        List<String> args = WorkerCommand.jvmArguments(spec(17, "", "", List.of("-XX:+UseZGC")), 1);

        assertEquals(List.of("-XX:+UseZGC"), args.stream().filter(arg -> arg.endsWith("GC")).toList());
    }

    @Test
    void jvmArguments_collectorInTheWorkersJdkJavaOptions_noOtherCollectorAdded() throws IOException {
        WorkerSpec spec = new WorkerSpec(JAVA, 17, "", List.of(), "", List.of(),
                Map.of("JDK_JAVA_OPTIONS", "-Xss2m -XX:+UseShenandoahGC"), null, IGNORE, false);

        List<String> args = WorkerCommand.jvmArguments(spec, 1);

        assertEquals(List.of(), args.stream().filter(arg -> arg.endsWith("GC")).toList());
    }

    @Test
    void build_writesQuotedArgFileInFolder_andReturnsCommand() throws IOException {
        WorkerSpec spec = spec(17, "/with space/a.jar", "", List.of("-Dx=C:\\y \"z\""));

        List<String> command = WorkerCommand.build(spec, 4, folder);

        Path argFile = folder.resolve("jvm.args");
        assertEquals(List.of(JAVA.toString(), "@" + argFile, "dev.procpool.internal.worker.WorkerMain", "4",
                folder.toString()), command);
        List<String> expectedLines = new ArrayList<>();
        WorkerCommand.folderOptions(folder).forEach(arg -> expectedLines.add(Platform.quoteForArgFile(arg)));
        WorkerCommand.jvmArguments(spec, 4).forEach(arg -> expectedLines.add(Platform.quoteForArgFile(arg)));
        assertEquals(expectedLines, Files.readAllLines(argFile, WorkerCommand.argFileCharset()));
        assertEquals("\"-Dx=C:\\\\y \\\"z\\\"\"", expectedLines.get(expectedLines.size() - 3));
    }

    @Test
    void folderOptions_tempFolderAndErrorFileInTheWorkersFolder_percentSignsEscaped() {
        Path plain = Path.of("/tmp/procpool-1-x/worker-2");
        Path percent = Path.of("/tmp/a%b/worker-2");

        assertEquals(List.of("-Djava.io.tmpdir=" + plain.resolve("tmp"), "-XX:ErrorFile=" + plain.resolve("hs_err_pid%p.log")),
                WorkerCommand.folderOptions(plain));
        assertEquals("-XX:ErrorFile=" + Path.of("/tmp/a%%b/worker-2").resolve("hs_err_pid%p.log"),
                WorkerCommand.folderOptions(percent).get(1));
    }

    @Test
    void build_createsTheWorkersTempFolder() throws IOException {
        WorkerCommand.build(spec(17, "", "", List.of()), 1, folder);

        assertEquals(true, Files.isDirectory(folder.resolve("tmp")));
    }

    @Test
    void argFileCharset_isThePlatformEncodingTheLauncherReads() {
        assertEquals(Charset.forName(System.getProperty("sun.jnu.encoding")), WorkerCommand.argFileCharset());
    }

    private static WorkerSpec spec(int feature, String classPath, String modulePath, List<String> options) {
        return new WorkerSpec(JAVA, feature, classPath, List.of(), modulePath, options, Map.of(), null, IGNORE, false);
    }
}
