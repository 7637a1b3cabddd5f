package dev.procpool.internal.launcher;

import dev.procpool.internal.launcher.Platform.Os;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.CsvSource;
import org.junit.jupiter.params.provider.ValueSource;

import java.util.ArrayList;
import java.util.List;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNull;

/** The rules for every operating system, checked on whichever one runs the tests. */
class PlatformTest {

    @ParameterizedTest(name = "\"{0}\" -> {1}")
    @CsvSource({
            "Linux, LINUX",
            "linux, LINUX",
            "Mac OS X, MAC",
            "Darwin, MAC",
            "Windows 10, WINDOWS",
            "Windows 11, WINDOWS",
            "Windows Server 2022, WINDOWS",
            "FreeBSD, OTHER_UNIX",
            "SunOS, OTHER_UNIX",
            "AIX, OTHER_UNIX",
            "'', OTHER_UNIX",
    })
    void parse_osName_os(String osName, Os expected) {
        assertEquals(expected, Platform.parse(osName));
    }

    @Test
    void current_thisJvm_matchesOsName() {
        assertEquals(Platform.parse(System.getProperty("os.name")), Platform.current());
    }

    @ParameterizedTest(name = "{0} exit code {1} -> {2}")
    @CsvSource({
            "LINUX, 137, SIGKILL",
            "LINUX, 139, SIGSEGV",
            "LINUX, 134, SIGABRT",
            "LINUX, 143, SIGTERM",
            "LINUX, 130, SIGINT",
            "LINUX, 135, SIGBUS",
            "LINUX, 138, SIGUSR1",
            "LINUX, 150, signal 22",
            "MAC, 137, SIGKILL",
            "MAC, 139, SIGSEGV",
            "MAC, 134, SIGABRT",
            "MAC, 138, SIGBUS",
            "MAC, 140, SIGSYS",
            "MAC, 135, signal 7",
            "OTHER_UNIX, 137, SIGKILL",
            "WINDOWS, -1073741819, STATUS_ACCESS_VIOLATION",
            "WINDOWS, -1073741571, STATUS_STACK_OVERFLOW",
            "WINDOWS, -1073740791, STATUS_STACK_BUFFER_OVERRUN",
            "WINDOWS, -1073741510, STATUS_CONTROL_C_EXIT",
    })
    void describeExitCode_crashCode_name(Os os, int exitCode, String expected) {
        assertEquals(expected, Platform.describeExitCode(os, exitCode));
    }

    @Test
    void describeExitCode_windowsAccessViolation_asJavaReportsIt() {
        // Process.exitValue() gives NTSTATUS 0xC0000005 as a negative int
        assertEquals("STATUS_ACCESS_VIOLATION", Platform.describeExitCode(Os.WINDOWS, 0xC0000005));
    }

    @ParameterizedTest(name = "exit code {0}")
    @ValueSource(ints = {0, 1, 2, 3, 127, 128, 193, 255, -1})
    void describeExitCode_ordinaryCode_null(int exitCode) {
        for (Os os : Os.values()) {
            if (os == Os.WINDOWS && exitCode == 0) {
                continue;
            }
            assertNull(Platform.describeExitCode(os, exitCode), () -> os + " " + exitCode);
        }
    }

    @ParameterizedTest(name = "exit code {0}")
    @ValueSource(ints = {0, 1, 137, 139})
    void describeExitCode_windowsWithUnixSignalCodes_null(int exitCode) {
        assertNull(Platform.describeExitCode(Os.WINDOWS, exitCode));
    }

    @Test
    void javaExecutableName_perOs() {
        assertEquals("java.exe", Platform.javaExecutableName(Os.WINDOWS));
        assertEquals("java", Platform.javaExecutableName(Os.LINUX));
        assertEquals("java", Platform.javaExecutableName(Os.MAC));
        assertEquals("java", Platform.javaExecutableName(Os.OTHER_UNIX));
    }

