package dev.kiln.workflow.domain.catalogue;

import static dev.kiln.workflow.domain.orchestration.ChildResult.FAILURE;
import static dev.kiln.workflow.domain.orchestration.ChildResult.SUCCESS;
import static dev.kiln.workflow.domain.orchestration.ChildStatus.ABORTED;
import static dev.kiln.workflow.domain.orchestration.ChildStatus.BLOCKED;
import static dev.kiln.workflow.domain.orchestration.ChildStatus.COMPLETED;
import static dev.kiln.workflow.domain.orchestration.ChildStatus.PENDING;
import static dev.kiln.workflow.domain.orchestration.Json.obj;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import com.fasterxml.jackson.databind.node.ObjectNode;
import dev.kiln.task.TaskRegistry;
import dev.kiln.task.server.TaskCatalogue;
import dev.kiln.workflow.domain.orchestration.ChildSpec;
import dev.kiln.workflow.domain.orchestration.ChildState;
import dev.kiln.workflow.domain.orchestration.EventReaction;
import dev.kiln.workflow.domain.orchestration.FakeScheduler;
import dev.kiln.workflow.domain.orchestration.GraphMutation;
import dev.kiln.workflow.domain.orchestration.InternalItem;
import dev.kiln.workflow.domain.orchestration.Orchestration;
import dev.kiln.workflow.domain.orchestration.OrchestrationException;
import dev.kiln.workflow.domain.orchestration.WorkflowView;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.TreeSet;
import org.junit.jupiter.api.Test;

/**
 * Each orchestrator of the catalogue lays out the right children, with task data valid for the
 * SDK's schemas and the right tags-to-be (architectures, environments), and re-populating what it
 * laid out creates nothing.
 */
class CatalogueLayoutTest {

  private static final TaskRegistry REGISTRY = TaskCatalogue.registry();
  private static final Orchestration ORCHESTRATION = WorkflowCatalogue.orchestration();
  private static final String ENV = "debian/match:codename=bookworm";

  private static FakeScheduler start(String workflow, String data, String... artifacts) {
    FakeScheduler s = new FakeScheduler(ORCHESTRATION, 1, workflow, obj(data));
    for (int i = 0; i < artifacts.length; i += 2) {
      s.artifact(
          artifacts[i], "debian:upload", obj("{'architecture': '" + artifacts[i + 1] + "'}"));
    }
    s.start();
    assertValidAndIdempotent(s);
    return s;
  }

  /** Every child's task data passes its schema, and re-populating creates nothing. */
  private static void assertValidAndIdempotent(FakeScheduler s) {
    for (ChildState c : s.children().values()) {
      ChildSpec spec = c.spec();
      assertEquals(
          List.of(),
          REGISTRY.validate(spec.taskType(), spec.taskName(), spec.taskData()),
          spec.key());
    }
    GraphMutation again = ORCHESTRATION.populate(s.view());
    assertTrue(again.isEmpty(), () -> "re-populate: " + again.toJson());
  }

  private static Set<String> keys(FakeScheduler s) {
    return new TreeSet<>(s.children().keySet());
  }

  private static ObjectNode data(FakeScheduler s, String key) {
    return s.child(key).spec().taskData();
  }

  @Test
  void noopHasNoChildrenAndSucceeds() {
    FakeScheduler s = start("noop", "{}");
    assertEquals(Set.of(), keys(s));
    assertEquals(COMPLETED, s.rootStatus());
    assertEquals(SUCCESS, s.rootResult());
  }

