package dev.kiln.workflow.template;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.node.ObjectNode;
import dev.kiln.workflow.domain.template.WorkflowTemplate;
import jakarta.enterprise.context.ApplicationScoped;
import jakarta.inject.Inject;
import jakarta.persistence.EntityManager;
import java.io.UncheckedIOException;
import java.util.List;
import java.util.Optional;

/** Workflow templates in the workflow schema ({@code workflow_template}). */
@ApplicationScoped
public class WorkflowTemplateRepository {

  private static final String COLUMNS =
      "workspace, name, task_name, task_data::text, default_task_data::text, priority";

  @Inject EntityManager em;
  @Inject ObjectMapper mapper;

  /** Inserts it; false when the workspace already has a template of that name. */
  public boolean insert(WorkflowTemplate t, String by) {
    return em.createNativeQuery(
                "INSERT INTO workflow_template (workspace, name, task_name, task_data,"
                    + " default_task_data, priority, created_by)"
                    + " VALUES (?1, ?2, ?3, CAST(?4 AS jsonb), CAST(?5 AS jsonb), ?6, ?7)"
                    + " ON CONFLICT (workspace, name) DO NOTHING")
            .setParameter(1, t.workspace())
            .setParameter(2, t.name())
            .setParameter(3, t.taskName())
            .setParameter(4, t.taskData().toString())
            .setParameter(5, t.defaultTaskData().toString())
            .setParameter(6, t.priority())
            .setParameter(7, by)
            .executeUpdate()
        == 1;
  }

  /** Replaces its parts; false when there is none of that name. */
  public boolean update(WorkflowTemplate t) {
    return em.createNativeQuery(
                "UPDATE workflow_template SET task_name = ?3, task_data = CAST(?4 AS jsonb),"
                    + " default_task_data = CAST(?5 AS jsonb), priority = ?6, updated_at = now()"
                    + " WHERE workspace = ?1 AND name = ?2")
            .setParameter(1, t.workspace())
            .setParameter(2, t.name())
            .setParameter(3, t.taskName())
            .setParameter(4, t.taskData().toString())
            .setParameter(5, t.defaultTaskData().toString())
            .setParameter(6, t.priority())
            .executeUpdate()
        == 1;
  }

  /** Deletes it; false when there is none of that name. */
  public boolean delete(String workspace, String name) {
    return em.createNativeQuery("DELETE FROM workflow_template WHERE workspace = ?1 AND name = ?2")
            .setParameter(1, workspace)
            .setParameter(2, name)
            .executeUpdate()
        == 1;
  }

  public Optional<WorkflowTemplate> find(String workspace, String name) {
    @SuppressWarnings("unchecked")
    List<Object[]> rows =
        em.createNativeQuery(
                "SELECT " + COLUMNS + " FROM workflow_template WHERE workspace = ?1 AND name = ?2")
            .setParameter(1, workspace)
            .setParameter(2, name)
            .getResultList();
    return rows.stream().findFirst().map(this::template);
  }

  /** The workspace's templates by name. */
  public List<WorkflowTemplate> list(String workspace) {
    @SuppressWarnings("unchecked")
    List<Object[]> rows =
        em.createNativeQuery(
                "SELECT " + COLUMNS + " FROM workflow_template WHERE workspace = ?1 ORDER BY name")
            .setParameter(1, workspace)
            .getResultList();
    return rows.stream().map(this::template).toList();
  }

  private WorkflowTemplate template(Object[] r) {
    return new WorkflowTemplate(
        (String) r[0],
        (String) r[1],
        (String) r[2],
        object((String) r[3]),
        object((String) r[4]),
        ((Number) r[5]).intValue());
  }

  private ObjectNode object(String json) {
    try {
      JsonNode n = mapper.readTree(json);
      return (ObjectNode) n;
    } catch (com.fasterxml.jackson.core.JsonProcessingException e) {
      throw new UncheckedIOException(e);
    }
  }
}
