package dev.kiln.scheduler.service;

import dev.kiln.common.log.LogContext;
import dev.kiln.scheduler.config.SchedulerConfig;
import io.quarkus.runtime.ShutdownEvent;
import io.quarkus.runtime.StartupEvent;
import jakarta.enterprise.context.ApplicationScoped;
import jakarta.enterprise.event.Observes;
import jakarta.enterprise.event.TransactionPhase;
import jakarta.inject.Inject;
import java.util.HashMap;
import java.util.HashSet;
import java.util.Map;
import java.util.Set;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicBoolean;
import org.jboss.logging.Logger;

/**
 * The dispatch loop: woken when work becomes available or an agent connects (and periodically as a
 * fallback), it fills every connected agent of this replica up to its capacity and pushes the
 * assignments on their streams.
 */
@ApplicationScoped
public class Dispatcher {

  private static final Logger LOG = Logger.getLogger(Dispatcher.class);

  @Inject AgentSessions sessions;
  @Inject DispatchService dispatch;
  @Inject SchedulerConfig config;
  @Inject TagIndex tags;
  @Inject io.micrometer.core.instrument.MeterRegistry registry;

  private volatile WakeableLoop loop;
  private final AtomicBoolean workAvailable = new AtomicBoolean(true);
  private final Set<Long> candidates = ConcurrentHashMap.newKeySet();
  // workers of this replica left with a free slot: new work goes to them first
  private final Set<Long> hungry = ConcurrentHashMap.newKeySet();
  // workers of this replica a claim filled up: the periodic pass leaves them out until they report,
  // are aborted, heartbeat or reconnect (markFree), or the slow pass comes round
  private final Set<Long> full = ConcurrentHashMap.newKeySet();
  private long lastSlowPass = System.nanoTime() - Long.MAX_VALUE / 2;
  private long lastFullPass = System.nanoTime() - Long.MAX_VALUE / 2;

  void start(@Observes StartupEvent event) {
    loop = new WakeableLoop("kiln-dispatcher", config.dispatchInterval(), this::dispatchAll, LOG);
    loop.start();
  }

  void stop(@Observes ShutdownEvent event) {
    loop.stop();
  }

  /** Work became available (after the transaction that made it so committed). */
  void onWorkAvailable(
      @Observes(during = TransactionPhase.AFTER_SUCCESS) WorkRequestService.WorkAvailable event) {
    workAvailable();
  }

  /** Worker slots were freed (after the commit). */
  void onWorkerRoom(
      @Observes(during = TransactionPhase.AFTER_SUCCESS) WorkRequestService.WorkerRoom event) {
    workAvailable();
  }

  /**
   * The database announced dispatchable work (NOTIFY, whichever replica or writer made it): new tag
   * classes may have come with it.
   */
  public void workAnnounced() {
    workAnnounced(true);
  }

  /**
   * {@link #workAnnounced()}; {@code newClasses} false when every announcement named a tag class
   * this replica already has (the trigger names it), so the pass needs not read the classes.
   */
  public void workAnnounced(boolean newClasses) {
    if (newClasses) {
      tags.invalidate();
    }
    workAvailable();
  }

  /** New dispatchable work (here or, through NOTIFY, on another replica): try the idle workers. */
  public void workAvailable() {
    workAvailable.set(true);
    if (loop != null) {
      loop.wakeUp();
    }
  }

  /** A worker of this replica may have room again (it connected, reported, lost an attempt). */
  public void markFree(long workerId) {
    full.remove(workerId);
    candidates.add(workerId);
    if (loop != null) {
      loop.wakeUp();
    }
  }

  /**
   * An assignment its agent handed back (it drains): pending again without counting a retry, if the
   * attempt is still that worker's; then other workers may take it.
   */
  public void release(long workRequestId, int attempt, long workerId) {
    dispatch.release(workRequestId, attempt, workerId);
    workAvailable();
  }

  /** Same as {@link #workAvailable()}. */
  public void wakeUp() {
    workAvailable();
  }

  /**
   * Pushes a claim round's assignments on this replica's streams after its commit; one whose stream
   * is gone is released. Workers the round left with room wait for new work.
   */
  void deliver(DispatchService.Round round) {
    Set<Long> pushed = new HashSet<>();
    java.util.List<DispatchService.Assigned> lost = new java.util.ArrayList<>();
    for (DispatchService.Assigned x : round.assigned()) {
      AssignmentView a = x.assignment();
      AgentChannel channel = sessions.get(x.workerId()).orElse(null);
      try (LogContext ignored = LogContext.workRequest(a.workRequestId(), a.attempt())) {
        if (channel != null && channel.push(a)) {
          pushed.add(x.workerId());
          LOG.debugf("assigned %s/%s to worker %d", a.taskType(), a.taskName(), x.workerId());
        } else {
          LOG.warnf("worker %d went away before its assignment; released", x.workerId());
          lost.add(x);
        }
      }
    }
    // one statement for all (a fleet that went away at once lost hundreds, released one by one)
    dispatch.releaseAll(lost);
    if (!lost.isEmpty()) {
      workAvailable(); // the released work is pending again: other workers may take it
    }
    hungry.addAll(round.withRoom());
    full.removeAll(round.withRoom());
    // only what reached a stream fills a worker: a released claim must not keep the worker's next
    // connection out of the periodic pass
    pushed.removeAll(round.withRoom());
    full.addAll(pushed);
  }

