package dev.kiln.agent.task.debian;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.node.ObjectNode;
import dev.kiln.task.external.worker.AutopkgtestTask;
import java.nio.file.Path;
import java.util.List;
import org.junit.jupiter.api.Test;

class AutopkgtestRunnerTest {

  private static final ObjectMapper JSON = new ObjectMapper();

  private static AutopkgtestTask.Data data(String json) throws Exception {
    return (AutopkgtestTask.Data) AutopkgtestTask.DEFINITION.parseData(JSON.readTree(json));
  }

  @Test
  void testsTheBinariesWithTheUnshareVirtServerOnTheTarball() throws Exception {
    AutopkgtestTask.Data d =
        data(
            """
            {"input": {"source_artifact": 3, "binary_artifacts": [5]}, "environment": 1,
             "include_tests": ["smoke"], "exclude_tests": ["slow"],
             "extra_environment": {"A": "1"}, "needs_internet": "skip",
             "timeout": {"test": 600, "factor": 2}}
            """);
    List<String> argv =
        AutopkgtestRunner.command(
            d,
            "amd64",
            "bookworm",
            Path.of("/c/1/system.tar.zst"),
            Path.of("/w/out"),
            List.of(Path.of("/w/bin/hello_2.10-3_amd64.deb")),
            Path.of("/w/src/hello_2.10-3.dsc"));
    assertEquals(
        List.of(
            "autopkgtest",
            "-U",
            "--output-dir=/w/out",
            "--summary-file=/w/out/summary",
            "--test-name=smoke",
            "--skip-test=slow",
            "--env=A=1",
            "--needs-internet=skip",
            "--timeout-factor=2",
            "--timeout-test=600",
            "/w/bin/hello_2.10-3_amd64.deb",
            "/w/src/hello_2.10-3.dsc",
            "--",
            "unshare",
            "--release",
            "bookworm",
            "--arch",
            "amd64",
            "--tarball",
            "/c/1/system.tar.zst"),
        argv);
  }

  @Test
  void theSummaryGivesEachTestsStatusAndFailOnDecides() {
    ObjectNode results =
        AutopkgtestRunner.results(
            List.of(
                "smoke                PASS",
                "upstream             FAIL non-zero exit status 1",
                "flaky-one            FLAKY",
                "needs-root           SKIP Test requires root",
                "blame: garbage"));
    assertEquals(4, results.size());
    assertEquals("PASS", results.path("smoke").path("status").asText());
    assertTrue(results.path("smoke").path("details").isNull());
    assertEquals("non-zero exit status 1", results.path("upstream").path("details").asText());
    assertTrue(AutopkgtestRunner.failed(results, null));

    ObjectNode passed = AutopkgtestRunner.results(List.of("a PASS", "b SKIP no"));
    assertFalse(AutopkgtestRunner.failed(passed, null));
    assertTrue(AutopkgtestRunner.failed(passed, new AutopkgtestTask.FailOn(true, false, true)));
    ObjectNode flaky = AutopkgtestRunner.results(List.of("a FLAKY"));
    assertFalse(AutopkgtestRunner.failed(flaky, null));
    assertTrue(AutopkgtestRunner.failed(flaky, new AutopkgtestTask.FailOn(null, true, null)));
    ObjectNode failed = AutopkgtestRunner.results(List.of("a FAIL x"));
    assertFalse(AutopkgtestRunner.failed(failed, new AutopkgtestTask.FailOn(false, null, null)));
  }
}
