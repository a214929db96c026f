package dev.kiln.agent;

import static com.tngtech.archunit.lang.syntax.ArchRuleDefinition.noClasses;

import com.tngtech.archunit.core.importer.ImportOption;
import com.tngtech.archunit.junit.AnalyzeClasses;
import com.tngtech.archunit.junit.ArchTest;
import com.tngtech.archunit.lang.ArchRule;

@AnalyzeClasses(packages = "dev.kiln.agent", importOptions = ImportOption.DoNotIncludeTests.class)
class LayeringTest {

  /**
   * The agent's logic, its tasks, executors, image cache and host probing are plain Java (plus gRPC
   * stubs): no framework in them.
   */
  @ArchTest
  static final ArchRule coreAndTasksAreFrameworkFree =
      noClasses()
          .that()
          .resideInAnyPackage(
              "..agent.core..",
              "..agent.task..",
              "..agent.taskio..",
              "..agent.executor..",
              "..agent.image..",
              "..agent.host..")
          .should()
          .dependOnClassesThat()
          .resideInAnyPackage(
              "jakarta..",
              "io.quarkus..",
              "io.smallrye..",
              "org.eclipse.microprofile..",
              "io.micrometer..",
              "io.vertx..");

  /** Tasks know nothing of the scheduler protocol or the agent that runs them. */
  @ArchTest
  static final ArchRule tasksDoNotKnowTheAgent =
      noClasses()
          .that()
          .resideInAPackage("..agent.task..")
          .should()
          .dependOnClassesThat()
          .resideInAnyPackage("..agent.core..", "io.grpc..", "dev.kiln.api..");

  /**
   * The agent uses the task SDK's worker side only: never the server side (DB tasks, lookups, task
   * configuration), so nothing here can look anything up or see server data.
   */
  @ArchTest
  static final ArchRule agentNeverUsesServerSideTaskClasses =
      noClasses()
          .that()
          .resideInAPackage("dev.kiln.agent..")
          .should()
          .dependOnClassesThat()
          .resideInAPackage("dev.kiln.task.server..");
}