  /**
   * Claims for the workers that may have room and pushes the assignments. Which workers: those
   * marked free since the last pass; with new work, also those left with room by earlier passes;
   * once per dispatch interval, every connected worker (whatever changed elsewhere: admin tags,
   * another replica). One pass is a handful of statements however many workers it serves.
   */
  /**
   * Adds to {@code ids} the hungry workers new work is offered to in this pass: at most {@link
   * #TURN} of each worker class (workers of one class may take the same work, so if these get
   * nothing the others would not either). Locking the rows of 200 idle workers to hand out the 10
   * requests of one NOTIFY made every pass cost as much as a whole fleet's.
   *
   * @return the classes some hungry workers of which were left for a next turn
   */
  private Set<Object> takeTurn(Set<Long> ids, Set<Long> connected) {
    Map<Object, Integer> taken = new HashMap<>();
    Set<Object> left = new HashSet<>();
    for (Long id : hungry) {
      if (!connected.contains(id)) {
        continue;
      }
      Object group = tags.groupOf(id);
      if (group == null) {
        ids.add(id); // its class is not known yet: the claim finds it out
        continue;
      }
      int n = taken.merge(group, 1, Integer::sum);
      if (n <= TURN) {
        ids.add(id);
      } else {
        left.add(group);
      }
    }
    return left;
  }

  /** At most this many hungry workers of one class are offered new work per pass. */
  static final int TURN = 32;

  void dispatchAll() {
    Set<Object> truncated = Set.of();
    Map<Long, AgentChannel> channels = new HashMap<>();
    for (AgentChannel c : sessions.all()) {
      channels.put(c.workerId(), c);
    }
    hungry.retainAll(channels.keySet());
    full.retainAll(channels.keySet());
    long now = System.nanoTime();
    Set<Long> ids = new HashSet<>();
    if (now - lastFullPass >= config.dispatchInterval().toNanos()) {
      lastFullPass = now;
      candidates.clear();
      workAvailable.set(false);
      ids.addAll(channels.keySet());
      tags.invalidate();
      // the workers a claim filled up are asked again only every 10 intervals: locking the rows
      // of a whole busy fleet each second would stall the claims of the reports
      if (now - lastSlowPass >= 10 * config.dispatchInterval().toNanos()) {
        lastSlowPass = now;
      } else {
        ids.removeAll(full);
      }
    } else {
      for (java.util.Iterator<Long> it = candidates.iterator(); it.hasNext(); ) {
        ids.add(it.next());
        it.remove();
      }
      if (workAvailable.getAndSet(false)) {
        truncated = takeTurn(ids, channels.keySet());
      }
      ids.retainAll(channels.keySet());
    }
    if (ids.isEmpty()) {
      return;
    }
    long started = System.nanoTime();
    DispatchService.Round round = dispatch.claimFor(ids, Integer.MAX_VALUE, true);
    long claimed = System.nanoTime();
    hungry.removeAll(ids);
    hungry.addAll(round.withRoom());
    // held by a report batch's claim: it serves them, or leaves them with room (and wakes us)
    hungry.addAll(round.skipped());
    deliver(round);
    if (!truncated.isEmpty() && !round.assigned().isEmpty()) {
      // a class whose whole turn took work may have more for its next turn; one whose turn left a
      // worker with room has nothing more pending
      Set<Object> more = new HashSet<>(truncated);
      for (Long id : round.withRoom()) {
        more.remove(tags.groupOf(id));
      }
      if (!more.isEmpty()) {
        workAvailable();
      }
    }
    // where a pass spends its time, for the benchmark and the dashboards
    registry.timer("kiln_dispatch_claim").record(claimed - started, TimeUnit.NANOSECONDS);
    registry.timer("kiln_dispatch_push").record(System.nanoTime() - claimed, TimeUnit.NANOSECONDS);
    registry.summary("kiln_dispatch_pass_workers").record(ids.size());
    registry.summary("kiln_dispatch_pass_assigned").record(round.assigned().size());
  }
}
