package dev.procpool;

import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

import java.io.File;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Arrays;
import java.util.List;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNull;
import static org.junit.jupiter.api.Assertions.assertThrows;

/** {@link ProcessPoolBuilder#classPath}: checked when set, kept absolute in the pool's configuration. */
class ClassPathSettingTest {
    @TempDir
    Path temp;

    @Test
    void classPath_notSet_discoveredAtLaunch() {
        assertNull(ProcessPoolExecutor.builder().config(false).classPath());
    }

    @Test
    void classPath_existingJarAndFolder_keptAbsoluteInOrder() throws Exception {
        Path jar = Files.createFile(temp.resolve("tasks.jar"));
        Path classes = Files.createDirectory(temp.resolve("classes"));

        List<Path> kept = ProcessPoolExecutor.builder().classPath(List.of(classes, jar)).config(false).classPath();

        assertEquals(List.of(classes.toAbsolutePath(), jar.toAbsolutePath()), kept);
    }

    @Test
    void classPath_missingEntry_refusedNamingIt() {
        Path missing = temp.resolve("gone.jar");

        IllegalArgumentException e = assertThrows(IllegalArgumentException.class,
                () -> ProcessPoolExecutor.builder().classPath(List.of(missing)));

        assertEquals("classPath entry " + missing + " does not exist (absolute: " + missing.toAbsolutePath()
                + "); list existing jar files and class folders", e.getMessage());
    }

    @Test
    void classPath_entryHoldingSeveralPaths_refused() {
        Path joined = Path.of("a.jar" + File.pathSeparator + "b.jar");

        IllegalArgumentException e = assertThrows(IllegalArgumentException.class,
                () -> ProcessPoolExecutor.builder().classPath(List.of(joined)));

        assertEquals("classPath entries must be single paths, without '" + File.pathSeparator + "', was " + joined,
                e.getMessage());
    }

    @Test
    void classPath_null_refused() {
        assertEquals("classPath", assertThrows(NullPointerException.class,
                () -> ProcessPoolExecutor.builder().classPath(null)).getMessage());
        assertEquals("classPath must not contain null", assertThrows(NullPointerException.class,
                () -> ProcessPoolExecutor.builder().classPath(Arrays.asList(temp, null))).getMessage());
    }
}
