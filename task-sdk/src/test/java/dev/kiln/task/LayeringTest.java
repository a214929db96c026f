package dev.kiln.task;

import static com.tngtech.archunit.lang.syntax.ArchRuleDefinition.noClasses;

import com.tngtech.archunit.core.importer.ImportOption;
import com.tngtech.archunit.junit.AnalyzeClasses;
import com.tngtech.archunit.junit.ArchTest;
import com.tngtech.archunit.lang.ArchRule;

@AnalyzeClasses(packages = "dev.kiln.task", importOptions = ImportOption.DoNotIncludeTests.class)
class LayeringTest {

  /**
   * Worker-side code (external tasks, the worker and signing catalogue, input values, models, the
   * registry) never depends on server-side classes, so the agents can use it without them.
   */
  @ArchTest
  static final ArchRule workerSideNeverDependsOnServerSide =
      noClasses()
          .that()
          .resideOutsideOfPackage("dev.kiln.task.server..")
          .should()
          .dependOnClassesThat()
          .resideInAPackage("dev.kiln.task.server..");

  /** The SDK is plain Java: services and agents bring their own frameworks. */
  @ArchTest
  static final ArchRule noFrameworks =
      noClasses()
          .that()
          .resideInAPackage("dev.kiln.task..")
          .should()
          .dependOnClassesThat()
          .resideInAnyPackage(
              "io.quarkus..",
              "io.smallrye..",
              "io.vertx..",
              "jakarta..",
              "javax.ws..",
              "javax.persistence..",
              "javax.sql..",
              "java.sql..",
              "org.hibernate..",
              "io.grpc..",
              "com.google.protobuf..",
              "org.apache.kafka..",
              "org.eclipse.microprofile..",
              "dev.kiln.api..",
              "dev.kiln.common..");
}
