package dev.procpool.internal.launcher;

import dev.procpool.internal.ipc.FileTrees;

import java.io.IOException;
import java.io.InputStream;
import java.io.OutputStream;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardCopyOption;
import java.nio.file.attribute.FileTime;
import java.security.MessageDigest;
import java.security.NoSuchAlgorithmException;
import java.time.Duration;
import java.time.Instant;
import java.util.Collections;
import java.util.HexFormat;
import java.util.List;
import java.util.concurrent.ConcurrentHashMap;
import java.util.zip.ZipEntry;
import java.util.zip.ZipFile;
import java.util.zip.ZipOutputStream;

/**
 * Extracts class-path entries that sit inside another jar (a Spring Boot jar's {@code BOOT-INF/lib/*.jar} and
 * {@code BOOT-INF/classes/}) into procpool's cache folder, so that workers start with a class path of plain
 * files. Each outer jar gets a folder named by a hash of its entries' names, sizes and CRCs (its content, read
 * from the zip's directory without inflating anything): a rebuilt application gets a new folder, an unchanged
 * one reuses its files in every later JVM. The JDK is not part of the name, as extracted jars do not depend on
 * it. Inside, an entry keeps its path ({@code BOOT-INF/lib/a.jar}); a folder entry becomes a jar of its files
 * ({@code BOOT-INF/classes.jar}).
 *
 * <p>Several JVMs may start at once: each file is written under a temporary name and moved into place
 * atomically, so a reader sees a complete file or none. Folders are created owner-only and not used when
 * someone else owns them or can write them ({@link CacheTrust}). Application folders not used for 30 days, and
 * temporary files of JVMs that died while writing, are removed. Any thread; calls for the same outer jar are
 * memoised.
 */
final class NestedJars {
    /** Internal, for tests: where extracted jars go instead of the user's cache folder. */
    static final String CACHE_PROPERTY = "procpool.internal.jarCache";
    private static final Duration UNUSED_FOR = Duration.ofDays(30);
    private static final ConcurrentHashMap<List<Path>, Path> FOLDERS = new ConcurrentHashMap<>();
    private static final java.util.Set<Path> CLEANED = ConcurrentHashMap.newKeySet();

    private NestedJars() {
    }

    /** The cache folder for extracted jars: {@value #CACHE_PROPERTY} when set, else {@code <user cache>/jars}. */
    static Path cacheFolder() throws IOException {
        String override = System.getProperty(CACHE_PROPERTY);
        if (override != null && !override.isBlank()) {
            return Path.of(override).toAbsolutePath();
        }
        Path base = Platform.cacheDirectory(Platform.current(), System::getenv, System.getProperty("user.home"));
        if (base == null) {
            throw new IOException("there is no user cache folder (no user.home, LOCALAPPDATA or XDG_CACHE_HOME) to"
                    + " extract the workers' jars into; start the JVM with -Duser.home=<a folder of yours>, or give"
                    + " the pool its workers' class path of plain files with ProcessPoolBuilder.classPath(...)");
        }
        return base.resolve("jars");
    }

    /**
     * A plain file holding {@code location}'s entry, extracted from its outer jar into {@code cache} unless an
     * earlier JVM did so already.
     *
     * @throws IOException naming the jar, the entry and the cause, when it cannot be read or written
     */
    static Path extract(CodeSourceLocation location, Path cache) throws IOException {
        Path outer = Path.of(location.file());
        String entry = location.entry();
        requireSafe(entry, outer);
        try (ZipFile zip = new ZipFile(outer.toFile())) {
            Path folder;
            try {
                folder = FOLDERS.computeIfAbsent(List.of(outer.toAbsolutePath(), cache), key -> appFolder(zip, outer, cache));
            } catch (java.io.UncheckedIOException e) {
                throw e.getCause();
            }
            if (folder == null) {
                FOLDERS.remove(List.of(outer.toAbsolutePath(), cache));
                throw new IOException("could not hash the entries of " + outer);
            }
            ZipEntry file = entry.endsWith("/") ? null : zip.getEntry(entry);
            if (file != null && !file.isDirectory()) {
                Path target = folder.resolve(entry);
                if (!(Files.isRegularFile(target) && (file.getSize() < 0 || Files.size(target) == file.getSize()))) {
                    write(target, file.getTime(), out -> {
                        try (InputStream in = zip.getInputStream(file)) {
                            in.transferTo(out);
                        }
                    });
                }
                return target;
            }
            String prefix = entry.endsWith("/") ? entry : entry + "/";
            if (zip.getEntry(prefix) == null && zip.stream().noneMatch(e -> e.getName().startsWith(prefix))) {
                throw new IOException(outer + " has no entry " + entry);
            }
            Path target = folder.resolve(prefix.substring(0, prefix.length() - 1) + ".jar");
            if (!Files.isRegularFile(target)) {
                long newest = zip.stream().filter(e -> e.getName().startsWith(prefix)).mapToLong(ZipEntry::getTime).max().orElse(0);
                write(target, newest, out -> {
                    try (ZipOutputStream jar = new ZipOutputStream(out)) {
                        for (ZipEntry each : Collections.list(zip.entries())) {
                            if (each.getName().startsWith(prefix) && each.getName().length() > prefix.length()) {
                                ZipEntry copy = new ZipEntry(each.getName().substring(prefix.length()));
                                copy.setTime(each.getTime()); // the same bytes whichever JVM writes it
                                jar.putNextEntry(copy);
                                if (!each.isDirectory()) {
                                    try (InputStream in = zip.getInputStream(each)) {
                                        in.transferTo(jar);
                                    }
                                }
                                jar.closeEntry();
                            }
                        }
                    }
                });
            }
            return target;
        } catch (IOException e) {
            throw new IOException("could not extract " + entry + " from " + outer + " into " + cache
                    + " for the workers' class path (" + e + "); make that folder writable (on Linux, set"
                    + " XDG_CACHE_HOME to a writable folder), or start the application from plain jars (Spring Boot:"
                    + " java -Djarmode=tools -jar app.jar extract), or set the workers' class path with"
                    + " ProcessPoolBuilder.classPath(...)", e);
        }
    }

