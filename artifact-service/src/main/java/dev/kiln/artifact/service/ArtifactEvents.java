package dev.kiln.artifact.service;

import dev.kiln.artifact.config.ArtifactEventsConfig;
import dev.kiln.artifact.retention.DeletedArtifact;
import dev.kiln.outbox.OutboxEvent;
import dev.kiln.outbox.OutboxWriter;
import jakarta.enterprise.context.ApplicationScoped;
import jakarta.inject.Inject;
import java.time.Instant;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;

/**
 * Writes artifact events into the outbox, inside the caller's transaction. Keyed by artifact id:
 * the order that matters is one artifact's (created before expired), and a key per artifact spreads
 * a busy workspace over every partition.
 */
@ApplicationScoped
public class ArtifactEvents {

  public static final String CREATED = "artifact.created.v1";
  public static final String EXPIRED = "artifact.expired.v1";

  @Inject OutboxWriter outbox;
  @Inject ArtifactEventsConfig config;

  /** An artifact was declared: its row and its files exist, some may still await their bytes. */
  public void created(ArtifactView a) {
    Map<String, Object> event = OutboxEvent.envelope(CREATED);
    event.put("artifact_id", a.id());
    event.put("category", a.category());
    event.put("workspace", a.workspace());
    event.put("created_at", a.createdAt().toString());
    event.put("created_by", a.createdBy());
    event.put("work_request_id", a.workRequestId());
    Map<String, Object> files = new LinkedHashMap<>();
    a.files()
        .forEach(
            (path, f) ->
                files.put(
                    path,
                    Map.of("size", f.size(), "sha256", f.sha256(), "complete", f.complete())));
    event.put("files", files);
    event.put("files_to_upload", a.filesToUpload());
    event.put("complete", a.filesToUpload().isEmpty());
    outbox.write(new OutboxEvent(config.topic(), String.valueOf(a.id()), event));
  }

  /** Artifacts a retention sweep deleted: one event each, written in one statement. */
  public void expired(List<DeletedArtifact> deleted) {
    Instant now = Instant.now();
    List<OutboxEvent> events = new ArrayList<>(deleted.size());
    for (DeletedArtifact d : deleted) {
      Map<String, Object> event = OutboxEvent.envelope(EXPIRED, now);
      event.put("artifact_id", d.id());
      event.put("category", d.category());
      event.put("workspace", d.workspace());
      event.put("created_at", d.createdAt().toString());
      event.put("work_request_id", d.workRequestId());
      events.add(new OutboxEvent(config.topic(), String.valueOf(d.id()), event));
    }
    outbox.writeAll(events);
  }
}
