package dev.kiln.workflow.servertask;

import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.node.ObjectNode;
import dev.kiln.task.input.InputValues;
import dev.kiln.task.server.tasks.PackageUploadTask;
import dev.kiln.workflow.client.ArtifactRestClient;
import dev.kiln.workflow.config.ServerTaskConfig;
import dev.kiln.workflow.domain.servertask.ServerTaskCommand;
import dev.kiln.workflow.domain.servertask.ServerTaskOutcome;
import jakarta.enterprise.context.ApplicationScoped;
import jakarta.inject.Inject;
import java.net.URI;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardCopyOption;
import java.util.ArrayList;
import java.util.Iterator;
import java.util.List;
import java.util.Optional;

/**
 * {@code server/packageupload}: puts the files of a {@code debian:upload} artifact (resolved by the
 * scheduler into {@code dynamic_task_data.inputs["input.upload"]}) into an upload queue, the {@code
 * .changes} last as {@code dput} does, under {@code DELAYED/<n>-day/} when {@code delayed_days} is
 * above 0. Each file is streamed from the artifact service to a hidden {@code .part} file and
 * renamed into place, so a queue daemon never sees half a file.
 *
 * <p>Targets: {@code file:///dir} (the task data schema takes {@code ftp://}, {@code sftp://} and
 * {@code file://}), inside the directory {@code kiln.server-tasks.local-upload-root} (unset: local
 * targets are refused). {@code ftp://} and {@code sftp://} queues are recognised and refused with
 * an {@code error} naming the scheme: no protocol client is wired yet.
 */
@ApplicationScoped
public class PackageUploadRunner implements ServerTaskRunner {

  @Inject ArtifactRestClient artifacts;
  @Inject ServerTaskConfig config;
  @Inject ObjectMapper mapper;

  @Override
  public String taskName() {
    return PackageUploadTask.DEFINITION.name();
  }

  @Override
  public ServerTaskOutcome run(ServerTaskCommand c) throws Exception {
    PackageUploadTask.Data data = PackageUploadTask.DEFINITION.parseData(c.taskData());
    int delayed = data.delayedDays() == null ? 0 : data.delayedDays();
    if (delayed < 0 || delayed > 15) {
      return ServerTaskOutcome.error("task_data.delayed_days: must be 0 to 15");
    }
    Optional<Path> queue;
    try {
      queue = localQueue(data.target());
    } catch (IllegalArgumentException e) {
      return ServerTaskOutcome.error("task_data.target: " + e.getMessage());
    }
    if (queue.isEmpty()) {
      return ServerTaskOutcome.error(
          "task_data.target: the scheme of '"
              + data.target()
              + "' is not supported by this runner (file:// and local paths are)");
    }
    long uploadId =
        InputValues.fromJson(c.dynamicTaskData().get("inputs"))
            .find(PackageUploadTask.UPLOAD)
            .map(u -> u.artifactId())
            .orElse(-1L);
    if (uploadId < 0) {
      return ServerTaskOutcome.error(
          "dynamic_task_data.inputs.input.upload: the upload was not resolved");
    }
    String token = artifacts.tokenFor(c.workRequestId(), c.workspace());
    ArtifactRestClient.Answer a = artifacts.get(token, "/api/v1/artifacts/" + uploadId);
    if (!a.ok()) {
      return ServerTaskOutcome.error("artifact " + uploadId + ": " + a.detail());
    }
    List<String> files = new ArrayList<>();
    String changes = null;
    for (Iterator<String> it = a.body().path("files").fieldNames(); it.hasNext(); ) {
      String name = it.next();
      if (name.contains("/") || name.startsWith(".")) {
        return ServerTaskOutcome.error(
            "artifact " + uploadId + ": '" + name + "' is not a file name an upload queue takes");
      }
      if (name.endsWith(".changes")) {
        changes = name;
      } else {
        files.add(name);
      }
    }
    if (changes == null) {
      return ServerTaskOutcome.error("artifact " + uploadId + " has no .changes file");
    }
    files.add(changes);
    Path dir = delayed > 0 ? queue.get().resolve("DELAYED").resolve(delayed + "-day") : queue.get();
    Files.createDirectories(dir);
    for (String name : files) {
      Path part = dir.resolve("." + name + ".part");
      artifacts.download(token, uploadId, name, part);
      Files.move(
          part,
          dir.resolve(name),
          StandardCopyOption.REPLACE_EXISTING,
          StandardCopyOption.ATOMIC_MOVE);
    }
    ObjectNode out = mapper.createObjectNode();
    out.put("target", dir.toString());
    out.put("upload_artifact_id", uploadId);
    files.forEach(out.putArray("uploaded")::add);
    return ServerTaskOutcome.success(out);
  }

  /**
   * The local directory of a target, checked to lie under the configured root; empty for a remote
   * scheme.
   *
   * @throws IllegalArgumentException for a local target outside the root, or an unknown scheme
   */
  Optional<Path> localQueue(String target) {
    Path path;
    if (target.startsWith("file:")) {
      path = Path.of(URI.create(target));
    } else if (target.startsWith("/")) {
      path = Path.of(target);
    } else if (target.startsWith("ftp://") || target.startsWith("sftp://")) {
      return Optional.empty();
    } else {
      throw new IllegalArgumentException(
          "must be an ftp://, sftp:// or file:// URL or an absolute path");
    }
    Path root =
        config
            .localUploadRoot()
            .filter(r -> !r.isBlank())
            .map(r -> Path.of(r).toAbsolutePath().normalize())
            .orElseThrow(
                () ->
                    new IllegalArgumentException(
                        "local upload queues are not enabled on this runner"));
    Path normal = path.toAbsolutePath().normalize();
    if (!normal.startsWith(root)) {
      throw new IllegalArgumentException("'" + target + "' is outside the upload root " + root);
    }
    return Optional.of(normal);
  }
}
