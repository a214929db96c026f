package dev.kiln.scheduler.service;

import dev.kiln.common.problem.ApiException;
import dev.kiln.scheduler.repository.WorkerEntity;
import dev.kiln.scheduler.repository.WorkerRepository;
import dev.kiln.task.Tag;
import jakarta.enterprise.context.ApplicationScoped;
import jakarta.enterprise.event.Event;
import jakarta.inject.Inject;
import jakarta.transaction.Transactional;
import java.time.Instant;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;

/** The administrators' view of workers: list, enable/disable, concurrency, tags. */
@ApplicationScoped
public class WorkerAdmin {

  /** A worker's tag with who set it and whether it counts ({@code TagPolicy}). */
  public record TagView(String value, String provenance, boolean counts) {}

  /** A worker as the admin API shows it. */
  public record WorkerView(
      long id,
      String name,
      String workerType,
      boolean enabled,
      int concurrency,
      boolean connected,
      Instant registeredAt,
      Instant lastSeenAt,
      List<TagView> providedTags,
      List<TagView> requiredTags) {}

  /** What PATCH may change; null leaves a field as it is. */
  public record WorkerPatch(Boolean enabled, Integer concurrency) {}

  @Inject WorkerRepository workers;
  @Inject TagIndex tags;
  @Inject Event<WorkRequestService.WorkAvailable> workAvailable;

  /** Workers by id, after the keyset cursor {@code afterId}. */
  @Transactional
  public List<WorkerView> list(Long afterId, int limit) {
    List<WorkerEntity> page =
        workers.find("id > ?1 order by id", afterId == null ? 0L : afterId).page(0, limit).list();
    return views(page);
  }

  @Transactional
  public WorkerView get(long id) {
    return views(List.of(find(id))).get(0);
  }

  /**
   * Enables or disables a worker, or changes its concurrency. A disabled worker keeps what it runs
   * but gets nothing new, and its token is refused.
   */
  @Transactional
  public WorkerView patch(long id, WorkerPatch patch) {
    if (patch == null) {
      throw ApiException.invalidField("body", "a JSON object is required");
    }
    WorkerEntity w = find(id);
    if (patch.concurrency() != null) {
      if (patch.concurrency() < 1 || patch.concurrency() > 1000) {
        throw ApiException.invalidField("concurrency", "must be between 1 and 1000");
      }
      w.concurrency = patch.concurrency();
    }
    if (patch.enabled() != null) {
      w.enabled = patch.enabled();
    }
    workers.flush();
    workAvailable.fire(new WorkRequestService.WorkAvailable());
    return get(id);
  }

  /**
   * Sets a tag with {@code admin} provenance, on the worker's provided tags or, for {@code
   * required}, on those a work request must provide.
   */
  @Transactional
  public WorkerView setTag(long id, String tag, String kind) {
    find(id);
    workers.addTag(id, kind(kind), value(tag), "admin");
    workAvailable.fire(new WorkRequestService.WorkAvailable());
    return get(id);
  }

  /** Removes a tag an administrator set; 404 when there is none. */
  @Transactional
  public WorkerView removeTag(long id, String tag, String kind) {
    find(id);
    if (!workers.removeTag(id, kind(kind), value(tag), "admin")) {
      throw ApiException.notFound("admin tag '" + tag + "' on worker " + id);
    }
    return get(id);
  }

  private WorkerEntity find(long id) {
    return workers.findByIdOptional(id).orElseThrow(() -> ApiException.notFound("worker " + id));
  }

  private static String kind(String kind) {
    if (kind == null || kind.equals("provided")) {
      return "provided";
    }
    if (kind.equals("required")) {
      return "required";
    }
    throw ApiException.invalidField("kind", "must be provided or required");
  }

  private static String value(String tag) {
    try {
      return Tag.admin(tag).value();
    } catch (IllegalArgumentException | NullPointerException e) {
      throw ApiException.invalidField("tag", e.getMessage());
    }
  }

  private List<WorkerView> views(List<WorkerEntity> page) {
    Map<Long, List<TagView>> provided = new HashMap<>();
    Map<Long, List<TagView>> required = new HashMap<>();
    if (!page.isEmpty()) {
      for (WorkerRepository.TagRow r :
          workers.tagsOf(page.stream().map(w -> w.id).toArray(Long[]::new))) {
        boolean isRequired = r.kind().equals("required");
        boolean counts =
            isRequired || !r.provenance().equals("worker") || !tags.policy().isProtected(r.value());
        (isRequired ? required : provided)
            .computeIfAbsent(r.workerId(), x -> new ArrayList<>())
            .add(new TagView(r.value(), r.provenance(), counts));
      }
    }
    List<WorkerView> out = new ArrayList<>();
    for (WorkerEntity w : page) {
      out.add(
          new WorkerView(
              w.id,
              w.name,
              w.workerType,
              w.enabled,
              w.concurrency,
              w.connectedAt != null,
              w.registeredAt,
              w.lastSeenAt,
              provided.getOrDefault(w.id, List.of()),
              required.getOrDefault(w.id, List.of())));
    }
    return out;
  }
}
