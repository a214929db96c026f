package dev.kiln.task.server.tasks;

import com.fasterxml.jackson.annotation.JsonProperty;
import com.fasterxml.jackson.databind.node.ObjectNode;
import dev.kiln.task.TaskData;
import dev.kiln.task.input.LookupMultiple;
import dev.kiln.task.input.LookupSingle;
import dev.kiln.task.server.DbTask;
import dev.kiln.task.server.DbTaskContext;
import dev.kiln.task.server.DbTaskDefinition;
import java.util.List;

/**
 * {@code server/copycollectionitems}: copies items (artifacts or bare data) into target
 * collections, possibly across workspaces, in one transaction. Its lookups sit inside a list, so
 * the task resolves them itself when it runs rather than declaring input fields.
 */
public final class CopyCollectionItemsTask extends DbTask<CopyCollectionItemsTask.Data> {

  /**
   * Task data.
   *
   * @param copies the copies to make (at least one)
   * @param taskConfiguration the task configuration collection
   */
  public record Data(
      @JsonProperty(required = true) List<Copy> copies, LookupSingle taskConfiguration)
      implements TaskData {}

  /**
   * One copy.
   *
   * @param sourceItems the items to copy
   * @param targetCollection the collection to copy them into
   * @param unembargo whether copying from a private to a public workspace is allowed
   * @param replace whether to replace items of the same name
   * @param nameTemplate the name of each copied item, a template
   * @param variables extra variables for the target collection
   */
  public record Copy(
      @JsonProperty(required = true) LookupMultiple sourceItems,
      @JsonProperty(required = true) LookupSingle targetCollection,
      Boolean unembargo,
      Boolean replace,
      String nameTemplate,
      ObjectNode variables) {}

  /** The definition. */
  public static final DbTaskDefinition<Data> DEFINITION =
      DbTaskDefinition.server("copycollectionitems", 1, Data.class, CopyCollectionItemsTask::new)
          .build();

  private CopyCollectionItemsTask(
      DbTaskDefinition<Data> definition, Data data, DbTaskContext context) {
    super(definition, data, context);
  }
}