    /** Refuses entry names that would write outside the application's folder ({@code ../}, absolute). */
    static void requireSafe(String entry, Path outer) throws IOException {
        boolean unsafe = entry.startsWith("/") || entry.contains("\\") || entry.contains(":")
                || ("/" + entry + "/").contains("/../") || ("/" + entry + "/").contains("/./");
        if (unsafe) {
            throw new IOException("refused the class-path entry " + entry + " inside " + outer
                    + ": its name would reach outside procpool's cache folder");
        }
    }

    private interface Content {
        void writeTo(OutputStream out) throws IOException;
    }

    /**
     * Writes {@code target} under a temporary name beside it, dated {@code modifiedMillis}, then moves it into
     * place in one step. Two JVMs that race write the same bytes and date, so the one that replaces the other's
     * file changes nothing a class-data archive checks (a jar's size and date).
     */
    private static void write(Path target, long modifiedMillis, Content content) throws IOException {
        CacheTrust.createFolder(target.getParent());
        Path partial = target.resolveSibling(target.getFileName() + ".tmp-" + ProcessHandle.current().pid()
                + "-" + System.nanoTime());
        try {
            try (OutputStream out = Files.newOutputStream(Files.createFile(partial, CacheTrust.ownerOnlyFile()))) {
                content.writeTo(out);
            }
            Files.setLastModifiedTime(partial, FileTime.fromMillis(Math.max(0, modifiedMillis)));
            Files.move(partial, target, StandardCopyOption.ATOMIC_MOVE, StandardCopyOption.REPLACE_EXISTING);
        } catch (IOException e) {
            if (Files.isRegularFile(target)) {
                return; // another JVM moved the same content in first (Windows refuses to replace a file in use)
            }
            throw e;
        } finally {
            Files.deleteIfExists(partial);
        }
    }

    /**
     * The folder for {@code outer}'s entries, created owner-only and checked; marked as used now. Removes what
     * has gone stale once per cache folder and JVM. Null when the hash cannot be computed.
     */
    private static Path appFolder(ZipFile zip, Path outer, Path cache) {
        try {
            MessageDigest digest = MessageDigest.getInstance("SHA-256");
            for (ZipEntry each : Collections.list(zip.entries())) {
                digest.update((each.getName() + "|" + each.getSize() + "|" + each.getCrc() + "\n")
                        .getBytes(StandardCharsets.UTF_8));
            }
            String name = outer.getFileName().toString().replaceAll("\\.jar$|\\.war$", "")
                    .replaceAll("[^A-Za-z0-9._-]", "_");
            Path folder = cache.resolve(name + "-" + HexFormat.of().formatHex(digest.digest(), 0, 8));
            CacheTrust.createFolder(folder);
            for (Path checked : List.of(cache, folder)) {
                String why = CacheTrust.whyNotTrusted(checked);
                if (why != null) {
                    throw new java.io.UncheckedIOException(new IOException("procpool will not start workers from jars in "
                            + checked + ", which could let another user change the code they run: " + why
                            + ". Remove it, or make it yours and writable by you alone (chmod go-w)"));
                }
            }
            Files.setLastModifiedTime(folder, FileTime.from(Instant.now())); // in use: not to be removed
            if (CLEANED.add(cache)) {
                removeUnused(cache, folder);
            }
            return folder;
        } catch (IOException e) {
            throw new java.io.UncheckedIOException(e);
        } catch (NoSuchAlgorithmException e) {
            return null;
        }
    }

    /** Application folders unused for {@link #UNUSED_FOR}; partial files in {@code current} whose writer died. */
    private static void removeUnused(Path cache, Path current) {
        Instant stale = Instant.now().minus(UNUSED_FOR);
        try (var folders = Files.list(cache)) {
            for (Path folder : folders.toList()) {
                if (!folder.equals(current) && Files.isDirectory(folder)
                        && Files.getLastModifiedTime(folder).toInstant().isBefore(stale)) {
                    FileTrees.deleteTree(folder);
                }
            }
        } catch (IOException | RuntimeException ignored) {
            // tidying only
        }
        try (var files = Files.walk(current)) {
            for (Path file : files.toList()) {
                String name = file.getFileName().toString();
                if (name.contains(".tmp-") && !ClassDataArchive.makerAlive(name)) {
                    Files.deleteIfExists(file);
                }
            }
        } catch (IOException | RuntimeException ignored) {
            // tidying only
        }
    }
}
