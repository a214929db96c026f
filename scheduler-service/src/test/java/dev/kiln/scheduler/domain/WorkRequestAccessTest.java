package dev.kiln.scheduler.domain;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.kiln.common.auth.Caller;
import dev.kiln.common.auth.UserRole;
import dev.kiln.common.problem.ApiException;
import java.util.Map;
import org.junit.jupiter.api.Test;

class WorkRequestAccessTest {

  static Caller user(String name, UserRole role) {
    return new Caller(name, Caller.Kind.USER, null, null, null, Map.of("ws", role));
  }

  @Test
  void rolesIncludeTheOnesBelow() {
    WorkRequestAccess.checkRead(user("v", UserRole.VIEWER), 1, "ws");
    assertThrows(
        ApiException.class, () -> WorkRequestAccess.checkCreate(user("v", UserRole.VIEWER), "ws"));
    WorkRequestAccess.checkCreate(user("c", UserRole.CONTRIBUTOR), "ws");
    ApiException e =
        assertThrows(
            ApiException.class,
            () -> WorkRequestAccess.checkRead(user("c", UserRole.OWNER), 1, "other"));
    assertEquals(ApiException.Kind.FORBIDDEN, e.kind());
    assertTrue(e.getMessage().contains("viewer"), e.getMessage());
  }

  @Test
  void contributorsManageTheirOwnOwnersEveryone() {
    WorkRequestAccess.checkManageOwn(user("c", UserRole.CONTRIBUTOR), "ws", "c", "abort");
    assertThrows(
        ApiException.class,
        () ->
            WorkRequestAccess.checkManageOwn(user("c", UserRole.CONTRIBUTOR), "ws", "d", "abort"));
    WorkRequestAccess.checkManageOwn(user("o", UserRole.OWNER), "ws", "d", "abort");
    WorkRequestAccess.checkManageOwn(Caller.workflowService(), "ws", "d", "abort");
    assertTrue(WorkRequestAccess.mayManagePriorities(user("o", UserRole.OWNER), "ws"));
    assertFalse(WorkRequestAccess.mayManagePriorities(user("c", UserRole.CONTRIBUTOR), "ws"));
  }

  @Test
  void aWorkRequestTokenReadsOnlyItsOwnWorkRequest() {
    Caller wr = new Caller("wr:7", Caller.Kind.WORK_REQUEST, 7L, 1, "ws");
    WorkRequestAccess.checkRead(wr, 7, "ws");
    assertThrows(ApiException.class, () -> WorkRequestAccess.checkRead(wr, 8, "ws"));
    assertThrows(ApiException.class, () -> WorkRequestAccess.checkCreate(wr, "ws"));
    assertEquals(CreatorKind.USER, WorkRequestAccess.creatorKind(wr));
  }

  @Test
  void theWorkflowServiceCreatesAsAWorkflow() {
    assertEquals(CreatorKind.WORKFLOW, WorkRequestAccess.creatorKind(Caller.workflowService()));
    assertEquals(CreatorKind.ADMIN, WorkRequestAccess.creatorKind(Caller.admin("admin")));
  }
}
