package dev.kiln.scheduler.service;

import dev.kiln.common.auth.Tokens;
import dev.kiln.common.problem.ApiException;
import dev.kiln.scheduler.config.SchedulerConfig;
import dev.kiln.scheduler.repository.WorkRequestRepository;
import dev.kiln.scheduler.repository.WorkerEntity;
import dev.kiln.scheduler.repository.WorkerRepository;
import dev.kiln.task.Tag;
import jakarta.enterprise.context.ApplicationScoped;
import jakarta.inject.Inject;
import jakarta.transaction.Transactional;
import java.nio.charset.StandardCharsets;
import java.security.MessageDigest;
import java.time.Instant;
import java.util.Collection;
import java.util.List;
import java.util.Set;
import java.util.TreeSet;
import org.jboss.logging.Logger;

/** Worker registration, authentication, presence and leases. */
@ApplicationScoped
public class WorkerService {

  private static final Logger LOG = Logger.getLogger(WorkerService.class);

  /** What a successful registration hands back; the token is shown once and stored hashed. */
  public record Registration(long workerId, String token) {}

  /** A lease an agent claims to hold. */
  public record Lease(long workRequestId, int attempt) {}

  @Inject WorkerRepository workers;
  @Inject WorkRequestRepository workRequests;
  @Inject SchedulerConfig config;

  /**
   * Registers a worker by name, or re-registers it: a new token replaces the old one, so a
   * re-installed agent keeps its identity but the old token stops working.
   */
  @Transactional
  public Registration register(String registrationToken, String name, String workerType) {
    if (registrationToken == null
        || !MessageDigest.isEqual(
            registrationToken.getBytes(StandardCharsets.UTF_8),
            config.registrationToken().getBytes(StandardCharsets.UTF_8))) {
      throw ApiException.unauthenticated("the registration token is not valid");
    }
    if (name == null || name.isBlank() || name.length() > 255) {
      throw ApiException.invalidField("name", "must be 1 to 255 characters");
    }
    String type = workerType == null || workerType.isBlank() ? "worker" : workerType;
    if (!type.equals("worker") && !type.equals("signing")) {
      throw ApiException.invalidField("worker_type", "must be worker or signing");
    }
    String token = Tokens.generate();
    WorkerEntity worker = workers.findByName(name).orElseGet(WorkerEntity::new);
    if (worker.id != null && !worker.workerType.equals(type)) {
      throw ApiException.conflict(
          "worker '" + name + "' is registered as a " + worker.workerType + " worker");
    }
    boolean isNew = worker.id == null;
    worker.name = name;
    worker.workerType = type;
    worker.tokenSha256 = Tokens.hash(token);
    worker.enabled = isNew || worker.enabled;
    worker.concurrency = Math.max(worker.concurrency, 1);
    if (isNew) {
      worker.registeredAt = Instant.now();
      worker.providedTags = new String[0];
      workers.persist(worker);
    }
    workers.flush();
    LOG.infof("%s worker '%s' as %d", isNew ? "registered" : "re-registered", name, worker.id);
    return new Registration(worker.id, token);
  }

  /** The enabled worker a token belongs to. */
  @Transactional
  public WorkerEntity authenticate(String token) {
    if (token == null) {
      throw ApiException.unauthenticated(
          "send the worker token as 'authorization: Bearer <token>'");
    }
    WorkerEntity worker =
        workers
            .findByTokenHash(Tokens.hash(token))
            .orElseThrow(() -> ApiException.unauthenticated("the worker token is not valid"));
    if (!worker.enabled) {
      throw ApiException.forbidden("worker '" + worker.name + "' is disabled");
    }
    return worker;
  }

  /**
   * Records a connection: concurrency and the tags the agent reported about itself (provenance
   * {@code worker}), which replace those of its previous connection; tags an administrator set
   * stay. Tags that are not well formed are dropped.
   */
  @Transactional
  public void connected(long workerId, Collection<String> reportedTags, int concurrency) {
    WorkerEntity worker = workers.findById(workerId);
    Set<String> valid = new TreeSet<>();
    for (String t : reportedTags) {
      try {
        valid.add(Tag.worker(t).value());
      } catch (IllegalArgumentException e) {
        LOG.debugf("worker %d reported a malformed tag '%s'; dropped", workerId, t);
      }
    }
    worker.providedTags = valid.toArray(new String[0]);
    worker.concurrency = Math.max(1, concurrency);
    worker.connectedAt = Instant.now();
    worker.lastSeenAt = worker.connectedAt;
    workers.flush();
    workers.replaceReportedTags(workerId, worker.providedTags);
  }

  /** Refuses a disabled (or removed) worker. */
  @Transactional
  public void requireEnabled(long workerId) {
    WorkerEntity worker = workers.findById(workerId);
    if (worker == null) {
      throw ApiException.unauthenticated("the worker token is not valid");
    }
    if (!worker.enabled) {
      throw ApiException.forbidden("worker '" + worker.name + "' is disabled");
    }
  }

  @Transactional
  public void disconnected(long workerId) {
    WorkerEntity worker = workers.findById(workerId);
    if (worker != null) {
      worker.connectedAt = null;
    }
  }

  /**
   * Extends the leases the agent holds. Returns the leases it claims that are no longer its own
   * (aborted, completed elsewhere, requeued): the agent must stop them.
   */
  @Transactional
  public List<Lease> heartbeat(long workerId, List<Lease> leases) {
    WorkerEntity worker = workers.findById(workerId);
    worker.lastSeenAt = Instant.now();
    if (leases.isEmpty()) {
      return List.of();
    }
    Instant until = Instant.now().plus(config.leaseDuration());
    Set<Long> held =
        workRequests.extendLeases(
            workerId,
            leases.stream().map(Lease::workRequestId).toList(),
            leases.stream().map(Lease::attempt).toList(),
            until);
    // a lease is held only by the current attempt of the assigned worker (LeaseRules' fencing)
    return leases.stream().filter(l -> !held.contains(l.workRequestId())).toList();
  }
}
