package dev.kiln.scheduler.service;

import dev.kiln.common.auth.Caller;
import dev.kiln.common.problem.ApiException;
import dev.kiln.scheduler.config.SchedulerConfig;
import dev.kiln.scheduler.domain.LeaseRules;
import dev.kiln.scheduler.domain.WorkRequestAccess;
import dev.kiln.scheduler.domain.WorkRequestStatus;
import dev.kiln.scheduler.repository.WorkRequestEntity;
import dev.kiln.scheduler.repository.WorkRequestRepository;
import jakarta.enterprise.context.ApplicationScoped;
import jakarta.inject.Inject;
import jakarta.transaction.Transactional;
import java.time.Duration;

/** Limits set on a work request after its creation: its time limit. */
@ApplicationScoped
public class WorkRequestLimits {

  @Inject WorkRequestRepository repository;
  @Inject SchedulerConfig config;

  /**
   * Sets (or with null removes) the time limit of a work request that has not ended: once it runs
   * longer than this, the lease reaper ends it {@code error} ({@link
   * LeaseRules#TIME_LIMIT_EXCEEDED}) and aborts it on its agent. A running one is measured from its
   * start, so a limit it has already exceeded ends it at the reaper's next pass.
   */
  @Transactional
  public WorkRequestView setTimeLimit(long id, Duration timeLimit, Caller caller) {
    if (caller.kind() == Caller.Kind.WORK_REQUEST || caller.kind() == Caller.Kind.WORKER) {
      throw ApiException.forbidden("only users and services set time limits");
    }
    WorkRequestEntity wr =
        repository.findForUpdate(id).orElseThrow(() -> ApiException.notFound("work request " + id));
    WorkRequestAccess.checkRead(caller, id, wr.workspace);
    WorkRequestAccess.checkManageOwn(caller, wr.workspace, wr.createdBy, "limit");
    if (timeLimit != null) {
      LeaseRules.checkTimeLimit(timeLimit, config.maxTimeLimit());
    }
    if (WorkRequestStatus.fromWire(wr.status).isTerminal()) {
      throw ApiException.preconditionFailed(
          "work request " + id + " is " + wr.status + ": a time limit no longer applies");
    }
    repository
        .getEntityManager()
        .createNativeQuery(
            "UPDATE work_request SET time_limit = ?2 * interval '1 millisecond' WHERE id = ?1")
        .setParameter(1, id)
        .setParameter(2, timeLimit == null ? null : timeLimit.toMillis())
        .executeUpdate();
    repository.getEntityManager().refresh(wr);
    return WorkRequestView.of(wr);
  }
}
