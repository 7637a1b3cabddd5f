package dev.procpool.internal.executor;

import dev.procpool.internal.ipc.Message.ResourceRequested;
import dev.procpool.internal.ipc.Message.ShipResource;
import dev.procpool.internal.ipc.codec.Payload;

import java.io.IOException;
import java.io.InputStream;
import java.net.JarURLConnection;
import java.net.URL;
import java.net.URLConnection;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.Enumeration;
import java.util.HashSet;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.WeakHashMap;
import java.util.jar.JarEntry;
import java.util.jar.JarFile;
import java.util.stream.Stream;

/**
 * The classes sent to a worker along with the first class it asked for from a package: the other class files
 * of that package in the same folder or jar, read through the same loader (so a class the loader would take
 * from elsewhere is sent as the loader serves it), at most {@link #MAX_CLASSES} and {@link #MAX_BYTES} per
 * package. The worker keeps them and asks for none that has arrived; one it asks for before it arrived is sent
 * twice, and the worker keeps the spare copy. Loaders that are neither over a folder nor over a jar send
 * nothing along. Class-server thread only.
 */
final class Preloads {
    static final int MAX_CLASSES = 64;
    static final int MAX_BYTES = 512 << 10;

    /** Per worker: the packages whose classes were sent along already. */
    private final Map<WorkerHandle, Set<String>> packagesSent = new WeakHashMap<>();

    /** The other classes of the requested class's package, the first time this worker asks for one of it. */
    List<ShipResource> packageOf(WorkerHandle worker, ResourceRequested request) {
        String name = request.name();
        long loaderId = request.loaderId();
        ClassLoader loader = ParentLoaders.INSTANCE.loaderOf(loaderId);
        if (loader == null || !name.endsWith(".class")) {
            return List.of();
        }
        String folder = name.substring(0, name.lastIndexOf('/') + 1);
        if (!packagesSent.computeIfAbsent(worker, w -> new HashSet<>()).add(loaderId + "/" + folder)) {
            return List.of();
        }
        List<ShipResource> along = new ArrayList<>();
        long bytes = 0;
        for (String sibling : siblings(loader.getResource(name), folder, name)) {
            if (along.size() >= MAX_CLASSES) {
                break;
            }
            try (InputStream in = loader.getResourceAsStream(sibling)) {
                if (in == null) {
                    continue;
                }
                byte[] classFile = in.readNBytes(MAX_BYTES + 1);
                bytes += classFile.length;
                if (bytes > MAX_BYTES) {
                    break;
                }
                along.add(new ShipResource(loaderId, sibling, Payload.of(classFile), null));
            } catch (IOException | RuntimeException e) {
                // not sent along; the worker asks for it if it needs it
            }
        }
        return along;
    }

    /** The other class files in {@code folder} (a package, with a trailing slash) where {@code url} points. */
    private static List<String> siblings(URL url, String folder, String requested) {
        if (url == null) {
            return List.of();
        }
        try {
            if ("file".equals(url.getProtocol())) {
                try (Stream<Path> files = Files.list(Path.of(url.toURI()).getParent())) {
                    return files.map(file -> folder + file.getFileName())
                            .filter(n -> n.endsWith(".class") && !n.equals(requested)).sorted().toList();
                }
            }
            URLConnection connection = url.openConnection();
            if (connection instanceof JarURLConnection jar) {
                jar.setUseCaches(false); // a jar of our own to close: a cached one would stay open (locked on Windows)
                List<String> names = new ArrayList<>();
                try (JarFile file = jar.getJarFile()) {
                    for (Enumeration<JarEntry> entries = file.entries(); entries.hasMoreElements(); ) {
                        String n = entries.nextElement().getName();
                        if (n.startsWith(folder) && n.endsWith(".class") && n.indexOf('/', folder.length()) < 0
                                && !n.equals(requested)) {
                            names.add(n);
                        }
                    }
                }
                return names;
            }
        } catch (IOException | RuntimeException | java.net.URISyntaxException e) {
            // nothing sent along
        }
        return List.of();
    }
}
