package dev.kiln.scheduler.domain;

import static dev.kiln.scheduler.domain.WorkRequestStatus.ABORTED;
import static dev.kiln.scheduler.domain.WorkRequestStatus.BLOCKED;
import static dev.kiln.scheduler.domain.WorkRequestStatus.COMPLETED;
import static dev.kiln.scheduler.domain.WorkRequestStatus.PENDING;
import static dev.kiln.scheduler.domain.WorkRequestStatus.RUNNING;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.kiln.common.problem.ApiException;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.Set;
import org.junit.jupiter.api.Test;

class DependencyRulesTest {

  static DependencyNode blocked(long id) {
    return new DependencyNode(id, BLOCKED, null, false, UnblockStrategy.DEPS, true);
  }

  static DependencyNode done(long id, WorkRequestResult r) {
    return new DependencyNode(id, COMPLETED, r, false, UnblockStrategy.DEPS, true);
  }

  static DependencyNode allowFailure(DependencyNode n) {
    return new DependencyNode(
        n.id(), n.status(), n.result(), true, n.unblockStrategy(), n.parentRunning());
  }

  static DependencyNode status(long id, WorkRequestStatus s) {
    return new DependencyNode(id, s, null, false, UnblockStrategy.DEPS, true);
  }

  private static Map<Long, DependencyNode> nodes(DependencyNode... ns) {
    Map<Long, DependencyNode> m = new HashMap<>();
    for (DependencyNode n : ns) {
      m.put(n.id(), n);
    }
    return m;
  }

  @Test
  void successUnblocksDependentsWhoseDependenciesAreAllComplete() {
    // 2 depends on 1 only; 3 depends on 1 and 4 (4 still running)
    Propagation p =
        DependencyRules.propagate(
            1,
            nodes(done(1, WorkRequestResult.SUCCESS), blocked(2), blocked(3), status(4, RUNNING)),
            Map.of(2L, List.of(1L), 3L, List.of(1L, 4L)));
    assertEquals(Set.of(2L), p.unblock());
    assertEquals(Set.of(), p.abort());
  }

  @Test
  void skippedCountsAsSuccess() {
    Propagation p =
        DependencyRules.propagate(
            1,
            nodes(
                done(1, WorkRequestResult.SKIPPED), done(5, WorkRequestResult.SUCCESS), blocked(2)),
            Map.of(2L, List.of(1L, 5L)));
    assertEquals(Set.of(2L), p.unblock());
  }

  @Test
  void failureAndErrorAbortWaitingDependentsTransitively() {
    for (WorkRequestResult bad : List.of(WorkRequestResult.FAILURE, WorkRequestResult.ERROR)) {
      // 1 <- 2 <- 3 <- 4, and 5 depends on 3 and on 6 (done): the whole chain goes
      Propagation p =
          DependencyRules.propagate(
              1,
              nodes(
                  done(1, bad),
                  blocked(2),
                  blocked(3),
                  blocked(4),
                  blocked(5),
                  done(6, WorkRequestResult.SUCCESS)),
              Map.of(2L, List.of(1L), 3L, List.of(2L), 4L, List.of(3L), 5L, List.of(3L, 6L)));
      assertEquals(Set.of(2L, 3L, 4L, 5L), p.abort(), bad.wire());
      assertEquals(Set.of(), p.unblock());
    }
  }

  @Test
  void anAbortPropagatesLikeAFailure() {
    Propagation p =
        DependencyRules.propagate(
            1, nodes(status(1, ABORTED), blocked(2)), Map.of(2L, List.of(1L)));
    assertEquals(Set.of(2L), p.abort());
  }

  @Test
  void aFailureWithAllowFailureUnblocks() {
    Propagation p =
        DependencyRules.propagate(
            1,
            nodes(allowFailure(done(1, WorkRequestResult.FAILURE)), blocked(2)),
            Map.of(2L, List.of(1L)));
    assertEquals(Set.of(2L), p.unblock());
    assertEquals(Set.of(), p.abort());
  }

  /**
   * Debusine's quirk: an aborted dependency with allow_failure left its dependents blocked forever.
   * Here allow_failure means "go on whatever happens to it", an abort included.
   */
  @Test
  void anAbortedDependencyWithAllowFailureDoesNotLeaveDependentsBlocked() {
    Propagation direct =
        DependencyRules.propagate(
            1, nodes(allowFailure(status(1, ABORTED)), blocked(2)), Map.of(2L, List.of(1L)));
    assertEquals(Set.of(2L), direct.unblock());

    // In a cascade: 1 fails; 2 (allow_failure) is aborted by it; 3 depends on 2 and goes on.
    Propagation cascade =
        DependencyRules.propagate(
            1,
            nodes(done(1, WorkRequestResult.FAILURE), allowFailure(blocked(2)), blocked(3)),
            Map.of(2L, List.of(1L), 3L, List.of(2L)));
    assertEquals(Set.of(2L), cascade.abort());
    assertEquals(Set.of(3L), cascade.unblock());
  }

  @Test
  void aDiamondIsAbortedOnceAndDecidedWhenItsLastDependencySettles() {
    // 4 depends on 2 and 3; both depend on 1, which fails; 3 has allow_failure.
    Propagation p =
        DependencyRules.propagate(
            1,
            nodes(
                done(1, WorkRequestResult.FAILURE),
                blocked(2),
                allowFailure(blocked(3)),
                blocked(4)),
            Map.of(2L, List.of(1L), 3L, List.of(1L), 4L, List.of(2L, 3L)));
    assertEquals(Set.of(2L, 3L, 4L), p.abort(), "2 failed without allow_failure, so 4 aborts");
  }

