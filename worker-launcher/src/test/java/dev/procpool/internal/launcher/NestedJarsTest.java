package dev.procpool.internal.launcher;

import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.condition.DisabledOnOs;
import org.junit.jupiter.api.condition.OS;
import org.junit.jupiter.api.io.TempDir;

import java.io.IOException;
import java.io.OutputStream;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.attribute.FileTime;
import java.nio.file.attribute.PosixFilePermissions;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.Callable;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.Future;
import java.util.stream.Stream;
import java.util.zip.CRC32;
import java.util.zip.ZipEntry;
import java.util.zip.ZipFile;
import java.util.zip.ZipOutputStream;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertNotEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

class NestedJarsTest {
    @TempDir
    Path temp;

    private static final byte[] INNER = "inner jar bytes".getBytes(StandardCharsets.UTF_8);

    /** A Spring-Boot-shaped jar: a stored jar in BOOT-INF/lib and two classes in BOOT-INF/classes. */
    private Path bootJar(String name, byte[] inner) throws IOException {
        Path jar = temp.resolve(name);
        try (ZipOutputStream zip = new ZipOutputStream(Files.newOutputStream(jar))) {
            zip.putNextEntry(new ZipEntry("BOOT-INF/"));
            zip.putNextEntry(new ZipEntry("BOOT-INF/classes/"));
            zip.putNextEntry(new ZipEntry("BOOT-INF/classes/com/acme/Task.class"));
            zip.write(new byte[] {(byte) 0xCA, (byte) 0xFE});
            zip.putNextEntry(new ZipEntry("BOOT-INF/classes/application.properties"));
            zip.write("a=1".getBytes(StandardCharsets.UTF_8));
            ZipEntry stored = new ZipEntry("BOOT-INF/lib/inner-1.0.jar");
            stored.setMethod(ZipEntry.STORED);
            stored.setSize(inner.length);
            CRC32 crc = new CRC32();
            crc.update(inner);
            stored.setCrc(crc.getValue());
            zip.putNextEntry(stored);
            zip.write(inner);
            zip.closeEntry();
        }
        return jar;
    }

    private Path cache() {
        return temp.resolve("cache");
    }

    @Test
    void extract_nestedJar_copiedOnceIntoAnAppFolderOfTheCache() throws IOException {
        Path app = bootJar("app.jar", INNER);

        Path extracted = NestedJars.extract(new CodeSourceLocation(app.toString(), "BOOT-INF/lib/inner-1.0.jar"), cache());

        assertArrayEquals(INNER, Files.readAllBytes(extracted));
        assertTrue(extracted.startsWith(cache()), extracted.toString());
        assertTrue(extracted.toString().endsWith(Path.of("BOOT-INF", "lib", "inner-1.0.jar").toString()));
        FileTime written = Files.getLastModifiedTime(extracted);
        assertEquals(extracted, NestedJars.extract(new CodeSourceLocation(app.toString(), "BOOT-INF/lib/inner-1.0.jar"), cache()));
        assertEquals(written, Files.getLastModifiedTime(extracted), "not written again: a class-data archive checks it");
    }

    @Test
    void extract_nestedFolder_becomesAJarOfItsFiles() throws IOException {
        Path app = bootJar("app.jar", INNER);

        Path classes = NestedJars.extract(new CodeSourceLocation(app.toString(), "BOOT-INF/classes/"), cache());

        assertTrue(classes.getFileName().toString().endsWith("classes.jar"), classes.toString());
        try (ZipFile jar = new ZipFile(classes.toFile())) {
            assertArrayEquals(new byte[] {(byte) 0xCA, (byte) 0xFE},
                    jar.getInputStream(jar.getEntry("com/acme/Task.class")).readAllBytes());
            assertEquals("a=1", new String(jar.getInputStream(jar.getEntry("application.properties")).readAllBytes(),
                    StandardCharsets.UTF_8));
        }
        assertEquals(classes, NestedJars.extract(new CodeSourceLocation(app.toString(), "BOOT-INF/classes"), cache()),
                "Spring Boot 2's form names the same folder without the slash");
    }

    @Test
    void extract_anyJvm_writesTheSameBytesAndDate() throws IOException {
        Path app = bootJar("app.jar", INNER);
        Path classes = NestedJars.extract(new CodeSourceLocation(app.toString(), "BOOT-INF/classes/"), cache());
        Path lib = NestedJars.extract(new CodeSourceLocation(app.toString(), "BOOT-INF/lib/inner-1.0.jar"), cache());
        byte[] classesBytes = Files.readAllBytes(classes);
        FileTime classesTime = Files.getLastModifiedTime(classes);
        FileTime libTime = Files.getLastModifiedTime(lib);
        Files.delete(classes);
        Files.delete(lib);

        assertArrayEquals(classesBytes, Files.readAllBytes(
                NestedJars.extract(new CodeSourceLocation(app.toString(), "BOOT-INF/classes/"), cache())));
        assertEquals(classesTime, Files.getLastModifiedTime(classes));
        assertEquals(libTime, Files.getLastModifiedTime(
                NestedJars.extract(new CodeSourceLocation(app.toString(), "BOOT-INF/lib/inner-1.0.jar"), cache())));
    }

