package dev.procpool;

import dev.procpool.internal.ipc.codec.EncodedList;
import dev.procpool.internal.ipc.codec.TaskCodec;
import org.junit.jupiter.api.Test;

import java.util.ArrayList;
import java.util.List;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertSame;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

class BatchSegmentTest {
    private static BatchSegment<String> segment(long first, String... inputs) {
        return new BatchSegment<>(first, new ArrayList<>(List.of((Object[]) inputs)), null);
    }

    @Test
    void wholeChunkAnswered_outcomesMadeFromItsAnswers_withIndexAndInput() {
        BatchSegment<String> segment = segment(100, "a", "b", "c");
        BatchSpan<String> chunk = BatchSpan.range(segment, 0, 3);
        assertSame(segment.inputs, chunk.inputs(), "a whole segment is sent without a copy");
        IllegalStateException thrown = new IllegalStateException("b failed");
        segment.answered(chunk, List.of("A", new BatchChunk.Failed(thrown), "C"));

        Outcome<String, String> first = segment.outcome(0);
        assertEquals(100, first.index());
        assertEquals("a", first.input());
        assertEquals("A", first.result());
        Outcome<String, String> second = segment.outcome(1);
        assertFalse(second.succeeded());
        assertSame(thrown, second.failure());
        assertEquals(102, segment.<String>outcome(2).index());
    }

    @Test
    void narrowedPiecesAndAFinishedOutcome_eachPositionKeepsItsOwn() {
        BatchSegment<String> segment = segment(0, "a", "b", "c", "d", "e");
        BatchSpan<String> chunk = BatchSpan.range(segment, 0, 5);
        BatchSpan<String> left = chunk.slice(0, 2);
        BatchSpan<String> right = chunk.slice(2, 5);
        assertEquals(List.of("c", "d", "e"), right.inputs());
        segment.answered(right, List.of("C", "D", "E"));
        segment.answered(left.slice(1, 2), List.of("B"));
        IllegalStateException crash = new IllegalStateException("its worker died");
        segment.set(0, Outcome.failure(0, "a", crash));

        assertSame(crash, segment.outcome(0).failure());
        assertEquals(List.of("B", "C", "D", "E"),
                List.of(segment.outcome(1).result(), segment.outcome(2).result(), segment.outcome(3).result(),
                        segment.outcome(4).result()));
    }

    @Test
    void spanOfListedPositions_sendsThoseInputs_andAnswersLandAtThem() {
        BatchSegment<String> segment = segment(10, "a", "b", "c", "d");
        segment.set(1, Outcome.success(11, "b", "replayed"));
        BatchSpan<String> chunk = BatchSpan.of(segment, new int[] {0, 2, 3});
        assertFalse(chunk.isWhole());
        assertEquals(List.of("a", "c", "d"), chunk.inputs());
        assertEquals(13, chunk.index(2));
        assertEquals(List.of("d"), chunk.slice(2, 3).inputs());
        segment.answered(chunk, List.of("A", "C", "D"));

        assertEquals("replayed", segment.outcome(1).result());
        assertEquals("C", segment.outcome(2).result());
        assertEquals(12, segment.outcome(2).index());
    }

    @Test
    void printedAnswer_outcomeCarriesItsOutput() {
        BatchSegment<String> segment = segment(0, "a");
        TaskOutput output = new TaskOutput("hello\n", "", 0);
        segment.answered(BatchSpan.range(segment, 0, 1), List.of(new BatchChunk.Printed("A", output)));
        Outcome<String, String> outcome = segment.outcome(0);
        assertEquals("A", outcome.result());
        assertTrue(outcome.output().isPresent());
        assertEquals("hello\n", outcome.output().get().stdout());
    }

