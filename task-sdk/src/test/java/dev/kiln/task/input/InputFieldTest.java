package dev.kiln.task.input;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import com.fasterxml.jackson.databind.node.JsonNodeFactory;
import dev.kiln.task.DynamicTaskData;
import dev.kiln.task.external.worker.SbuildTask;
import java.util.Map;
import org.junit.jupiter.api.Test;

class InputFieldTest {

  @Test
  void matchLookupsAreCompletedWithArchitectureAndFormat() {
    assertEquals(
        "debian/match:codename=trixie:architecture=arm64:format=image",
        InputField.completeMatch("debian/match:codename=trixie", "arm64", "image"));
    assertEquals(
        "debian/match:codename=trixie:format=tarball:architecture=i386",
        InputField.completeMatch("debian/match:codename=trixie:format=tarball", "i386", "image"));
    assertEquals(
        "debian/match:architecture=amd64:format=tarball",
        InputField.completeMatch("debian/match:", "amd64", "tarball"));
    assertEquals("12@artifacts", InputField.completeMatch("12@artifacts", "amd64", "tarball"));
    assertEquals(
        "debian/name:bookworm",
        InputField.completeMatch("debian/name:bookworm", "amd64", "tarball"));
  }

  @Test
  void fieldsAreNamedByTheLastSegmentOfTheirPath() {
    assertEquals("source_artifact", SbuildTask.SOURCE_ARTIFACT.name());
    assertEquals("task_data.input.source_artifact", SbuildTask.SOURCE_ARTIFACT.taskDataPath());
    assertEquals(Stage.CONFIG, SbuildTask.SOURCE_ARTIFACT.stage());
    assertEquals(Stage.EXECUTION, SbuildTask.EXTRA_BINARY_ARTIFACTS.stage());
    assertThrows(
        IllegalArgumentException.class,
        () -> InputField.singleArtifact("Input.Source", (Object o) -> null));
    assertThrows(
        IllegalStateException.class,
        () -> InputField.architecture("arch", (Object o) -> null).optional());
  }

  @Test
  void valuesKnowHowFarResolutionWent() {
    var env =
        InputValues.persist(
            new InputArtifactSingle(
                JsonNodeFactory.instance.textNode("7@artifacts"),
                new ArtifactInfo(7, "debian:system-tarball", null)));
    InputValues config = InputValues.of(Map.of("environment", env), InputValues.Coverage.CONFIG);
    assertEquals(7, config.get(SbuildTask.ENVIRONMENT).artifactId());
    IllegalStateException e =
        assertThrows(
            IllegalStateException.class, () -> config.find(SbuildTask.EXTRA_BINARY_ARTIFACTS));
    assertTrue(e.getMessage().contains("not resolved here"), e.getMessage());
    assertThrows(
        IllegalStateException.class,
        () ->
            InputValues.of(Map.of(), InputValues.Coverage.VALUES_ONLY)
                .find(SbuildTask.ENVIRONMENT));
    assertTrue(
        DynamicTaskData.fromJson(null).inputs().find(SbuildTask.EXTRA_BINARY_ARTIFACTS).isEmpty());
    assertThrows(
        IllegalStateException.class,
        () -> DynamicTaskData.fromJson(null).inputs().get(SbuildTask.SOURCE_ARTIFACT));
  }
}
