package dev.kiln.scheduler.domain;

import static org.junit.jupiter.api.Assertions.assertEquals;

import dev.kiln.scheduler.domain.LiveLogRules.Bounds;
import dev.kiln.scheduler.domain.LiveLogRules.Plan;
import dev.kiln.scheduler.domain.LiveLogRules.State;
import java.util.List;
import org.junit.jupiter.api.Test;

class LiveLogRulesTest {

  static final State EMPTY = new State(1, 0, 0, 0, 0);
  static final Bounds WIDE = new Bounds(1000, 1 << 20, 100);

  @Test
  void aFirstBatchIsStoredFromSeqOne() {
    Plan p = LiveLogRules.accept(EMPTY, WIDE, 1, 0, List.of("a", "bb"));
    assertEquals(List.of("a", "bb"), p.store());
    assertEquals(1, p.firstSeq());
    assertEquals(new State(3, 3, 0, 1, 2), p.next());
  }

  @Test
  void aResentBatchStoresOnlyItsNewLines() {
    State after = LiveLogRules.accept(EMPTY, WIDE, 1, 0, List.of("a", "b")).next();
    Plan again = LiveLogRules.accept(after, WIDE, 1, 1, List.of("b", "c"));
    assertEquals(List.of("c"), again.store());
    assertEquals(3, again.firstSeq());
    assertEquals(3, again.next().nextLine());
    Plan whole = LiveLogRules.accept(again.next(), WIDE, 1, 0, List.of("a", "b", "c"));
    assertEquals(List.of(), whole.store());
    assertEquals(again.next(), whole.next());
  }

  @Test
  void aGapIsMarkedAndCountedAsDropped() {
    State after = LiveLogRules.accept(EMPTY, WIDE, 1, 0, List.of("a")).next();
    Plan p = LiveLogRules.accept(after, WIDE, 1, 4, List.of("e"));
    assertEquals(List.of(LiveLogRules.lostMarker(3), "e"), p.store());
    assertEquals(3, p.next().droppedLines());
    assertEquals(5, p.next().nextLine());
  }

  @Test
  void anOlderAttemptIsIgnoredAndANewerOneStartsItsOwnNumbering() {
    State second = LiveLogRules.accept(EMPTY, WIDE, 2, 0, List.of("x", "y")).next();
    Plan old = LiveLogRules.accept(second, WIDE, 1, 5, List.of("old"));
    assertEquals(List.of(), old.store());
    assertEquals(second, old.next());
    Plan third = LiveLogRules.accept(second, WIDE, 3, 0, List.of("z"));
    assertEquals(List.of("z"), third.store());
    assertEquals(3, third.firstSeq());
    assertEquals(new State(4, 3, 0, 3, 1), third.next());
  }

  @Test
  void linesBeyondTheBoundsAreDroppedAndTheLogStaysAPrefix() {
    Bounds three = new Bounds(3, 1 << 20, 100);
    Plan p = LiveLogRules.accept(EMPTY, three, 1, 0, List.of("1", "2", "3", "4", "5"));
    assertEquals(List.of("1", "2", "3"), p.store());
    assertEquals(2, p.next().droppedLines());
    Plan later = LiveLogRules.accept(p.next(), three, 1, 5, List.of("6"));
    assertEquals(List.of(), later.store());
    assertEquals(3, later.next().droppedLines());

    Bounds fiveBytes = new Bounds(100, 5, 100);
    Plan bytes = LiveLogRules.accept(EMPTY, fiveBytes, 1, 0, List.of("abc", "defg", "h"));
    assertEquals(List.of("abc"), bytes.store(), "after the first line that does not fit, none");
    assertEquals(2, bytes.next().droppedLines());
  }

  @Test
  void longLinesAreCutAndNulBytesReplaced() {
    Plan p = LiveLogRules.accept(EMPTY, new Bounds(10, 100, 4), 1, 0, List.of("abcdef", "a\0b"));
    assertEquals(List.of("abcd", "a\uFFFDb"), p.store());
  }
}