  @Test
  void sbuildBuildsEachArchitectureOnceAndAllOnItsHost() {
    FakeScheduler s =
        start(
            "sbuild",
            "{'input': {'source_artifact': 12}, 'target_distribution': 'debian:bookworm',"
                + " 'architectures': ['arm64', 'amd64', 'all', 'amd64'], 'backend': 'unshare',"
                + " 'environment_variant': 'sbuild'}");

    assertEquals(Set.of("build-all", "build-amd64", "build-arm64"), keys(s));
    assertEquals(
        obj(
            "{'input': {'source_artifact': 12}, 'host_architecture': 'amd64', 'environment':"
                + " 'debian/match:codename=bookworm:variant=sbuild', 'backend': 'unshare',"
                + " 'build_components': ['all']}"),
        data(s, "build-all"));
    assertEquals("arm64", data(s, "build-arm64").get("host_architecture").asText());
    assertEquals("[\"any\"]", data(s, "build-arm64").get("build_components").toString());
    assertEquals("Build arm64", s.child("build-arm64").spec().workflowData().displayName());
    assertEquals("build-arm64", s.child("build-arm64").spec().workflowData().step());
    InternalItem promise = s.internalCollection().get("build-arm64");
    assertTrue(promise.isPromise());
    assertEquals("build-arm64", promise.producer());
    assertEquals("debian:upload", promise.category());
    assertEquals("arm64", promise.architecture());
    assertEquals("debian:package-build-log", s.internalCollection().get("buildlog-all").category());
    assertEquals(List.of("build-all", "build-amd64", "build-arm64"), s.pendingTasks());

    s.runAll(SUCCESS);
    assertFalse(s.internalCollection().get("build-arm64").isPromise(), "replaced by the upload");
    assertEquals(SUCCESS, s.rootResult());
  }

  @Test
  void sbuildRefusesATargetDistributionWithoutCodename() {
    assertThrows(
        OrchestrationException.class,
        () ->
            ORCHESTRATION.populate(
                WorkflowView.initial(
                    1,
                    "sbuild",
                    obj(
                        "{'input': {'source_artifact': 12}, 'target_distribution': 'bookworm',"
                            + " 'architectures': ['amd64']}"))));
  }

  @Test
  void lintianChecksEachArchitectureAndTheSourceOnce() {
    FakeScheduler s =
        start(
            "lintian",
            "{'source_artifact': 12, 'binary_artifacts': ['13@artifacts', '14@artifacts',"
                + " '15@artifacts'], 'codename': 'bookworm', 'fail_on_severity': 'error'}",
            "13@artifacts",
            "amd64",
            "14@artifacts",
            "arm64",
            "15@artifacts",
            "all");

    assertEquals(Set.of("lintian-all", "lintian-amd64", "lintian-arm64"), keys(s));
    assertEquals(
        obj(
            "{'input': {'source_artifact': 12, 'binary_artifacts': ['15@artifacts']}, 'output':"
                + " {'source_analysis': true, 'binary_all_analysis': true, 'binary_any_analysis':"
                + " false}, 'fail_on_severity': 'error', 'environment': '"
                + ENV
                + "'}"),
        data(s, "lintian-all"));
    assertEquals(
        obj(
            "{'source_analysis': false, 'binary_all_analysis': false, 'binary_any_analysis': true}"),
        data(s, "lintian-arm64").get("output"));
  }

  @Test
  void lintianWithAnArchitectureFilterAndWithoutBinaries() {
    FakeScheduler s =
        start(
            "lintian",
            "{'source_artifact': 12, 'binary_artifacts': ['13@artifacts', '14@artifacts'],"
                + " 'codename': 'bookworm', 'architectures': ['arm64']}",
            "13@artifacts",
            "amd64",
            "14@artifacts",
            "arm64");
    assertEquals(Set.of("lintian-arm64"), keys(s));

    FakeScheduler sourceOnly =
        start("lintian", "{'source_artifact': 12, 'binary_artifacts': [], 'codename': 'sid'}");
    assertEquals(Set.of("lintian-source"), keys(sourceOnly));
    assertEquals(
        "debian/match:codename=sid",
        data(sourceOnly, "lintian-source").get("environment").asText());
  }

  @Test
  void aBinaryOfUnknownArchitectureFailsTheLayout() {
    OrchestrationException e =
        assertThrows(
            OrchestrationException.class,
            () ->
                ORCHESTRATION.populate(
                    WorkflowView.initial(
                        1,
                        "piuparts",
                        obj("{'binary_artifacts': ['99@artifacts'], 'codename': 'bookworm'}"))));
    assertTrue(e.getMessage().contains("99@artifacts"), e.getMessage());
  }

