package dev.kiln.task;

import static dev.kiln.task.TestData.json;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertNotNull;

import com.fasterxml.jackson.databind.node.ObjectNode;
import dev.kiln.task.server.DbTask;
import dev.kiln.task.server.DbTaskContext;
import dev.kiln.task.server.DbTaskFactory;
import dev.kiln.task.server.FakeLookupResolver;
import dev.kiln.task.server.TaskCatalogue;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.TreeMap;
import java.util.TreeSet;
import java.util.stream.Collectors;
import java.util.stream.Stream;
import org.junit.jupiter.api.DynamicTest;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.TestFactory;

/**
 * A valid task data sample for every catalogue task: it validates, reads as the record, writes back
 * to the same JSON, and instantiates as a DB task whose tags compute without lookups.
 */
class CatalogueSamplesTest {

  static final String ENV = "'environment': 'debian/match:codename=bookworm'";

  static final Map<String, String> SAMPLES =
      new TreeMap<>(
          Map.ofEntries(
              Map.entry("worker/noop", "{'result': true}"),
              Map.entry(
                  "worker/sbuild",
                  "{'input': {'source_artifact': '12@artifacts', 'extra_binary_artifacts': [13]},"
                      + " 'host_architecture': 'arm64', "
                      + ENV
                      + ", 'backend': 'unshare', 'build_components': ['any', 'all'],"
                      + " 'binnmu': {'changelog': 'Rebuild', 'suffix': '+b1'},"
                      + " 'build_profiles': ['nocheck'], 'extra_repositories': [{'url':"
                      + " 'http://deb.example.org/', 'suite': 'bookworm', 'components': ['main']}],"
                      + " 'build_dep_resolver': 'aspcud', 'task_configuration':"
                      + " 'mine@debusine:task-configuration'}"),
              Map.entry(
                  "worker/lintian",
                  "{'input': {'source_artifact': 12}, 'output': {'binary_all_analysis': false},"
                      + " 'fail_on_severity': 'warning', "
                      + ENV
                      + "}"),
              Map.entry(
                  "worker/autopkgtest",
                  "{'input': {'source_artifact': 12, 'binary_artifacts': [13, 14]}, "
                      + ENV
                      + ", 'needs_internet': 'try', 'fail_on': {'flaky_test': true},"
                      + " 'timeout': {'short': 100, 'global': 3600}, 'extra_environment': {'A': 'b'},"
                      + " 'debug_level': 2}"),
              Map.entry(
                  "worker/piuparts",
                  "{'input': {'binary_artifacts': [13]}, "
                      + ENV
                      + ", 'base_tgz': 'debian/match:codename=bookworm'}"),
              Map.entry("worker/blhc", "{'input': {'artifact': 20}, 'extra_flags': ['--all']}"),
              Map.entry("worker/debdiff", "{'input': {'source_artifacts': [1, 2]}, " + ENV + "}"),
              Map.entry(
                  "worker/mmdebstrap",
                  "{'bootstrap_options': {'architecture': 'amd64', 'variant': 'buildd'},"
                      + " 'bootstrap_repositories': [{'mirror': 'http://deb.debian.org/debian',"
                      + " 'suite': 'bookworm', 'types': ['deb'], 'check_signature_with': 'system'}]}"),
              Map.entry(
                  "worker/simplesystemimagebuild",
                  "{'bootstrap_options': {'architecture': 'amd64'},"
                      + " 'bootstrap_repositories': [{'mirror': 'http://deb.debian.org/debian',"
                      + " 'suite': 'bookworm'}], 'disk_image': {'format': 'qcow2', 'partitions':"
                      + " [{'size': 2, 'filesystem': 'ext4', 'mountpoint': '/'}]}}"),
              Map.entry(
                  "worker/extractforsigning",
                  "{'input': {'template_artifact': 30, 'binary_artifacts': [31]}, " + ENV + "}"),
              Map.entry(
                  "worker/assemblesignedsource", "{" + ENV + ", 'template': 30, 'signed': [40]}"),
              Map.entry(
                  "worker/makesourcepackageupload",
                  "{'input': {'source_artifact': 12}, " + ENV + ", 'since_version': '1.0-1'}"),
              Map.entry("worker/mergeuploads", "{'input': {'uploads': [50, 51]}}"),
              Map.entry("signing/noop", "{'result': false}"),
              Map.entry(
                  "signing/sign", "{'purpose': 'openpgp', 'unsigned': [60], 'key': '0123ABCD'}"),
              Map.entry("signing/debsign", "{'unsigned': 50, 'key': '0123ABCD'}"),
              Map.entry(
                  "signing/signrepositoryindex",
                  "{'suite_collection': 'bookworm@debian:suite', 'unsigned': [70], 'mode': 'clear',"
                      + " 'signed_name': 'InRelease'}"),
              Map.entry(
                  "signing/generatekey", "{'purpose': 'uefi', 'description': 'Secure Boot key'}"),
              Map.entry("server/servernoop", "{}"),
              Map.entry(
                  "server/copycollectionitems",
                  "{'copies': [{'source_items': [1], 'target_collection': 'bookworm@debian:suite',"
                      + " 'variables': {'component': 'main'}}]}"),
              Map.entry(
                  "server/packageupload",
                  "{'input': {'upload': 50}, 'target': 'sftp://upload.example.org/incoming',"
                      + " 'delayed_days': 3}"),
              Map.entry(
                  "server/aptmirror",
                  "{'collection': 'bookworm', 'url': 'http://deb.debian.org/debian',"
                      + " 'suite': 'bookworm', 'architectures': ['amd64']}"),
              Map.entry(
                  "server/generatesuiteindexes",
                  "{'suite_collection': 'bookworm@debian:suite',"
                      + " 'generate_at': '2026-02-01T00:00:00Z'}"),
              Map.entry("wait/delay", "{'delay_until': '2026-02-01T00:00:00Z'}"),
              Map.entry("wait/externaldebsign", "{'unsigned': 50}"),
              Map.entry("internal/synchronization_point", "{}"),
              Map.entry("internal/workflow", "{}"),
              Map.entry("wait/confirm", "{'message': 'Upload hello 2.10-3 to unstable?'}"),
              Map.entry("workflow/noop", "{}"),
              Map.entry(
                  "workflow/sbuild",
                  "{'input': {'source_artifact': 12}, 'target_distribution': 'debian:bookworm',"
                      + " 'architectures': ['amd64', 'arm64', 'all'], 'backend': 'unshare'}"),
              Map.entry(
                  "workflow/lintian",
                  "{'source_artifact': 12, 'binary_artifacts':"
                      + " ['internal@collections/name:build-amd64'], 'codename': 'bookworm',"
                      + " 'fail_on_severity': 'error'}"),
              Map.entry(
                  "workflow/autopkgtest",
                  "{'source_artifact': 12, 'binary_artifacts': [13], 'codename': 'bookworm',"
                      + " 'enable_regression_tracking': true}"),
              Map.entry("workflow/piuparts", "{'binary_artifacts': [13], 'codename': 'bookworm'}"),
              Map.entry("workflow/blhc", "{'build_logs': [20, 21]}"),
              Map.entry(
                  "workflow/debdiff",
                  "{'source_artifact': 12, 'original_source_artifact': 11, 'codename':"
                      + " 'bookworm'}"),
              Map.entry(
                  "workflow/qa",
                  "{'source_artifact': 12, 'binary_artifacts': [13], 'codename': 'bookworm',"
                      + " 'enable_blhc': true, 'build_logs': [20]}"),
              Map.entry(
                  "workflow/make_signed_source",
                  "{'binary_artifacts': [13], 'signing_template_artifacts': [14], 'codename':"
                      + " 'bookworm', 'architectures': ['amd64'], 'purpose': 'uefi', 'key':"
                      + " '0123ABCD'}"),
              Map.entry(
                  "workflow/package_upload",
                  "{'uploads': [50], 'target': 'sftp://upload.example.org/incoming', 'key':"
                      + " '0123ABCD'}"),
              Map.entry(
                  "workflow/update_environments",
                  "{'vendor': 'debian', 'targets': [{'codenames': ['bookworm'], 'architectures':"
                      + " ['amd64'], 'mirror': 'http://deb.debian.org/debian'}]}"),
              Map.entry(
                  "workflow/debian_pipeline",
                  "{'source_artifact': 12, 'codename': 'bookworm', 'architectures': ['amd64'],"
                      + " 'enable_upload': true, 'upload_target': 'ftp://ftp.upload.debian.org/'}")));

