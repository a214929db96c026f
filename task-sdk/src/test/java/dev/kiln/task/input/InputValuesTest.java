package dev.kiln.task.input;

import static org.junit.jupiter.api.Assertions.assertEquals;

import dev.kiln.task.TaskJson;
import java.util.Set;
import org.junit.jupiter.api.Test;

class InputValuesTest {

  @Test
  void artifactIdsCollectSingleAndMultipleArtifactFieldsButNotCollections() {
    InputValues values =
        InputValues.fromJson(
            TaskJson.parse(
                """
                {"environment": {"lookup": "debian/match:codename=bookworm",
                                 "artifact": {"id": 7, "category": "debian:system-tarball", "data": {}}},
                 "input.binary_artifacts": {"lookup": ["12@artifacts", "5@artifacts"],
                                 "artifacts": [{"id": 12, "category": "debian:binary-package", "data": {}},
                                               {"id": 5, "category": "debian:binary-package", "data": {}}]},
                 "suite": {"lookup": "bookworm@debian:suite",
                           "collection": {"id": 99, "category": "debian:suite", "data": {}}},
                 "host_architecture": {"architecture": "amd64"}}
                """));

    assertEquals(Set.of(5L, 7L, 12L), values.artifactIds());
    assertEquals(Set.of(), InputValues.none().artifactIds());
  }
}