    @Test
    void deliver_eachKindOfAnswer_handsOverTheOutcomeItsPositionHas() {
        BatchSegment<String> segment = segment(20, "a", "b", "c", "d");
        IllegalStateException thrown = new IllegalStateException("b failed");
        TaskOutput output = new TaskOutput("printed c\n", "", 0);
        segment.answered(BatchSpan.range(segment, 0, 3),
                List.of("A", new BatchChunk.Failed(thrown), new BatchChunk.Printed("C", output)));
        Outcome<String, String> replayed = Outcome.success(23, "d", "replayed");
        segment.set(3, replayed);

        List<Outcome<String, String>> delivered = new ArrayList<>();
        for (int position = 0; position < 4; position++) {
            segment.<String>deliver(position, delivered::add);
        }

        assertEquals(List.of(20L, 21L, 22L, 23L), delivered.stream().map(Outcome::index).toList());
        assertEquals(List.of("a", "b", "c", "d"), delivered.stream().map(Outcome::input).toList());
        assertEquals("A", delivered.get(0).result());
        assertTrue(delivered.get(0).output().isEmpty());
        assertSame(thrown, delivered.get(1).failure());
        assertEquals("C", delivered.get(2).result());
        assertEquals("printed c\n", delivered.get(2).output().orElseThrow().stdout());
        assertSame(replayed, delivered.get(3));
    }
    private static EncodedList encoded(Object... results) throws Exception {
        return EncodedList.of(TaskCodec.encode(new ArrayList<>(List.of(results))));
    }

    @Test
    void wholeChunkAnsweredEncoded_deliveredInOrder_asDecodedAnswersWould() throws Exception {
        BatchSegment<String> segment = segment(30, "a", "b", "c");
        segment.answered(BatchSpan.range(segment, 0, 3), encoded("A", "B", "C"));

        List<Outcome<String, String>> delivered = new ArrayList<>();
        for (int position = 0; position < 3; position++) {
            segment.<String>deliver(position, delivered::add);
        }

        assertEquals(List.of(30L, 31L, 32L), delivered.stream().map(Outcome::index).toList());
        assertEquals(List.of("a", "b", "c"), delivered.stream().map(Outcome::input).toList());
        assertEquals(List.of("A", "B", "C"), delivered.stream().map(Outcome::result).toList());
        assertTrue(delivered.get(0).output().isEmpty());
    }

    @Test
    void wholeChunkAnsweredEncoded_askedOutOfOrder_saysSo() throws Exception {
        BatchSegment<String> segment = segment(0, "a", "b");
        segment.answered(BatchSpan.range(segment, 0, 2), encoded("A", "B"));
        IllegalStateException e = assertThrows(IllegalStateException.class, () -> segment.outcome(1));
        assertEquals("position 1 of a segment asked for out of order; its encoded answers are at 0", e.getMessage());
    }

    @Test
    void pieceAnsweredEncoded_readAtOnceIntoItsPositions() throws Exception {
        BatchSegment<String> segment = segment(0, "a", "b", "c", "d");
        BatchSpan<String> chunk = BatchSpan.range(segment, 0, 4);
        segment.answered(chunk.slice(2, 4), encoded("C", "D"));
        segment.answered(chunk.slice(0, 2), encoded("A", "B"));

        assertEquals("D", segment.outcome(3).result());
        assertEquals("A", segment.outcome(0).result());
        assertEquals("C", segment.outcome(2).result());
    }

    @Test
    void wholeChunkAnsweredEncodedInts_deliveredInOrder_asIntegers() throws Exception {
        BatchSegment<String> segment = segment(5, "a", "b");
        segment.answered(BatchSpan.range(segment, 0, 2), encoded(10, 11));

        List<Outcome<String, Integer>> delivered = new ArrayList<>();
        segment.<Integer>deliver(0, delivered::add);
        segment.<Integer>deliver(1, delivered::add);

        assertEquals(List.of(10, 11), delivered.stream().map(Outcome::result).toList());
        assertEquals(List.of(5L, 6L), delivered.stream().map(Outcome::index).toList());
        assertThrows(IllegalStateException.class, () -> segment.<Integer>deliver(0, delivered::add));
    }
}
