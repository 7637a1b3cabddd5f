package dev.procpool.internal.launcher;

import org.junit.jupiter.api.Test;

import java.io.File;
import java.io.InputStream;
import java.net.URL;
import java.net.URLClassLoader;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.jar.JarEntry;
import java.util.jar.JarOutputStream;

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

    @Test
    void entryOf_resourceUrls_giveTheEntryInTheFormsCodeSourcesHave() {
        String resource = "net/openhft/chronicle/core/Jvm.class";

        assertEquals("jar:file:/app/chronicle-core.jar!/", WorkerClassPath.entryOf("jar:file:/app/chronicle-core.jar!/" + resource, resource));
        assertEquals("file:/app/classes/", WorkerClassPath.entryOf("file:/app/classes/" + resource, resource));
        assertEquals("jar:nested:/srv/app.jar/!BOOT-INF/lib/core.jar!/",
                WorkerClassPath.entryOf("jar:nested:/srv/app.jar/!BOOT-INF/lib/core.jar!/" + resource, resource));
        assertEquals("jar:nested:/srv/app.jar/!BOOT-INF/classes/!/",
                WorkerClassPath.entryOf("jar:nested:/srv/app.jar/!BOOT-INF/classes/!/" + resource, resource));
        assertEquals(null, WorkerClassPath.entryOf("jar:file:/app/x.jar!/other/" + resource.replace("Jvm", "Jvm2"), resource));
    }

    @Test
    void runtimeSources_fromClassFiles_sameEntriesAsFromLoadedClasses() throws Exception {
        ClassLoader loader = WorkerClassPath.class.getClassLoader();
        Path jar = Files.createTempFile("procpool-classpath-", ".jar");
        try {
            try (JarOutputStream out = new JarOutputStream(Files.newOutputStream(jar))) {
                String resource = TestTasks.class.getName().replace('.', '/') + ".class";
                out.putNextEntry(new JarEntry(resource));
                try (InputStream in = loader.getResourceAsStream(resource)) {
                    in.transferTo(out);
                }
            }
            // a loader of its own, as a plugin's: its jar is found beside the build's folders and jars
            try (URLClassLoader plugin = new URLClassLoader(new URL[] {jar.toUri().toURL()}, null)) {
                List<String> names = new ArrayList<>(WorkerClassPath.RUNTIME_CLASSES);
                List<String> expected = locations(WorkerClassPath.loadedSources(names, loader));
                expected.addAll(locations(WorkerClassPath.loadedSources(List.of(TestTasks.class.getName()), plugin)));

                List<String> found = locations(WorkerClassPath.runtimeSources(names, loader));
                found.addAll(locations(WorkerClassPath.runtimeSources(List.of(TestTasks.class.getName()), plugin)));

                assertEquals(expected, found);
                assertEquals(true, found.contains(jar.toString()), found.toString());
                assertEquals(WorkerClassPath.RUNTIME_CLASSES.size() + 1, found.size(), found.toString());
            }
        } finally {
            Files.delete(jar);
        }
    }

    private static List<String> locations(List<String> urls) {
        List<String> files = new ArrayList<>();
        for (String url : urls) {
            files.add(CodeSourceLocation.parse(url, Platform.current()).file());
        }
        return files;
    }
}
