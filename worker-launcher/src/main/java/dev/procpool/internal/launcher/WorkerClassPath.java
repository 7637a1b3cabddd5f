package dev.procpool.internal.launcher;

import java.io.File;
import java.io.IOException;
import java.net.URL;
import java.net.URLClassLoader;
import java.nio.file.Files;
import java.nio.file.Path;
import java.security.CodeSource;
import java.util.ArrayList;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Set;
import java.util.concurrent.ConcurrentHashMap;
import java.util.regex.Pattern;

/**
 * The class path a worker starts with, wherever the parent's classes are. Discovery looks in three places, in
 * this order: the parent's {@code java.class.path}; the URLs of the {@code URLClassLoader}s that loaded procpool
 * (a Spring Boot jar's {@code BOOT-INF/classes} and {@code BOOT-INF/lib/*.jar}, a servlet container's
 * web application), from the outermost loader in; and the code sources of the classes a worker needs to start
 * ({@link #RUNTIME_CLASSES}), where not yet covered. Classes in named modules are left out: they reach the worker
 * through its module path. Entries that are plain files are used as they are; entries inside another jar are
 * extracted once into procpool's cache ({@link NestedJars}) when a worker is launched. With an explicit class path
 * ({@code ProcessPoolBuilder.classPath}) discovery is skipped: the worker gets the jars of procpool's own runtime
 * and public API, then that list.
 *
 * <p>{@link #sources} runs on the thread that builds a spec (cheap: no file is read); {@link #resolve} on a
 * starter thread. Thread-safe.
 */
public final class WorkerClassPath {
    /** A class from each jar a worker loads classes from while it starts: procpool's, Chronicle's, SLF4J's. */
    static final List<String> RUNTIME_CLASSES = List.of(
            "dev.procpool.internal.worker.WorkerMain", "dev.procpool.internal.ipc.Queues",
            "net.openhft.chronicle.queue.ChronicleQueue", "net.openhft.chronicle.core.Jvm",
            "net.openhft.chronicle.bytes.Bytes", "net.openhft.chronicle.wire.Wire",
            "net.openhft.chronicle.threads.Pauser", "net.openhft.posix.PosixAPI",
            "org.slf4j.Logger");

    /**
     * The public API's jar, which task classes and lambdas refer to ({@code SerializableCallable}), though a worker
     * starts without it; looked up by name, as this module does not depend on it.
     */
    static final String API_CLASS = "dev.procpool.ProcessPoolExecutor";

    /** Extracted files by the URL they came from; checked to exist before each use. */
    private static final ConcurrentHashMap<String, Path> EXTRACTED = new ConcurrentHashMap<>();

    private WorkerClassPath() {
    }

    /**
     * The class-path entries to give a worker, before extraction: plain paths, and URLs of entries nested in a
     * jar.
     *
     * @param plain  plain files and folders, joined with the path separator
     * @param nested URLs of entries inside jars, to extract
     */
    public record Sources(String plain, List<String> nested) {
        public Sources {
            nested = List.copyOf(nested);
        }
    }

    /** Discovers the running JVM's sources, as described above. */
    static Sources discover() {
        List<String> urls = new ArrayList<>(loaderUrls(WorkerClassPath.class.getClassLoader()));
        urls.addAll(runtimeSources(RUNTIME_CLASSES));
        return sources(splitPathList(System.getProperty("java.class.path", "")), urls, Platform.current());
    }

    /** procpool's runtime jars, then {@code classPath}, as given. */
    static Sources explicit(List<Path> classPath) {
        List<String> entries = new ArrayList<>();
        classPath.forEach(path -> entries.add(path.toAbsolutePath().toString()));
        List<String> runtimeClasses = new ArrayList<>(RUNTIME_CLASSES);
        runtimeClasses.add(API_CLASS);
        Sources runtime = sources(List.of(), runtimeSources(runtimeClasses), Platform.current());
        List<String> plain = new ArrayList<>(splitPathList(runtime.plain()));
        plain.addAll(entries);
        return new Sources(String.join(File.pathSeparator, new LinkedHashSet<>(plain)), runtime.nested());
    }

    /**
     * The pure part of discovery: {@code classPath} entries first, then each of {@code urls} (loader URLs and code
     * sources) that is not already there, plain or nested. URLs no worker can use are left out.
     */
    static Sources sources(List<String> classPath, List<String> urls, Platform.Os os) {
        Set<String> plain = new LinkedHashSet<>();
        for (String entry : classPath) {
            plain.add(WorkerSpec.absolute(entry));
        }
        Set<String> nested = new LinkedHashSet<>();
        for (String url : urls) {
            CodeSourceLocation location = CodeSourceLocation.parse(url, os);
            if (location == null) {
                continue;
            }
            if (location.nested()) {
                nested.add(url);
            } else {
                plain.add(location.file());
            }
        }
        return new Sources(String.join(File.pathSeparator, plain), List.copyOf(nested));
    }

    /**
     * The worker's class path as plain files: {@code sources}' plain entries, then its nested ones extracted (in
     * the first call for each, on the calling thread).
     *
     * @throws IOException when an entry cannot be extracted; the message says which and why
     */
    static String resolve(Sources sources) throws IOException {
        if (sources.nested().isEmpty()) {
            return sources.plain();
        }
        Set<String> entries = new LinkedHashSet<>(splitPathList(sources.plain()));
        for (String url : sources.nested()) {
            entries.add(extracted(url).toString());
        }
        return String.join(File.pathSeparator, entries);
    }