    @Test
    void extract_changedApplication_newFolder() throws IOException {
        Path first = NestedJars.extract(new CodeSourceLocation(bootJar("one.jar", INNER).toString(),
                "BOOT-INF/lib/inner-1.0.jar"), cache());
        Path second = NestedJars.extract(new CodeSourceLocation(bootJar("two.jar", "changed".getBytes(StandardCharsets.UTF_8)).toString(),
                "BOOT-INF/lib/inner-1.0.jar"), cache());

        assertNotEquals(first.getParent().getParent().getParent(), second.getParent().getParent().getParent());
        assertArrayEquals(INNER, Files.readAllBytes(first));
    }

    @Test
    void extract_severalThreadsAtOnce_oneCompleteFileNoLeftovers() throws Exception {
        Path app = bootJar("app.jar", new byte[1 << 20]);
        ExecutorService threads = Executors.newFixedThreadPool(4);
        try {
            List<Future<Path>> results = new ArrayList<>();
            for (int i = 0; i < 8; i++) {
                // through the write path each time: a fresh cache folder name per round is not needed, as the
                // memo is per outer jar; the file may or may not exist when each call looks
                results.add(threads.submit((Callable<Path>) () ->
                        NestedJars.extract(new CodeSourceLocation(app.toString(), "BOOT-INF/lib/inner-1.0.jar"), cache())));
            }
            Path first = results.get(0).get();
            for (Future<Path> result : results) {
                assertEquals(first, result.get());
            }
            assertEquals(1 << 20, Files.size(first));
        } finally {
            threads.shutdownNow();
        }
        try (Stream<Path> files = Files.walk(cache())) {
            assertEquals(List.of(), files.filter(f -> f.getFileName().toString().contains(".tmp-")).toList());
        }
    }

    @Test
    void extract_missingEntry_saysWhichAndWhere() throws IOException {
        Path app = bootJar("app.jar", INNER);

        IOException e = assertThrows(IOException.class,
                () -> NestedJars.extract(new CodeSourceLocation(app.toString(), "BOOT-INF/lib/gone.jar"), cache()));

        assertTrue(e.getMessage().contains("BOOT-INF/lib/gone.jar") && e.getMessage().contains(app.toString()), e.getMessage());
    }

    @Test
    void requireSafe_entryReachingOutside_refused() {
        for (String entry : List.of("../evil.jar", "BOOT-INF/../../evil.jar", "/etc/evil.jar", "C:/evil.jar", "a\\..\\b.jar")) {
            IOException e = assertThrows(IOException.class, () -> NestedJars.requireSafe(entry, Path.of("app.jar")), entry);
            assertTrue(e.getMessage().contains("reach outside"), e.getMessage());
        }
    }

    @Test
    @DisabledOnOs(OS.WINDOWS)
    void extract_posix_ownerOnlyFoldersAndFiles() throws IOException {
        Path extracted = NestedJars.extract(new CodeSourceLocation(bootJar("app.jar", INNER).toString(),
                "BOOT-INF/lib/inner-1.0.jar"), cache());

        assertEquals("rw-------", PosixFilePermissions.toString(Files.getPosixFilePermissions(extracted)));
        assertEquals("rwx------", PosixFilePermissions.toString(Files.getPosixFilePermissions(cache())));
        assertEquals("rwx------", PosixFilePermissions.toString(Files.getPosixFilePermissions(extracted.getParent())));
    }

    @Test
    @DisabledOnOs(OS.WINDOWS)
    void extract_cacheWritableByOthers_refusedWithTheReason() throws IOException {
        Path cache = Files.createDirectories(temp.resolve("shared-cache"));
        Files.setPosixFilePermissions(cache, PosixFilePermissions.fromString("rwxrwxrwx"));

        IOException e = assertThrows(IOException.class, () -> NestedJars.extract(
                new CodeSourceLocation(bootJar("app.jar", INNER).toString(), "BOOT-INF/lib/inner-1.0.jar"), cache));

        assertTrue(e.getMessage().contains("can be written by its group and others"), e.getMessage());
    }

    @Test
    void extract_staleAppFolderAndDeadWritersPartial_removed() throws IOException {
        Path stale = Files.createDirectories(cache().resolve("old-app-0123456789abcdef"));
        try (OutputStream out = Files.newOutputStream(stale.resolve("x.jar"))) {
            out.write(1);
        }
        Files.setLastModifiedTime(stale, FileTime.from(Instant.now().minus(Duration.ofDays(31))));
        Path recent = Files.createDirectories(cache().resolve("recent-app-0123456789abcdef"));
        Path app = bootJar("cleaning.jar", INNER);
        Path first = NestedJars.extract(new CodeSourceLocation(app.toString(), "BOOT-INF/lib/inner-1.0.jar"), cache());
        assertTrue(Files.exists(first));

        // the cleaning ran once for this cache folder in this JVM: with a new cache folder it runs again
        Path otherCache = temp.resolve("cache2");
        Path appFolderTwo = Files.createDirectories(otherCache.resolve("old-0123456789abcdef"));
        Files.setLastModifiedTime(appFolderTwo, FileTime.from(Instant.now().minus(Duration.ofDays(40))));
        Path extracted = NestedJars.extract(new CodeSourceLocation(bootJar("other.jar", INNER).toString(),
                "BOOT-INF/lib/inner-1.0.jar"), otherCache);
        Path partial = Files.writeString(extracted.resolveSibling("inner-1.0.jar.tmp-999999999-1"), "partial");

        assertFalse(Files.exists(appFolderTwo));
        assertTrue(Files.exists(partial), "made after the cleaning");
        assertFalse(Files.exists(stale), "unused for 31 days");
        assertTrue(Files.exists(recent));
    }
}