  private final DbTaskContext context =
      new DbTaskContext("main", null, new FakeLookupResolver(), "amd64");

  @Test
  void everyCatalogueTaskHasASample() {
    Set<String> ids =
        TaskCatalogue.definitions().stream()
            .map(TaskDefinition::id)
            .collect(Collectors.toCollection(TreeSet::new));
    assertEquals(ids, SAMPLES.keySet());
  }

  @TestFactory
  Stream<DynamicTest> samplesValidateParseWriteBackAndInstantiate() {
    DbTaskFactory factory = new DbTaskFactory(TaskCatalogue.registry());
    return TaskCatalogue.definitions().stream()
        .filter(d -> SAMPLES.containsKey(d.id()))
        .map(
            d ->
                DynamicTest.dynamicTest(
                    d.id(),
                    () -> {
                      ObjectNode sample = json(SAMPLES.get(d.id()));
                      assertEquals(List.of(), d.validate(sample));
                      assertEquals(sample, roundTrip(d, sample));
                      DbTask<?> task = factory.create(d.type(), d.name(), sample, context);
                      assertNotNull(task.computeTags());
                    }));
  }

  @Test
  void crossFieldRulesOfTheSchemasHold() {
    TaskRegistry registry = TaskCatalogue.registry();
    assertFalse(
        registry.validate("worker", "lintian", json("{'input': {}, " + ENV + "}")).isEmpty());
    assertFalse(
        registry
            .validate(
                "worker",
                "debdiff",
                json(
                    "{'input': {'source_artifacts': [1, 2], 'binary_artifacts': [3, 4]}, "
                        + ENV
                        + "}"))
            .isEmpty());
    assertFalse(
        registry
            .validate(
                "server",
                "packageupload",
                json("{'input': {'upload': 1}, 'target': 'https://example.org'}"))
            .isEmpty());
    assertFalse(
        registry.validate("server", "copycollectionitems", json("{'copies': []}")).isEmpty());
    assertFalse(registry.validate("internal", "workflow", json("{'step': 'x'}")).isEmpty());
    assertFalse(
        registry
            .validate(
                "workflow",
                "debian_pipeline",
                json(
                    "{'source_artifact': 12, 'codename': 'bookworm', 'architectures': ['amd64'],"
                        + " 'enable_upload': true}"))
            .isEmpty());
    assertFalse(
        registry.validate("workflow", "package_upload", json("{'target': 'ftp://x/'}")).isEmpty());
    assertFalse(
        registry
            .validate(
                "workflow",
                "qa",
                json(
                    "{'source_artifact': 12, 'binary_artifacts': [13], 'codename': 'bookworm',"
                        + " 'enable_debdiff': true}"))
            .isEmpty());
  }

  private static <D extends TaskData> ObjectNode roundTrip(TaskDefinition<D> d, ObjectNode sample)
      throws TaskDataException {
    return d.toJson(d.parseData(sample));
  }
}