  @Test
  void autopkgtestRunsPerArchitectureWithTheArchitectureIndependentBinaries() {
    FakeScheduler s =
        start(
            "autopkgtest",
            "{'source_artifact': 12, 'binary_artifacts': ['13@artifacts', '14@artifacts',"
                + " '15@artifacts'], 'codename': 'bookworm'}",
            "13@artifacts",
            "amd64",
            "14@artifacts",
            "arm64",
            "15@artifacts",
            "all");

    assertEquals(Set.of("autopkgtest-amd64", "autopkgtest-arm64"), keys(s));
    assertEquals(
        obj(
            "{'input': {'source_artifact': 12, 'binary_artifacts': ['14@artifacts',"
                + " '15@artifacts']}, 'host_architecture': 'arm64', 'environment': '"
                + ENV
                + "'}"),
        data(s, "autopkgtest-arm64"));
    assertEquals("debian:autopkgtest", s.internalCollection().get("autopkgtest-arm64").category());

    FakeScheduler allOnly =
        start(
            "autopkgtest",
            "{'source_artifact': 12, 'binary_artifacts': ['15@artifacts'], 'codename': 'bookworm',"
                + " 'arch_all_host_architecture': 'arm64'}",
            "15@artifacts",
            "all");
    assertEquals(Set.of("autopkgtest-arm64"), keys(allOnly));
  }

  @Test
  void autopkgtestRegressionTrackingRecordsEachOutcomeThroughACallback() {
    FakeScheduler s =
        start(
            "autopkgtest",
            "{'source_artifact': 12, 'binary_artifacts': ['13@artifacts'], 'codename': 'bookworm',"
                + " 'enable_regression_tracking': true, 'prefix': 'p|'}",
            "13@artifacts",
            "amd64");
    ChildState callback = s.child("regression-analysis-amd64");
    assertTrue(callback.spec().isCallback());
    assertEquals(false, callback.spec().workflowData().visible());
    assertEquals(Set.of("autopkgtest-amd64"), callback.dependsOn());
    assertTrue(s.child("autopkgtest-amd64").allowsFailure());

    s.complete("autopkgtest-amd64", FAILURE);

    assertEquals(COMPLETED, s.child("regression-analysis-amd64").status());
    InternalItem result = s.internalCollection().get("p|regression-amd64");
    assertEquals("debian:qa-result", result.category());
    assertEquals("failure", result.data().get("result").asText());
    assertEquals(
        s.child("autopkgtest-amd64").workRequestId(),
        result.data().get("work_request_id").asLong());
    assertEquals(SUCCESS, s.rootResult(), "tracked tests are allowed to fail");
  }

  @Test
  void piupartsTestsEachArchitectureInTheCodenamesEnvironment() {
    FakeScheduler s =
        start(
            "piuparts",
            "{'binary_artifacts': ['13@artifacts', '15@artifacts'], 'codename': 'bookworm',"
                + " 'vendor': 'kali', 'backend': 'incus-lxc'}",
            "13@artifacts",
            "amd64",
            "15@artifacts",
            "all");
    assertEquals(Set.of("piuparts-amd64"), keys(s));
    assertEquals(
        obj(
            "{'input': {'binary_artifacts': ['13@artifacts', '15@artifacts']},"
                + " 'host_architecture': 'amd64', 'environment': 'kali/match:codename=bookworm',"
                + " 'base_tgz': 'kali/match:codename=bookworm', 'backend': 'incus-lxc'}"),
        data(s, "piuparts-amd64"));
  }

  @Test
  void blhcChecksEachBuildLog() {
    FakeScheduler s =
        start(
            "blhc",
            "{'build_logs': ['20@artifacts', '21@artifacts', 22], 'extra_flags': ['--all']}",
            "20@artifacts",
            "amd64",
            "21@artifacts",
            "amd64");
    assertEquals(Set.of("blhc-amd64", "blhc-amd64-1", "blhc-2"), keys(s));
    assertEquals(obj("{'input': {'artifact': 22}, 'extra_flags': ['--all']}"), data(s, "blhc-2"));
  }

  @Test
  void debdiffComparesTheSourcesAndEachArchitecturePresentOnBothSides() {
    FakeScheduler s =
        start(
            "debdiff",
            "{'source_artifact': 12, 'original_source_artifact': 11, 'binary_artifacts':"
                + " ['13@artifacts', '14@artifacts'], 'original_binary_artifacts': ['3@artifacts'],"
                + " 'codename': 'bookworm'}",
            "13@artifacts",
            "amd64",
            "14@artifacts",
            "arm64",
            "3@artifacts",
            "amd64");
    assertEquals(Set.of("debdiff-source", "debdiff-amd64"), keys(s));
    assertEquals(obj("{'source_artifacts': [11, 12]}"), data(s, "debdiff-source").get("input"));
    assertEquals(
        obj("{'binary_artifacts': ['3@artifacts', '13@artifacts']}"),
        data(s, "debdiff-amd64").get("input"));
  }

