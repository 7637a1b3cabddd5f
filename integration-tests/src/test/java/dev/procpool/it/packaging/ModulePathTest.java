package dev.procpool.it.packaging;

import dev.procpool.it.NoLeakedWorkers;
import dev.procpool.it.fixtures.ModulePathMain;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.ExtendWith;
import org.junit.jupiter.api.io.TempDir;

import java.io.File;
import java.net.URISyntaxException;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Set;
import java.util.stream.Collectors;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assumptions.assumeTrue;

/**
 * A parent JVM that has procpool's jars on its module path (they are automatic modules, named by their
 * Automatic-Module-Name). Two layouts: Chronicle and SLF4J on the class path, and everything on the module path,
 * where Chronicle is the named module {@code chronicle.core} and the queue flags must name it.
 */
@ExtendWith(NoLeakedWorkers.class)
class ModulePathTest {
    @TempDir
    Path temp;

    /** procpool's three jars, as this test JVM loaded them; the test needs jars (the reactor's verify makes them). */
    private static List<String> procpoolJars() throws URISyntaxException {
        List<String> jars = new ArrayList<>();
        for (String name : List.of("dev.procpool.ProcessPoolExecutor", "dev.procpool.internal.worker.WorkerMain",
                "dev.procpool.internal.ipc.Queues")) {
            try {
                Path jar = Path.of(Class.forName(name).getProtectionDomain().getCodeSource().getLocation().toURI());
                assumeTrue(jar.toString().endsWith(".jar"), "procpool's classes come from " + jar + ", not a jar;"
                        + " run the integration tests after package (mvn verify)");
                jars.add(jar.toString());
            } catch (ClassNotFoundException e) {
                throw new AssertionError(e);
            }
        }
        return jars;
    }

    /** This JVM's class path without procpool's jars and {@code without} (jars of the tests' own tools). */
    private static List<String> classPathWithout(List<String> procpool, Set<String> without) {
        return List.of(System.getProperty("java.class.path").split(File.pathSeparator)).stream()
                .filter(entry -> !procpool.contains(entry))
                .filter(entry -> without.stream().noneMatch(prefix -> Path.of(entry).getFileName().toString().startsWith(prefix)))
                .toList();
    }

    private AppJvm.Run run(List<String> flags, List<String> modulePath, String addModules, List<String> classPath)
            throws Exception {
        List<String> command = new ArrayList<>();
        command.add(AppJvm.java());
        command.addAll(flags);
        command.add("-Dprocpool.internal.classDataCache=" + System.getProperty("procpool.internal.classDataCache"));
        command.add("--module-path");
        command.add(String.join(File.pathSeparator, modulePath));
        command.add("--add-modules");
        command.add(addModules);
        command.add("-cp");
        command.add(String.join(File.pathSeparator, classPath));
        command.add(ModulePathMain.class.getName());
        return AppJvm.run(command, temp);
    }

    @Test
    void procpoolOnModulePath_chronicleOnClassPath_runsTasks() throws Exception {
        List<String> procpool = procpoolJars();

        AppJvm.Run run = run(AppJvm.parentFlags(), procpool, "dev.procpool", classPathWithout(procpool, Set.of()));

        run.assertCleanExit();
        assertEquals("dev.procpool", run.value("PROCPOOL_MODULE"));
        assertEquals("42", run.value("LAMBDA"));
    }

    @Test
    void everythingOnModulePath_flagsNamingChroniclesModule_runsTasks() throws Exception {
        List<String> procpool = procpoolJars();
        Set<String> testTools = Set.of("junit-", "opentest4j-", "apiguardian-", "awaitility-", "hamcrest-", "surefire",
                "test-classes", "classes");
        List<String> libraries = classPathWithout(procpool, testTools).stream().filter(e -> e.endsWith(".jar")).toList();
        List<String> modulePath = new ArrayList<>(procpool);
        modulePath.addAll(libraries);
        List<String> flags = AppJvm.parentFlags().stream()
                .map(flag -> flag.replace("=ALL-UNNAMED", "=chronicle.core")).collect(Collectors.toList());
        String testClasses = Path.of(ModulePathMain.class.getProtectionDomain().getCodeSource().getLocation().toURI()).toString();

        AppJvm.Run run = run(flags, modulePath, "ALL-MODULE-PATH", List.of(testClasses));

        run.assertCleanExit();
        assertEquals("dev.procpool", run.value("PROCPOOL_MODULE"));
        assertEquals("42", run.value("LAMBDA"));
    }
}
