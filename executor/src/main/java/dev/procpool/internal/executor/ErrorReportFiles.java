package dev.procpool.internal.executor;

import dev.procpool.internal.launcher.Platform;

import java.io.BufferedReader;
import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.DirectoryStream;
import java.nio.file.FileSystems;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardCopyOption;
import java.nio.file.attribute.FileTime;
import java.nio.file.attribute.PosixFilePermissions;
import java.util.ArrayList;
import java.util.Comparator;
import java.util.List;

/**
 * A worker that dies of a fatal error in native code leaves HotSpot's report ({@code hs_err_pid<pid>.log}) in its
 * folder (the launcher points {@code -XX:ErrorFile} there). The folder goes with the worker, so the report is
 * read for its key lines (the signal and the problematic frame) and moved to a folder the user can find: the
 * per-user cache folder's {@code crash-reports}, where the newest {@link #KEPT} are kept. Scheduler thread.
 */
final class ErrorReportFiles {
    /** Internal, for tests: where reports go instead of the user's cache folder. */
    static final String FOLDER_PROPERTY = "procpool.internal.crashReports";
    static final int KEPT = 20;
    /** A report is a few hundred KB; only its head holds the lines wanted. */
    private static final int HEAD_LINES = 60;

    /** What was learnt from a report: its key lines, and where it is now (null when it could not be kept). */
    record Report(String signalLine, String frameLine, Path keptAt) {
        String describe() {
            StringBuilder text = new StringBuilder();
            if (signalLine != null) {
                text.append(signalLine);
            }
            if (frameLine != null) {
                text.append(text.length() == 0 ? "" : "; ").append("problematic frame: ").append(frameLine);
            }
            text.append(text.length() == 0 ? "" : "; ");
            text.append(keptAt == null ? "its error report could not be kept" : "its error report is kept at " + keptAt);
            return text.toString();
        }
    }

    private ErrorReportFiles() {
    }

    /** The report the worker with {@code pid} left in {@code workerFolder}, read and moved; null when there is none. */
    static Report keep(Path workerFolder, long pid) {
        Path file = workerFolder.resolve("hs_err_pid" + pid + ".log");
        if (pid <= 0 || !Files.isRegularFile(file)) {
            return null;
        }
        String signal = null;
        String frame = null;
        try (BufferedReader reader = Files.newBufferedReader(file, StandardCharsets.ISO_8859_1)) {
            String line;
            boolean frameNext = false;
            for (int i = 0; i < HEAD_LINES && (line = reader.readLine()) != null; i++) {
                String text = line.replaceFirst("^#\\s*", "").trim();
                if (frameNext) {
                    frame = text;
                    frameNext = false;
                } else if (signal == null && text.matches("(SIG[A-Z0-9]+|EXCEPTION_[A-Z_]+) .*")) {
                    signal = text;
                } else if (signal == null && text.startsWith("Internal Error")) {
                    signal = text;
                } else if (text.startsWith("Problematic frame:")) {
                    frameNext = true;
                }
            }
        } catch (IOException e) {
            // unreadable: still try to keep it
        }
        return new Report(signal, frame, move(file));
    }

    private static Path move(Path file) {
        Path folder = folder();
        if (folder == null) {
            return null;
        }
        try {
            if (!Files.isDirectory(folder)) {
                if (FileSystems.getDefault().supportedFileAttributeViews().contains("posix")) {
                    Files.createDirectories(folder.getParent());
                    Files.createDirectory(folder, PosixFilePermissions.asFileAttribute(PosixFilePermissions.fromString("rwx------")));
                } else {
                    Files.createDirectories(folder);
                }
            }
            Path target = folder.resolve(file.getFileName());
            Files.move(file, target, StandardCopyOption.REPLACE_EXISTING);
            pruneOldest(folder);
            return target;
        } catch (IOException | RuntimeException e) {
            return null;
        }
    }

    /** Keeps the newest {@link #KEPT} reports, so that a task that crashes its worker over and over fills no disk. */
    private static void pruneOldest(Path folder) throws IOException {
        List<Path> reports = new ArrayList<>();
        try (DirectoryStream<Path> entries = Files.newDirectoryStream(folder, "hs_err_pid*.log")) {
            entries.forEach(reports::add);
        }
        if (reports.size() <= KEPT) {
            return;
        }
        reports.sort(Comparator.comparing(ErrorReportFiles::modified).reversed());
        for (Path old : reports.subList(KEPT, reports.size())) {
            Files.deleteIfExists(old);
        }
    }

    private static FileTime modified(Path file) {
        try {
            return Files.getLastModifiedTime(file);
        } catch (IOException e) {
            return FileTime.fromMillis(0);
        }
    }

    /** Where reports are kept; null when the environment names no home. */
    static Path folder() {
        String override = System.getProperty(FOLDER_PROPERTY);
        if (override != null && !override.isBlank()) {
            return Path.of(override).toAbsolutePath();
        }
        Path base = Platform.cacheDirectory(Platform.current(), System::getenv, System.getProperty("user.home"));
        return base == null ? null : base.resolve("crash-reports");
    }
}