  @Test
  void qaRunsTheEnabledQaSubWorkflows() {
    FakeScheduler s =
        start(
            "qa",
            "{'source_artifact': 12, 'binary_artifacts': ['13@artifacts'], 'build_logs':"
                + " ['20@artifacts'], 'original_source_artifact': 11, 'codename': 'bookworm',"
                + " 'enable_blhc': true, 'enable_debdiff': true, 'enable_piuparts': false}",
            "13@artifacts",
            "amd64",
            "20@artifacts",
            "amd64");
    Set<String> workflows = new TreeSet<>();
    s.children().values().stream()
        .filter(c -> c.spec().isWorkflow())
        .forEach(c -> workflows.add(c.spec().taskName()));
    assertEquals(Set.of("autopkgtest", "blhc", "debdiff", "lintian"), workflows);
    assertTrue(
        keys(s)
            .containsAll(
                Set.of(
                    "lintian/lintian-amd64",
                    "autopkgtest/autopkgtest-amd64",
                    "blhc/blhc-amd64",
                    "debdiff/debdiff-source",
                    "lintian/entry",
                    "lintian/exit")));
    assertEquals(Set.of("lintian/entry"), s.child("lintian/lintian-amd64").dependsOn());
    assertEquals(null, s.child("lintian").parent(), "a direct child of the qa workflow");
    assertEquals("lintian", s.child("lintian/lintian-amd64").parent());

    s.runAll(SUCCESS);
    assertEquals(SUCCESS, s.rootResult());
  }

  @Test
  void makeSignedSourceExtractsSignsAssemblesAndBuildsPerArchitectureAndTemplate() {
    FakeScheduler s =
        start(
            "make_signed_source",
            "{'binary_artifacts': ['13@artifacts'], 'signing_template_artifacts': [30],"
                + " 'codename': 'bookworm', 'architectures': ['amd64', 'arm64'], 'purpose': 'uefi',"
                + " 'key': 'ABCD'}",
            "13@artifacts",
            "amd64");
    assertEquals(
        Set.of(
            "extract-amd64-0",
            "sign-amd64-0",
            "assemble-amd64-0",
            "sbuild-amd64-0",
            "sbuild-amd64-0/entry",
            "sbuild-amd64-0/populate",
            "sbuild-amd64-0/exit"),
        keys(s),
        "no binaries for arm64: nothing to sign there; the signed build is laid out at run time");
    assertEquals("signing", s.child("sign-amd64-0").spec().taskType());
    assertEquals(
        obj(
            "{'purpose': 'uefi', 'unsigned': ['internal@collections/name:signing-input-amd64-0'],"
                + " 'key': 'ABCD'}"),
        data(s, "sign-amd64-0"));
    assertEquals(Set.of("extract-amd64-0"), s.child("sign-amd64-0").dependsOn());
    assertEquals(Set.of("sign-amd64-0"), s.child("assemble-amd64-0").dependsOn());
    // The sbuild of the signed source waits, unpopulated, for the assembled source.
    ChildState populate = s.child("sbuild-amd64-0/populate");
    assertTrue(populate.spec().isCallback());
    assertEquals("populate", populate.spec().workflowData().step());
    assertEquals("sbuild-amd64-0", populate.parent());
    assertEquals(Set.of("sbuild-amd64-0/entry", "assemble-amd64-0"), populate.dependsOn());
    assertEquals(Set.of("sbuild-amd64-0/populate"), s.child("sbuild-amd64-0/exit").dependsOn());
    assertFalse(s.internalCollection().containsKey("signed-amd64-0|build-amd64"));

    s.complete("extract-amd64-0", SUCCESS);
    s.complete("sign-amd64-0", SUCCESS);
    assertFalse(s.children().containsKey("sbuild-amd64-0/build-amd64"));
    s.complete("assemble-amd64-0", SUCCESS);

    // The callback ran: the build of the real signed source, between the callback and the exit.
    assertEquals(COMPLETED, s.child("sbuild-amd64-0/populate").status());
    ChildState build = s.child("sbuild-amd64-0/build-amd64");
    assertEquals("sbuild-amd64-0", build.parent());
    assertEquals(PENDING, build.status());
    assertEquals(Set.of("sbuild-amd64-0/populate"), build.dependsOn(), "the source exists");
    assertEquals(
        "internal@collections/name:signed-source-amd64-0",
        build.spec().taskData().get("input").get("source_artifact").asText());
    assertEquals(
        Set.of("sbuild-amd64-0/populate", "sbuild-amd64-0/build-amd64"),
        s.child("sbuild-amd64-0/exit").dependsOn());
    assertEquals(BLOCKED, s.child("sbuild-amd64-0/exit").status());
    assertTrue(s.internalCollection().get("signed-amd64-0|build-amd64").isPromise());
    assertValidAndIdempotent(s);
    int count = s.children().size();
    assertTrue(
        ORCHESTRATION.callback(s.view(), "sbuild-amd64-0/populate").isEmpty(),
        "the callback run again lays out nothing new");
    assertEquals(count, s.children().size());

    s.runAll(SUCCESS);
    assertEquals(COMPLETED, s.child("sbuild-amd64-0").status());
    assertEquals(SUCCESS, s.rootResult());
  }