    /**
     * The jar the class named {@code className} comes from, as a plain file (extracted if nested); null when it is
     * not in a jar or not found. Does not load the class where its class file can be found as a resource.
     */
    static Path plainJarOf(String className, ClassLoader loader) {
        String url = locationOf(className, loader);
        CodeSourceLocation location = url == null ? null : CodeSourceLocation.parse(url, Platform.current());
        if (location == null) {
            return null;
        }
        try {
            Path path = location.nested() ? extracted(url) : Path.of(location.file());
            return Files.isRegularFile(path) && path.getFileName().toString().endsWith(".jar") ? path : null;
        } catch (IOException | RuntimeException e) {
            return null;
        }
    }

    private static Path extracted(String url) throws IOException {
        Path known = EXTRACTED.get(url);
        if (known != null && Files.isRegularFile(known)) {
            return known;
        }
        CodeSourceLocation location = CodeSourceLocation.parse(url, Platform.current());
        Path path = NestedJars.extract(location, NestedJars.cacheFolder());
        EXTRACTED.put(url, path);
        return path;
    }

    /** The URLs of every {@code URLClassLoader} from {@code loader} up, the outermost loader's first. */
    private static List<String> loaderUrls(ClassLoader loader) {
        List<List<String>> chain = new ArrayList<>();
        for (ClassLoader each = loader; each != null; each = each.getParent()) {
            if (each instanceof URLClassLoader urlLoader) {
                List<String> urls = new ArrayList<>();
                for (URL url : urlLoader.getURLs()) {
                    urls.add(url.toString());
                }
                chain.add(0, urls);
            }
        }
        return chain.stream().flatMap(List::stream).toList();
    }

    /**
     * The URLs of the class-path entries that hold {@code classNames}, except those in named modules. Read from
     * where each class file is, without loading the class: loading Chronicle's classes here cost 25-35 ms of a new
     * JVM's way to its first worker. Where procpool itself is in a named module, from the loaded classes' code
     * sources.
     */
    private static List<String> runtimeSources(List<String> classNames) {
        return runtimeSources(classNames, WorkerClassPath.class.getClassLoader());
    }

    static List<String> runtimeSources(List<String> classNames, ClassLoader loader) {
        if (WorkerClassPath.class.getModule().isNamed() || loader == null) {
            return loadedSources(classNames, loader);
        }
        List<String> urls = new ArrayList<>();
        for (String name : classNames) {
            String url = inNamedModule(name) ? null : locationOf(name, loader);
            if (url != null) { // else not here, or in a named module: the worker gets it through its module path
                urls.add(url);
            }
        }
        return urls;
    }

    /**
     * The URL of the class-path entry that holds the class named {@code className}, found from its class file
     * where it can be (the class is not loaded), else from its code source; null when it is not found.
     */
    private static String locationOf(String className, ClassLoader loader) {
        String resource = className.replace('.', '/') + ".class";
        URL url = loader == null ? null : loader.getResource(resource);
        String location = url == null ? null : entryOf(url.toString(), resource);
        if (location != null) {
            return location;
        }
        try {
            return codeSourceUrl(Class.forName(className, false, loader));
        } catch (ClassNotFoundException | LinkageError | SecurityException e) {
            return null;
        }
    }

    /** The URL of the code source {@code type} was loaded from, or null when it has none. */
    private static String codeSourceUrl(Class<?> type) {
        CodeSource source = type.getProtectionDomain().getCodeSource();
        return source == null || source.getLocation() == null ? null : source.getLocation().toString();
    }

    /**
     * The URL of the class-path entry a resource's URL points into ({@code jar:file:/a.jar!/} for
     * {@code jar:file:/a.jar!/x/Y.class}, {@code file:/classes/} for {@code file:/classes/x/Y.class}), or null when
     * the URL does not end with the resource's name.
     */
    static String entryOf(String resourceUrl, String resource) {
        if (!resourceUrl.endsWith("/" + resource)) {
            return null;
        }
        return resourceUrl.substring(0, resourceUrl.length() - resource.length());
    }

    /** Whether the class's package belongs to a named module of the boot layer (the module path). */
    private static boolean inNamedModule(String className) {
        String pkg = className.substring(0, Math.max(0, className.lastIndexOf('.')));
        for (Module module : ModuleLayer.boot().modules()) {
            if (module.getPackages().contains(pkg)) {
                return true;
            }
        }
        return false;
    }

    /** The code-source URLs of {@code classNames}, loaded (not initialized), that are not in named modules. */
    static List<String> loadedSources(List<String> classNames, ClassLoader loader) {
        List<String> urls = new ArrayList<>();
        for (String name : classNames) {
            try {
                Class<?> type = Class.forName(name, false, loader);
                String url = codeSourceUrl(type);
                if (!type.getModule().isNamed() && url != null) {
                    urls.add(url);
                }
            } catch (ClassNotFoundException | LinkageError | SecurityException e) {
                // not here: the worker will say which class it misses
            }
        }
        return urls;
    }

    private static List<String> splitPathList(String pathList) {
        if (pathList.isEmpty()) {
            return List.of();
        }
        return List.of(pathList.split(Pattern.quote(File.pathSeparator)));
    }
}
