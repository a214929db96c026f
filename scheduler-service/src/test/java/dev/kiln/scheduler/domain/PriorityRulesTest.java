package dev.kiln.scheduler.domain;

import static org.junit.jupiter.api.Assertions.assertDoesNotThrow;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;

import dev.kiln.common.problem.ApiException;
import org.junit.jupiter.api.Test;

class PriorityRulesTest {

  @Test
  void withThePermissionAnyAdjustment() {
    assertDoesNotThrow(() -> PriorityRules.checkAdjustment(500, true, false));
    assertDoesNotThrow(() -> PriorityRules.checkAdjustment(-500, true, false));
  }

  @Test
  void theCreatorMayLowerButNotRaise() {
    assertDoesNotThrow(() -> PriorityRules.checkAdjustment(-10, false, true));
    assertDoesNotThrow(() -> PriorityRules.checkAdjustment(0, false, true));
    ApiException raise =
        assertThrows(ApiException.class, () -> PriorityRules.checkAdjustment(1, false, true));
    assertEquals(ApiException.Kind.FORBIDDEN, raise.kind());
  }

  @Test
  void othersMayNotAdjustAtAll() {
    assertEquals(
        ApiException.Kind.FORBIDDEN,
        assertThrows(ApiException.class, () -> PriorityRules.checkAdjustment(-1, false, false))
            .kind());
  }

  @Test
  void valuesStayInRange() {
    ApiException e =
        assertThrows(
            ApiException.class,
            () -> PriorityRules.checkAdjustment(PriorityRules.MAX_ABS + 1, true, true));
    assertEquals(ApiException.Kind.INVALID_INPUT, e.kind());
    assertEquals("priority_adjustment", e.errors().get(0).field());
    assertThrows(
        ApiException.class, () -> PriorityRules.checkAdjustment(Integer.MIN_VALUE, true, true));
    assertEquals(PriorityRules.MAX_ABS, PriorityRules.childBase(PriorityRules.MAX_ABS, 5));
  }

  @Test
  void templatePrioritiesAboveZeroNeedThePermission() {
    assertDoesNotThrow(() -> PriorityRules.checkTemplatePriority(-5, false));
    assertDoesNotThrow(() -> PriorityRules.checkTemplatePriority(5, true));
    assertEquals(
        ApiException.Kind.FORBIDDEN,
        assertThrows(ApiException.class, () -> PriorityRules.checkTemplatePriority(1, false))
            .kind());
  }

  @Test
  void childrenInheritTheParentsEffectivePriority() {
    int parent = PriorityRules.effective(10, -2);
    assertEquals(8, parent);
    assertEquals(7, PriorityRules.childBase(parent, -1));
  }
}
