package dev.procpool.internal.launcher;

import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.condition.DisabledOnOs;
import org.junit.jupiter.api.condition.OS;
import org.junit.jupiter.api.io.TempDir;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.MethodSource;

import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.concurrent.TimeUnit;
import java.util.stream.Stream;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

/**
 * {@link Platform#quoteForArgFile} proven by the real {@code java} launcher: values written to an argfile come
 * back exactly from a child JVM's system properties.
 */
class ArgFileQuotingTest {
    /** Awkward values, each a system property in the argfile. */
    static final Map<String, String> VALUES = values();

    @TempDir
    Path folder;

    private static Map<String, String> values() {
        Map<String, String> values = new LinkedHashMap<>();
        values.put("windowsPath", "C:\\Program Files\\x");
        values.put("trailingBackslash", "C:\\dir\\");
        values.put("uncPath", "\\\\server\\share\\a b");
        values.put("doubleQuotes", "say \"hi\" \"\"");
        values.put("singleQuotes", "it's 'quoted'");
        values.put("tab", "a\tb");
        values.put("newlines", "line1\nline2\r\n");
        values.put("nonAscii", "Jos\u00e9 \u6771\u4eac \uD83D\uDE00");
        values.put("outerSpaces", "  padded  ");
        values.put("hash", "#not a comment");
        values.put("at", "@not-a-file");
        values.put("dollarAndPercent", "$HOME ${x} %PATH%");
        values.put("empty", "");
        return values;
    }

    /** The current JVM and any other JDK installed beside it (e.g. /usr/lib/jvm/*), so each launcher is tried. */
    static Stream<Path> javaExecutables() throws IOException {
        Path home = Path.of(System.getProperty("java.home")).toRealPath();
        List<Path> javas = new ArrayList<>(List.of(javaIn(home)));
        try (Stream<Path> siblings = Files.list(home.getParent())) {
            siblings.map(p -> {
                try {
                    return p.toRealPath();
                } catch (IOException e) {
                    throw new UncheckedIOException(e);
                }
            }).distinct().filter(p -> !p.equals(home)).map(ArgFileQuotingTest::javaIn)
                    .filter(Files::isExecutable).forEach(javas::add);
        }
        return javas.stream().distinct();
    }

    private static Path javaIn(Path home) {
        return home.resolve("bin").resolve(Platform.javaExecutableName(Platform.current()));
    }

    @AfterEach
    void noChildProcessOutlivesTest() {
        ChildProcesses.awaitNoneAlive();
    }

    @ParameterizedTest(name = "{0}")
    @MethodSource("javaExecutables")
    void argFileWithAwkwardValues_childJvm_seesEachValueExactly(Path java) throws Exception {
        List<String> lines = new ArrayList<>();
        VALUES.forEach((name, value) -> lines.add(Platform.quoteForArgFile("-Dprocpool.test." + name + "=" + value)));
        lines.add(Platform.quoteForArgFile("-cp"));
        lines.add(Platform.quoteForArgFile(System.getProperty("java.class.path")));
        Path argFile = folder.resolve("jvm.args");
        Files.write(argFile, lines, StandardCharsets.UTF_8);

        List<String> command = new ArrayList<>(List.of(java.toString(), "@" + argFile, PrintProperties.class.getName()));
        VALUES.keySet().forEach(name -> command.add("procpool.test." + name));
        List<String> printed = run(command);

        List<String> expected = new ArrayList<>();
        VALUES.forEach((name, value) -> expected.add("procpool.test." + name + "=" + PrintProperties.escape(value)));
        assertEquals(expected, printed);
    }