  @Test
  void packageUploadMakesMergesSignsAndUploads() {
    FakeScheduler s =
        start(
            "package_upload",
            "{'source_artifact': 12, 'uploads': [50], 'target': 'sftp://up.example.org/q',"
                + " 'codename': 'bookworm', 'merge_uploads': true, 'key': 'ABCD', 'delayed_days': 2}");
    assertEquals(Set.of("source-upload", "merge", "sign-0", "upload-0"), keys(s));
    assertEquals(
        obj("{'input': {'uploads': [50, 'internal@collections/name:source-upload']}}"),
        data(s, "merge"));
    assertEquals(
        obj(
            "{'input': {'upload': 'internal@collections/name:signed-upload-0'}, 'target':"
                + " 'sftp://up.example.org/q', 'delayed_days': 2}"),
        data(s, "upload-0"));
    assertEquals("server", s.child("upload-0").spec().taskType());
    assertEquals(Set.of("sign-0"), s.child("upload-0").dependsOn());
    assertEquals(Set.of("merge"), s.child("sign-0").dependsOn());
    assertEquals(Set.of("source-upload"), s.child("merge").dependsOn());
  }

  @Test
  void packageUploadWaitsForAnExternalSignatureOrUploadsAsIs() {
    FakeScheduler wait =
        start(
            "package_upload",
            "{'uploads': [50, 51], 'target': 'ftp://up.example.org/', 'require_signature': true}");
    assertEquals(Set.of("external-sign-0", "external-sign-1", "upload-0", "upload-1"), keys(wait));
    ChildState sign = wait.child("external-sign-1");
    assertEquals("wait", sign.spec().taskType());
    assertEquals("externaldebsign", sign.spec().taskName());
    assertEquals(true, sign.spec().workflowData().needsInput());

    FakeScheduler plain = start("package_upload", "{'uploads': [50], 'target': 'ftp://x/'}");
    assertEquals(Set.of("upload-0"), keys(plain));
    assertEquals(obj("{'upload': 50}"), data(plain, "upload-0").get("input"));
  }

  @Test
  void updateEnvironmentsBootstrapsEachCodenameArchitectureAndVariant() {
    FakeScheduler s =
        start(
            "update_environments",
            "{'vendor': 'debian', 'targets': [{'codenames': ['bookworm', 'trixie'],"
                + " 'codename_aliases': {'trixie': ['testing']}, 'architectures': ['arm64',"
                + " 'amd64'], 'variants': ['buildd', 'minbase'], 'mirror':"
                + " 'http://deb.debian.org/debian'}]}");
    assertEquals(8, keys(s).size());
    ChildState trixie = s.child("mmdebstrap-trixie-arm64-buildd");
    assertEquals("trixie", trixie.spec().workflowData().group());
    assertEquals(
        obj(
            "{'bootstrap_options': {'architecture': 'arm64', 'variant': 'buildd'},"
                + " 'bootstrap_repositories': [{'mirror': 'http://deb.debian.org/debian', 'suite':"
                + " 'trixie'}]}"),
        trixie.spec().taskData());
    assertEquals(
        List.of(
            EventReaction.updateCollection(
                "debian@debian:environments",
                null,
                Map.of(
                    "codename",
                    "trixie",
                    "architecture",
                    "arm64",
                    "format",
                    "tarball",
                    "variant",
                    "buildd"),
                "debian:system-tarball"),
            EventReaction.updateCollection(
                "debian@debian:environments",
                null,
                Map.of(
                    "codename",
                    "testing",
                    "architecture",
                    "arm64",
                    "format",
                    "tarball",
                    "variant",
                    "buildd"),
                "debian:system-tarball")),
        trixie.spec().onSuccess());
    assertEquals(1, s.child("mmdebstrap-bookworm-amd64-minbase").spec().onSuccess().size());
  }