    @ParameterizedTest(name = "[{index}] {1}")
    @CsvSource(delimiter = '|', quoteCharacter = '~', value = {
            "plain|\"plain\"",
            "with space|\"with space\"",
            "C:\\Program Files\\x|\"C:\\\\Program Files\\\\x\"",
            "say \"hi\"|\"say \\\"hi\\\"\"",
            "~a\tb~|\"a\\tb\"",
            "~a\nb\r~|\"a\\nb\\r\"",
            "'single'|\"'single'\"",
            "Jos\u00e9 \u6771\u4eac|\"Jos\u00e9 \u6771\u4eac\"",
            "~~|\"\"",
    })
    void quoteForArgFile_escapesBackslashQuoteAndControlChars(String argument, String expected) {
        assertEquals(expected, Platform.quoteForArgFile(argument));
    }

    @Test
    void cacheDirectory_followsEachOsConvention() {
        java.util.Map<String, String> none = java.util.Map.of();
        assertEquals(java.nio.file.Path.of("/home/ann", ".cache", "procpool"),
                Platform.cacheDirectory(Os.LINUX, none::get, "/home/ann"));
        assertEquals(java.nio.file.Path.of("/xdg", "procpool"),
                Platform.cacheDirectory(Os.LINUX, java.util.Map.of("XDG_CACHE_HOME", "/xdg")::get, "/home/ann"));
        assertEquals(java.nio.file.Path.of("/home/ann", ".cache", "procpool"),
                Platform.cacheDirectory(Os.OTHER_UNIX, java.util.Map.of("XDG_CACHE_HOME", "relative")::get, "/home/ann"),
                "a relative XDG_CACHE_HOME is ignored, as the XDG spec says");
        assertEquals(java.nio.file.Path.of("/Users/ann", "Library", "Caches", "procpool"),
                Platform.cacheDirectory(Os.MAC, java.util.Map.of("XDG_CACHE_HOME", "/xdg")::get, "/Users/ann"));
        assertEquals(java.nio.file.Path.of("C:\\Users\\ann\\AppData\\Local", "procpool", "cache"),
                Platform.cacheDirectory(Os.WINDOWS, java.util.Map.of("LOCALAPPDATA", "C:\\Users\\ann\\AppData\\Local")::get, "C:\\Users\\ann"));
        assertEquals(java.nio.file.Path.of("C:\\Users\\ann", "AppData", "Local", "procpool", "cache"),
                Platform.cacheDirectory(Os.WINDOWS, none::get, "C:\\Users\\ann"));
        assertNull(Platform.cacheDirectory(Os.LINUX, none::get, null));
        assertNull(Platform.cacheDirectory(Os.WINDOWS, none::get, ""));
    }

    @Test
    void canReadProcessEnvironments_onlyLinuxShowsThemToPureJava() {
        assertEquals(true, Platform.canReadProcessEnvironments(Os.LINUX));
        assertEquals(false, Platform.canReadProcessEnvironments(Os.MAC));
        assertEquals(false, Platform.canReadProcessEnvironments(Os.WINDOWS));
        assertEquals(false, Platform.canReadProcessEnvironments(Os.OTHER_UNIX));
    }

    @Test
    void listsChildrenPerThread_onlyLinux() {
        assertEquals(true, Platform.listsChildrenPerThread(Os.LINUX));
        assertEquals(false, Platform.listsChildrenPerThread(Os.MAC));
        assertEquals(false, Platform.listsChildrenPerThread(Os.WINDOWS));
        assertEquals(false, Platform.listsChildrenPerThread(Os.OTHER_UNIX));
    }

    @Test
    void parseChildren_readsTheKernelsSpaceSeparatedList() {
        assertEquals(List.of(), Platform.parseChildren(""));
        assertEquals(List.of(4242L), Platform.parseChildren("4242 "));
        assertEquals(List.of(17L, 230L, 4194304L), Platform.parseChildren("17 230 4194304 \n"));
    }