    @Test
    void classPathWithSpacesQuotesAndNonAscii_childJvm_findsMainClass() throws Exception {
        // not a colon: it separates class path entries on Unix
        Path classes = folder.resolve("dir with space, \"quotes\" & Jos\u00e9").resolve("back\\slash");
        Path classFile = Path.of(PrintProperties.class.getProtectionDomain().getCodeSource().getLocation().toURI())
                .resolve(PrintProperties.class.getName().replace('.', '/') + ".class");
        Path copy = classes.resolve(PrintProperties.class.getName().replace('.', '/') + ".class");
        Files.createDirectories(copy.getParent());
        Files.copy(classFile, copy);
        Path argFile = folder.resolve("jvm.args");
        Files.write(argFile, List.of(Platform.quoteForArgFile("-Dx=found"), Platform.quoteForArgFile("-cp"),
                Platform.quoteForArgFile(classes.toString())), StandardCharsets.UTF_8);

        List<String> printed = run(List.of(javaIn(Path.of(System.getProperty("java.home"))).toString(), "@" + argFile,
                PrintProperties.class.getName(), "x"));

        assertEquals(List.of("x=found"), printed);
    }

    @Test
    @DisabledOnOs(OS.WINDOWS) // a POSIX locale
    void nonAsciiOption_parentAndWorkerInAsciiLocale_buildFailsNamingTheCharacter() throws Exception {
        // The launcher reads an argfile in the platform encoding, not UTF-8: under LANG=C the worker would see
        // "Jos\ufffd\ufffd". (On Windows the platform encoding is the ANSI code page, e.g. windows-1252.)
        Map<String, String> asciiLocale = Map.of("LC_ALL", "C", "LANG", "C");

        List<String> printed = run(List.of(javaIn(Path.of(System.getProperty("java.home"))).toString(),
                "-cp", System.getProperty("java.class.path"), WriteWorkerArgFile.class.getName(), folder.toString(),
                "-Dprocpool.test.v=Jos\\u00e9"), asciiLocale);

        if (!printed.get(0).startsWith("error: ")) {
            List<String> seen = run(List.of(javaIn(Path.of(System.getProperty("java.home"))).toString(),
                    "@" + printed.get(0), PrintProperties.class.getName(), "procpool.test.v"), asciiLocale);
            assertEquals(List.of("procpool.test.v=Jos\\u00e9"), seen, "what the worker would see");
        }
        assertEquals(List.of("error: the worker JVM argument \"-Dprocpool.test.v=Jos\\u00e9\" holds '\\u00e9' (U+00E9),"
                + " which the platform encoding US-ASCII cannot represent, so the worker's java launcher could not"
                + " read it; run under a UTF-8 locale (e.g. LANG=C.UTF-8) or avoid such characters"), printed);
    }

    @Test
    @DisabledOnOs(OS.WINDOWS) // a POSIX locale
    void asciiOptions_parentAndWorkerInAsciiLocale_childSeesThem() throws Exception {
        Map<String, String> asciiLocale = Map.of("LC_ALL", "C", "LANG", "C");
        String java = javaIn(Path.of(System.getProperty("java.home"))).toString();

        List<String> printed = run(List.of(java, "-cp", System.getProperty("java.class.path"),
                WriteWorkerArgFile.class.getName(), folder.toString(), "-Dprocpool.test.v=C:\\a \"b\""), asciiLocale);
        List<String> seen = run(List.of(java, "@" + printed.get(0), PrintProperties.class.getName(), "procpool.test.v"),
                asciiLocale);

        assertEquals(List.of("procpool.test.v=C:\\\\a \"b\""), seen);
    }

    /** Runs a command to its end and returns its stdout lines; its stderr goes to the failure message. */
    static List<String> run(List<String> command) throws IOException, InterruptedException {
        return run(command, Map.of());
    }

    static List<String> run(List<String> command, Map<String, String> environment) throws IOException, InterruptedException {
        ProcessBuilder builder = new ProcessBuilder(command);
        builder.environment().putAll(environment);
        Process child = builder.start();
        try {
            String out = new String(child.getInputStream().readAllBytes(), StandardCharsets.US_ASCII);
            String err = new String(child.getErrorStream().readAllBytes(), StandardCharsets.UTF_8);
            assertTrue(child.waitFor(30, TimeUnit.SECONDS), "the child JVM did not exit");
            assertEquals(0, child.exitValue(), () -> "exit code of " + command + "; stderr: " + err);
            return out.lines().toList();
        } finally {
            child.destroyForcibly();
        }
    }
}
