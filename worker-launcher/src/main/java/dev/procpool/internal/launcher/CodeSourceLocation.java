package dev.procpool.internal.launcher;

import java.io.ByteArrayOutputStream;
import java.nio.charset.StandardCharsets;

/**
 * Where a class-path entry's bytes are, read from the URL of a code source or of a {@code URLClassLoader}
 * entry: a file or folder ({@code entry} null), or an entry inside a jar file, which workers cannot use as it is
 * and {@link NestedJars} extracts. The forms understood:
 * <pre>
 * file:/app/lib/a.jar                                  a file (or folder, with a trailing slash)
 * jar:file:/app/a.jar!/                                the jar itself
 * jar:file:/app/app.jar!/BOOT-INF/lib/a.jar!/          Spring Boot 1 to 3.1: a jar inside a jar
 * jar:file:/app/app.jar!/BOOT-INF/classes!/            ... and a folder inside a jar
 * jar:nested:/app/app.jar/!BOOT-INF/lib/a.jar!/        Spring Boot 3.2 and later
 * jar:nested:/app/app.jar/!BOOT-INF/classes/!/
 * nested:/app/app.jar/!BOOT-INF/lib/a.jar              the same without the jar: wrapper
 * </pre>
 * Paths are percent-decoded (UTF-8) and made native for {@code os}: {@code file:/C:/x/a.jar} is
 * {@code C:\x\a.jar} on Windows, {@code file://server/share/a.jar} a UNC path. Pure functions; any thread.
 *
 * @param file  the file system path of the file, folder or outer jar, in {@code os}'s form
 * @param entry the entry inside {@code file} ({@code BOOT-INF/lib/a.jar}, or a folder ending in {@code /}), or
 *              null when {@code file} itself is the class-path entry
 */
record CodeSourceLocation(String file, String entry) {

    /** Whether the bytes are inside another jar, so that workers need them extracted first. */
    boolean nested() {
        return entry != null;
    }

    /**
     * The location {@code url} names, or null for a form no worker can use (another protocol such as {@code vfs:}
     * or {@code http:}, or a jar nested two levels deep).
     */
    static CodeSourceLocation parse(String url, Platform.Os os) {
        String rest = url;
        boolean jarWrapper = startsWithIgnoreCase(rest, "jar:");
        if (jarWrapper) {
            rest = rest.substring(4);
            if (rest.endsWith("!/")) {
                rest = rest.substring(0, rest.length() - 2);
            }
        }
        if (startsWithIgnoreCase(rest, "nested:")) {
            String location = decode(rest.substring(7));
            int separator = location.lastIndexOf("/!");
            if (separator < 0) {
                return new CodeSourceLocation(nativePath(location, os), null);
            }
            String entry = location.substring(separator + 2);
            return entry.contains("!/") ? null
                    : new CodeSourceLocation(nativePath(location.substring(0, separator), os), entry.isEmpty() ? null : entry);
        }
        if (!startsWithIgnoreCase(rest, "file:")) {
            return null;
        }
        String path = rest.substring(5);
        int bang = jarWrapper ? path.indexOf("!/") : -1;
        if (bang < 0) {
            return new CodeSourceLocation(nativePath(decode(path), os), null);
        }
        String entry = decode(path.substring(bang + 2));
        if (entry.endsWith("!")) {
            entry = entry.substring(0, entry.length() - 1);
        }
        if (entry.contains("!/")) {
            return null;
        }
        return new CodeSourceLocation(nativePath(decode(path.substring(0, bang)), os), entry.isEmpty() ? null : entry);
    }

    /**
     * A URL's path as {@code os} writes it: the {@code //} of an empty authority dropped, a drive letter's leading
     * slash dropped and backslashes on Windows, where {@code //server/share} is a UNC path; a trailing separator
     * dropped (except at a root).
     */
    static String nativePath(String urlPath, Platform.Os os) {
        String path = urlPath;
        if (path.startsWith("///")) {
            path = path.substring(2);
        } else if (path.startsWith("//localhost/")) {
            path = path.substring("//localhost".length());
        }
        if (os == Platform.Os.WINDOWS) {
            if (path.length() >= 3 && path.charAt(0) == '/' && Character.isLetter(path.charAt(1)) && path.charAt(2) == ':') {
                path = path.substring(1);
            }
            path = path.replace('/', '\\');
            boolean root = path.length() == 3 && path.charAt(1) == ':';
            if (path.endsWith("\\") && !root && path.length() > 1) {
                path = path.substring(0, path.length() - 1);
            }
            return path;
        }
        return path.length() > 1 && path.endsWith("/") ? path.substring(0, path.length() - 1) : path;
    }

    /** Percent-decoding as UTF-8, as URLs encode paths; a {@code +} stays a plus (it is not a form). */
    static String decode(String text) {
        if (text.indexOf('%') < 0) {
            return text;
        }
        ByteArrayOutputStream bytes = new ByteArrayOutputStream(text.length());
        for (int i = 0; i < text.length(); i++) {
            char c = text.charAt(i);
            if (c == '%' && i + 2 < text.length() && hex(text.charAt(i + 1)) >= 0 && hex(text.charAt(i + 2)) >= 0) {
                bytes.write(hex(text.charAt(i + 1)) * 16 + hex(text.charAt(i + 2)));
                i += 2;
            } else {
                byte[] encoded = String.valueOf(c).getBytes(StandardCharsets.UTF_8);
                if (Character.isHighSurrogate(c) && i + 1 < text.length()) {
                    encoded = text.substring(i, i + 2).getBytes(StandardCharsets.UTF_8);
                    i++;
                }
                bytes.writeBytes(encoded);
            }
        }
        return bytes.toString(StandardCharsets.UTF_8);
    }

    private static int hex(char c) {
        return Character.digit(c, 16);
    }

    private static boolean startsWithIgnoreCase(String text, String prefix) {
        return text.regionMatches(true, 0, prefix, 0, prefix.length());
    }
}