    @Test
    void environmentHas_matchesWholeEntriesOrPrefixes() {
        byte[] environ = "PATH=/bin\0PROCPOOL_WORKER_TAG=abc/pool/3\0HOME=/root\0"
                .getBytes(java.nio.charset.StandardCharsets.UTF_8);

        assertEquals(true, Platform.environmentHas(environ, "PROCPOOL_WORKER_TAG", "abc/pool/3", false));
        assertEquals(false, Platform.environmentHas(environ, "PROCPOOL_WORKER_TAG", "abc/pool/", false));
        assertEquals(true, Platform.environmentHas(environ, "PROCPOOL_WORKER_TAG", "abc/pool/", true));
        assertEquals(false, Platform.environmentHas(environ, "PROCPOOL_WORKER_TAG", "abc/pool/30", false));
        assertEquals(false, Platform.environmentHas(environ, "TAG", "abc/pool/3", true));
        assertEquals(false, Platform.environmentHas(new byte[0], "PROCPOOL_WORKER_TAG", "abc", true));
    }

    @Test
    void residentSizeCommand_eachOs_runsItsOwnToolWithoutAShell() {
        assertNull(Platform.residentSizeCommand(Os.LINUX, 42), "Linux reads /proc/self/status");
        assertEquals(List.of("/bin/ps", "-o", "rss=", "-p", "42"), Platform.residentSizeCommand(Os.MAC, 42));
        assertEquals(List.of("/bin/ps", "-o", "rss=", "-p", "42"), Platform.residentSizeCommand(Os.OTHER_UNIX, 42));
        assertEquals(List.of("tasklist.exe", "/FI", "PID eq 42", "/FO", "CSV", "/NH"),
                Platform.residentSizeCommand(Os.WINDOWS, 42));
    }

    @Test
    void parseResidentSize_linuxProcStatus_vmRssInBytes() {
        assertEquals(123456L * 1024, Platform.parseResidentSize(Os.LINUX,
                "Name:\tjava\nVmPeak:\t 4000000 kB\nVmRSS:\t   123456 kB\nRssAnon:\t 1 kB\n"));
        assertEquals(-1, Platform.parseResidentSize(Os.LINUX, "Name:\tjava\nVmPeak:\t 4000 kB\n"));
    }

    @Test
    void parseResidentSize_psRss_kibibytesInBytes() {
        assertEquals(123456L * 1024, Platform.parseResidentSize(Os.MAC, "  123456\n"));
        assertEquals(98765L * 1024, Platform.parseResidentSize(Os.OTHER_UNIX, "98765"));
        assertEquals(-1, Platform.parseResidentSize(Os.MAC, ""));
        assertEquals(-1, Platform.parseResidentSize(Os.MAC, "ps: illegal option -- o\n"));
    }

    @ParameterizedTest(name = "{0}")
    @ValueSource(strings = {"123,456 K", "123.456 K", "123\u00a0456 K", "123\u202f456 K", "123456 K", "123'456 K"})
    void parseResidentSize_tasklistCsvInAnyLocale_kibibytesInBytes(String memUsage) {
        String row = "\"java.exe\",\"4242\",\"Console\",\"1\",\"" + memUsage + "\"\r\n";
        assertEquals(123456L * 1024, Platform.parseResidentSize(Os.WINDOWS, row));
    }

    @Test
    void parseResidentSize_tasklistWithoutMatch_minusOne() {
        assertEquals(9 * 1024, Platform.parseResidentSize(Os.WINDOWS, "\"java.exe\",\"1\",\"Console\",\"1\",\"9 K\""));
        assertEquals(-1, Platform.parseResidentSize(Os.WINDOWS,
                "INFO: No tasks are running which match the specified criteria.\r\n"));
        assertEquals(-1, Platform.parseResidentSize(Os.WINDOWS, ""));
        assertEquals(-1, Platform.parseResidentSize(Os.WINDOWS, "\"java.exe\",\"1\",\"Console\",\"1\",\"N/A K\""));
    }

    @Test
    void parseResidentSize_null_minusOne() {
        assertEquals(-1, Platform.parseResidentSize(Os.LINUX, null));
    }

    @Test
    void residentSizeMaxAgeNs_onlyLinuxReadsEveryTime() {
        assertEquals(0, Platform.residentSizeMaxAgeNs(Os.LINUX));
        assertEquals(5_000_000_000L, Platform.residentSizeMaxAgeNs(Os.MAC));
        assertEquals(5_000_000_000L, Platform.residentSizeMaxAgeNs(Os.WINDOWS));
    }
}
