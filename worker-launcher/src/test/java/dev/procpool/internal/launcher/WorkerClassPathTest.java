package dev.procpool.internal.launcher;

import org.junit.jupiter.api.Test;

import java.io.File;
import java.util.List;

import static org.junit.jupiter.api.Assertions.assertEquals;

class WorkerClassPathTest {
    private static String joined(String... entries) {
        return String.join(File.pathSeparator, entries);
    }

    @Test
    void sources_plainClassPathOnly_unchanged() {
        WorkerClassPath.Sources sources = WorkerClassPath.sources(List.of("/app/a.jar", "/app/b.jar"),
                List.of("file:/app/a.jar", "file:/app/b.jar"), Platform.Os.LINUX);

        assertEquals(new WorkerClassPath.Sources(joined("/app/a.jar", "/app/b.jar"), List.of()), sources);
    }

    @Test
    void sources_springBootJar_outerJarThenNestedEntriesInLoaderOrder() {
        List<String> loaderUrls = List.of(
                "jar:nested:/srv/app.jar/!BOOT-INF/classes/!/",
                "jar:nested:/srv/app.jar/!BOOT-INF/lib/procpool.jar!/",
                "jar:nested:/srv/app.jar/!BOOT-INF/lib/chronicle-core.jar!/",
                "jar:nested:/srv/app.jar/!BOOT-INF/lib/procpool.jar!/"); // a code source repeats a loader URL

        WorkerClassPath.Sources sources = WorkerClassPath.sources(List.of("/srv/app.jar"), loaderUrls, Platform.Os.LINUX);

        assertEquals("/srv/app.jar", sources.plain());
        assertEquals(loaderUrls.subList(0, 3), sources.nested());
    }

    @Test
    void sources_codeSourcesOutsideClassPath_appended_unusableLeftOut() {
        WorkerClassPath.Sources sources = WorkerClassPath.sources(List.of("/app/a.jar"),
                List.of("file:/plugins/p.jar", "vfs:/content/x.jar", "file:/app/classes/"), Platform.Os.LINUX);

        assertEquals(joined("/app/a.jar", "/plugins/p.jar", "/app/classes"), sources.plain());
        assertEquals(List.of(), sources.nested());
    }

    @Test
    void discover_thisJvm_coversTheRuntimeClasses() throws Exception {
        // under the build, the runtime classes come from target/classes folders and jars on java.class.path
        WorkerClassPath.Sources sources = WorkerClassPath.discover();
        String resolved = WorkerClassPath.resolve(sources);

        for (String entry : System.getProperty("java.class.path").split(File.pathSeparator)) {
            assertEquals(true, List.of(resolved.split(File.pathSeparator)).contains(new File(entry).getAbsolutePath()), entry);
        }
        assertEquals(List.of(), sources.nested());
    }
}