  private static final String PIPELINE =
      "{'source_artifact': 12, 'codename': 'bookworm', 'architectures': ['amd64', 'all'],"
          + " 'enable_make_signed_source': true, 'signing_template_artifacts': [30],"
          + " 'signing_purpose': 'uefi', 'signing_key': 'ABCD', 'enable_confirmation': true,"
          + " 'enable_upload': true, 'upload_target': 'ftp://ftp.upload.debian.org/',"
          + " 'upload_key': 'ABCD', 'enable_blhc': true}";

  @Test
  void debianPipelineBuildsThenQaThenSignsAndUploadsAfterApproval() {
    FakeScheduler s = start("debian_pipeline", PIPELINE);
    Map<String, ChildState> c = s.children();
    for (String sub :
        List.of(
            "sbuild",
            "qa",
            "qa/lintian",
            "qa/autopkgtest",
            "qa/piuparts",
            "qa/blhc",
            "make_signed_source",
            "make_signed_source/sbuild-amd64-0",
            "package_upload")) {
      assertTrue(c.get(sub).spec().isWorkflow(), sub);
    }
    // QA reads the builds' promises, so each QA task waits for the build it reads.
    assertEquals(
        Set.of("qa/lintian/entry", "sbuild/build-amd64"),
        c.get("qa/lintian/lintian-amd64").dependsOn());
    assertEquals(
        "internal@collections/name:buildlog-all",
        c.get("qa/blhc/blhc-all").spec().taskData().get("input").get("artifact").asText());
    // Approval after QA; upload after approval.
    assertEquals(Set.of("qa/exit"), c.get("confirm").dependsOn());
    assertEquals("wait", c.get("confirm").spec().taskType());
    assertEquals(true, c.get("confirm").spec().workflowData().needsInput());
    assertEquals(Set.of("confirm"), c.get("package_upload/entry").dependsOn());
    assertEquals(
        Set.of("package_upload/entry", "sbuild/build-all"),
        c.get("package_upload/sign-0").dependsOn());
    assertEquals(List.of("sbuild/build-all", "sbuild/build-amd64"), s.pendingTasks());

    s.runAll(SUCCESS);
    assertEquals(COMPLETED, s.rootStatus());
    assertEquals(SUCCESS, s.rootResult());
    assertEquals(COMPLETED, s.child("package_upload/upload-1").status());
  }

  @Test
  void aFailedBuildAbortsQaApprovalAndUploadAndRetryRecovers() {
    FakeScheduler s = start("debian_pipeline", PIPELINE);
    s.complete("sbuild/build-amd64", FAILURE);
    s.runAll(SUCCESS);

    assertEquals(ABORTED, s.child("confirm").status());
    assertEquals(ABORTED, s.child("package_upload/upload-0").status());
    assertEquals(ABORTED, s.rootStatus());
    assertEquals(List.of(), s.pendingTasks());

    s.retry();
    assertEquals(PENDING, s.child("sbuild/build-amd64").status());
    assertEquals(BLOCKED, s.child("confirm").status());
    s.runAll(SUCCESS);
    assertEquals(SUCCESS, s.rootResult());
  }

  @Test
  void everyCatalogueWorkflowHasALayoutTestHere() {
    assertEquals(
        new TreeSet<>(ORCHESTRATION.workflowNames()),
        new TreeSet<>(
            List.of(
                "noop",
                "sbuild",
                "lintian",
                "autopkgtest",
                "piuparts",
                "blhc",
                "debdiff",
                "qa",
                "make_signed_source",
                "package_upload",
                "update_environments",
                "debian_pipeline")));
  }
}
