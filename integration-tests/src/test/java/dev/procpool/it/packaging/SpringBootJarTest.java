package dev.procpool.it.packaging;

import dev.procpool.it.NoLeakedWorkers;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.ExtendWith;
import org.junit.jupiter.api.io.TempDir;

import java.io.IOException;
import java.io.InputStream;
import java.io.OutputStream;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.attribute.FileTime;
import java.util.ArrayList;
import java.util.Collections;
import java.util.List;
import java.util.Map;
import java.util.TreeMap;
import java.util.jar.Attributes;
import java.util.jar.JarFile;
import java.util.jar.Manifest;
import java.util.stream.Stream;
import java.util.zip.ZipEntry;
import java.util.zip.ZipFile;
import java.util.zip.ZipOutputStream;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

/**
 * A real Spring Boot 3 executable jar (module spring-boot-app, repackaged by spring-boot-maven-plugin) started with
 * {@code java -jar}: procpool sits in its {@code BOOT-INF/lib}, the tasks in {@code BOOT-INF/classes}, and
 * workers start from jars procpool extracts into its cache. Each test gives the application a fresh cache.
 */
@ExtendWith(NoLeakedWorkers.class)
class SpringBootJarTest {
    private static final String JAR_CACHE = "procpool.internal.jarCache";
    private static final String CLASS_DATA_CACHE = "procpool.internal.classDataCache";

    @TempDir
    Path temp;

    private static List<String> command(List<String> flags, Path cache, Path jar) {
        List<String> command = new ArrayList<>();
        command.add(AppJvm.java());
        command.addAll(flags);
        command.add("-D" + JAR_CACHE + "=" + cache);
        command.add("-D" + CLASS_DATA_CACHE + "=" + System.getProperty(CLASS_DATA_CACHE));
        command.add("-jar");
        command.add(jar.toString());
        return command;
    }

    private static Map<Path, FileTime> files(Path folder) throws IOException {
        Map<Path, FileTime> files = new TreeMap<>();
        try (Stream<Path> paths = Files.walk(folder)) {
            for (Path path : paths.filter(Files::isRegularFile).toList()) {
                files.put(path, Files.getLastModifiedTime(path));
            }
        }
        return files;
    }

    /** Checks what the application printed, and that its workers ran from jars extracted into {@code cache}. */
    private static void assertRanFromCache(AppJvm.Run run, Path cache) {
        run.assertCleanExit();
        assertEquals("loopcorp", run.value("LAMBDA"), "a lambda from BOOT-INF/classes, using commons-lang3");
        assertEquals("sPRING BOOT (commons-lang3 from commons-lang3-3.17.0.jar)", run.value("CALLABLE"));
        assertEquals("WorkerCrashedException", run.value("CRASH"));
        assertTrue(run.value("AFTER_CRASH").startsWith("sTILL HERE"), run.output());
        List<String> classPath = List.of(run.value("WORKER_CLASS_PATH").split(java.io.File.pathSeparator));
        for (String wanted : List.of("BOOT-INF" + java.io.File.separator + "classes.jar", "procpool-worker-launcher-",
                "chronicle-queue-", "commons-lang3-")) {
            assertTrue(classPath.stream().anyMatch(entry -> entry.startsWith(cache.toString()) && entry.contains(wanted)),
                    wanted + " extracted into " + cache + ": " + classPath);
        }
    }

    @Test
    void bootJar_flagsInManifest_runsTasksSurvivesCrash_andReusesExtractedJars() throws Exception {
        Path jar = AppJvm.builtJar("procpool.it.springBootJar");
        Path cache = temp.resolve("jar-cache");

        AppJvm.Run cold = AppJvm.run(command(List.of(), cache, jar), temp);

        assertRanFromCache(cold, cache);
        Map<Path, FileTime> extracted = files(cache);
        assertTrue(extracted.keySet().stream().anyMatch(f -> f.getFileName().toString().startsWith("spring-core-")),
                "every jar of BOOT-INF/lib: " + extracted.keySet());

        AppJvm.Run warm = AppJvm.run(command(List.of(), cache, jar), temp);

        assertRanFromCache(warm, cache);
        assertEquals(extracted, files(cache), "the second start wrote nothing: same files, same times");
    }

    @Test
    void bootJar_flagsOnCommandLineOnly_runsTasks() throws Exception {
        Path jar = withoutFlagsInManifest(AppJvm.builtJar("procpool.it.springBootJar"), temp.resolve("no-flags.jar"));
        Path cache = temp.resolve("jar-cache");

        AppJvm.Run run = AppJvm.run(command(AppJvm.parentFlags(), cache, jar), temp);

        assertFalse(AppJvm.parentFlags().isEmpty());
        assertRanFromCache(run, cache);
    }

    /**
     * A copy of a Boot jar without the Add-Opens and Add-Exports attributes. Entries keep their method (Boot
     * needs its nested jars stored, uncompressed).
     */
    private static Path withoutFlagsInManifest(Path jar, Path copy) throws IOException {
        try (ZipFile in = new ZipFile(jar.toFile()); OutputStream file = Files.newOutputStream(copy);
             ZipOutputStream out = new ZipOutputStream(file)) {
            for (ZipEntry entry : Collections.list(in.entries())) {
                if (entry.getName().equals(JarFile.MANIFEST_NAME)) {
                    Manifest manifest;
                    try (InputStream stream = in.getInputStream(entry)) {
                        manifest = new Manifest(stream);
                    }
                    Attributes main = manifest.getMainAttributes();
                    assertTrue(main.remove(new Attributes.Name("Add-Opens")) != null, "the built jar has Add-Opens");
                    main.remove(new Attributes.Name("Add-Exports"));
                    out.putNextEntry(new ZipEntry(JarFile.MANIFEST_NAME));
                    manifest.write(out);
                } else {
                    ZipEntry copied = new ZipEntry(entry);
                    copied.setCompressedSize(-1);
                    out.putNextEntry(copied);
                    try (InputStream stream = in.getInputStream(entry)) {
                        stream.transferTo(out);
                    }
                }
                out.closeEntry();
            }
        }
        return copy;
    }
}
