package dev.procpool;

import org.junit.jupiter.api.Test;

import java.io.ByteArrayOutputStream;
import java.io.PrintStream;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.util.OptionalLong;
import java.util.concurrent.TimeUnit;

import static org.junit.jupiter.api.Assertions.assertEquals;

class ConsoleProgressTest {
    private static BatchProgress progress(long completed, long failed, OptionalLong total, long elapsedSeconds, boolean last) {
        return new BatchProgress(completed, failed, completed, total, TimeUnit.SECONDS.toNanos(elapsedSeconds), last);
    }

    @Test
    void line_knownTotal_showsBarPercentRateFailuresAndEta() {
        String line = ConsoleProgress.line(progress(4_500, 3, OptionalLong.of(10_000), 10, false), true);
        assertEquals("[##############................]  45% 4500/10000  450/s  3 failed  ETA 0:12", line);
    }

    @Test
    void line_unknownTotal_showsCountAndRateOnly() {
        String line = ConsoleProgress.line(progress(200, 0, OptionalLong.empty(), 4, false), true);
        assertEquals("200 done  50/s  0 failed", line);
    }

    @Test
    void line_last_showsElapsedTimeInsteadOfEta() {
        String line = ConsoleProgress.line(progress(100, 1, OptionalLong.of(100), 65, true), false);
        assertEquals("100% 100/100  2/s  1 failed  in 1:05", line);
    }

    @Test
    void notATerminal_writesALineEveryFiveSeconds_andTheLast() {
        ByteArrayOutputStream bytes = new ByteArrayOutputStream();
        ConsoleProgress console = new ConsoleProgress(new PrintStream(bytes, true, StandardCharsets.UTF_8), false);
        for (int second = 1; second <= 12; second++) {
            console.accept(progress(second * 10, 0, OptionalLong.empty(), second, false));
        }
        console.accept(progress(125, 0, OptionalLong.empty(), 12, true));

        String[] lines = bytes.toString(StandardCharsets.UTF_8).split(System.lineSeparator());
        assertEquals(4, lines.length, String.join("|", lines));
        assertEquals("10 done  10/s  0 failed", lines[0]);
        assertEquals("125 done  10/s  0 failed  in 0:12", lines[3]);
    }

    @Test
    void terminal_redrawsOneLine_andEndsItAtTheLastReport() {
        ByteArrayOutputStream bytes = new ByteArrayOutputStream();
        ConsoleProgress console = new ConsoleProgress(new PrintStream(bytes, true, StandardCharsets.UTF_8), true);
        console.accept(progress(1_000, 0, OptionalLong.empty(), 1, false));
        console.accept(progress(1_000, 0, OptionalLong.empty(), 2, true));

        String out = bytes.toString(StandardCharsets.UTF_8);
        assertEquals("\r1000 done  1000/s  0 failed\r1000 done  500/s  0 failed  in 0:02" + System.lineSeparator(), out);
        assertEquals(Duration.ofSeconds(2), progress(0, 0, OptionalLong.empty(), 2, true).elapsed());
    }
}