  @Test
  void aDependentWaitsUntilItsLastDependencySettlesInTheCascade() {
    // 4 depends on 2 and 3, both allow_failure and aborted by 1's failure: 4 goes on.
    Propagation p =
        DependencyRules.propagate(
            1,
            nodes(
                done(1, WorkRequestResult.ERROR),
                allowFailure(blocked(2)),
                allowFailure(blocked(3)),
                blocked(4)),
            Map.of(2L, List.of(1L), 3L, List.of(1L), 4L, List.of(2L, 3L)));
    assertEquals(Set.of(2L, 3L), p.abort());
    assertEquals(Set.of(4L), p.unblock());
  }

  @Test
  void manualDependentsAreNeverUnblockedAutomaticallyButAreAborted() {
    DependencyNode manual =
        new DependencyNode(2, BLOCKED, null, false, UnblockStrategy.MANUAL, true);
    assertEquals(
        Set.of(),
        DependencyRules.propagate(
                1, nodes(done(1, WorkRequestResult.SUCCESS), manual), Map.of(2L, List.of(1L)))
            .unblock());
    assertEquals(
        Set.of(2L),
        DependencyRules.propagate(
                1, nodes(done(1, WorkRequestResult.FAILURE), manual), Map.of(2L, List.of(1L)))
            .abort());
  }

  @Test
  void aChildOfAWorkflowThatDoesNotRunStaysBlocked() {
    DependencyNode child = new DependencyNode(2, BLOCKED, null, false, UnblockStrategy.DEPS, false);
    assertTrue(
        DependencyRules.propagate(
                1, nodes(done(1, WorkRequestResult.SUCCESS), child), Map.of(2L, List.of(1L)))
            .isEmpty());
  }

  @Test
  void onlyBlockedDependentsChange() {
    Propagation p =
        DependencyRules.propagate(
            1,
            nodes(done(1, WorkRequestResult.FAILURE), status(2, PENDING), status(3, RUNNING)),
            Map.of(2L, List.of(1L), 3L, List.of(1L)));
    assertTrue(p.isEmpty());
  }

  @Test
  void badSnapshotsAreRefused() {
    assertThrows(
        IllegalArgumentException.class,
        () -> DependencyRules.propagate(1, nodes(status(1, RUNNING)), Map.of()));
    assertThrows(
        IllegalArgumentException.class,
        () ->
            DependencyRules.propagate(
                1,
                nodes(done(1, WorkRequestResult.SUCCESS), blocked(2)),
                Map.of(2L, List.of(1L, 9L))));
    assertThrows(
        IllegalArgumentException.class,
        () -> new DependencyNode(1, COMPLETED, null, false, UnblockStrategy.DEPS, true));
    assertThrows(
        IllegalArgumentException.class,
        () ->
            new DependencyNode(
                1, RUNNING, WorkRequestResult.SUCCESS, false, UnblockStrategy.DEPS, true));
  }

  @Test
  void aLongCascadeIsOneCall() {
    int n = 100_000;
    Map<Long, DependencyNode> ns = new HashMap<>();
    Map<Long, List<Long>> deps = new HashMap<>();
    ns.put(0L, done(0, WorkRequestResult.FAILURE));
    for (long i = 1; i < n; i++) {
      ns.put(i, blocked(i));
      deps.put(i, List.of(i - 1));
    }
    assertEquals(n - 1, DependencyRules.propagate(0, ns, deps).abort().size());
  }

  @Test
  void initialStatus() {
    assertEquals(PENDING, DependencyRules.initialStatus(UnblockStrategy.DEPS, true, List.of()));
    assertEquals(BLOCKED, DependencyRules.initialStatus(UnblockStrategy.MANUAL, true, List.of()));
    assertEquals(BLOCKED, DependencyRules.initialStatus(UnblockStrategy.DEPS, false, List.of()));
    assertEquals(
        BLOCKED,
        DependencyRules.initialStatus(UnblockStrategy.DEPS, true, List.of(status(1, RUNNING))));
    assertEquals(
        PENDING,
        DependencyRules.initialStatus(
            UnblockStrategy.DEPS, true, List.of(done(1, WorkRequestResult.SKIPPED))));
    assertEquals(
        ABORTED,
        DependencyRules.initialStatus(
            UnblockStrategy.DEPS, true, List.of(done(1, WorkRequestResult.FAILURE))));
  }

  @Test
  void addingAnUnfinishedDependencyReblocksAPendingWorkRequest() {
    assertEquals(
        BLOCKED, DependencyRules.statusAfterAdding(status(1, PENDING), status(2, RUNNING)));
    assertEquals(
        PENDING,
        DependencyRules.statusAfterAdding(status(1, PENDING), done(2, WorkRequestResult.SUCCESS)));
    assertEquals(BLOCKED, DependencyRules.statusAfterAdding(blocked(1), status(2, PENDING)));
    DependencyNode manualPending =
        new DependencyNode(1, PENDING, null, false, UnblockStrategy.MANUAL, true);
    assertEquals(PENDING, DependencyRules.statusAfterAdding(manualPending, blocked(2)));
    assertEquals(
        ABORTED,
        DependencyRules.statusAfterAdding(status(1, PENDING), done(2, WorkRequestResult.ERROR)));
    ApiException e =
        assertThrows(
            ApiException.class,
            () -> DependencyRules.statusAfterAdding(status(1, RUNNING), blocked(2)));
    assertTrue(e.getMessage().contains("work request 1 is running"), e.getMessage());
  }
}
