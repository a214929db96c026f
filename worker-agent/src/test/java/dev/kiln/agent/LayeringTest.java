package dev.kiln.agent;

import static com.tngtech.archunit.lang.syntax.ArchRuleDefinition.noClasses;

import com.tngtech.archunit.core.importer.ImportOption;
import com.tngtech.archunit.junit.AnalyzeClasses;
import com.tngtech.archunit.junit.ArchTest;
import com.tngtech.archunit.lang.ArchRule;

@AnalyzeClasses(packages = "dev.kiln.agent", importOptions = ImportOption.DoNotIncludeTests.class)
class LayeringTest {

  /** The agent's logic and tasks are plain Java (plus the gRPC stubs): no framework in them. */
  @ArchTest
  static final ArchRule coreAndTasksAreFrameworkFree =
      noClasses()
          .that()
          .resideInAnyPackage("..core..", "..task..")
          .should()
          .dependOnClassesThat()
          .resideInAnyPackage(
              "jakarta..", "io.quarkus..", "io.smallrye..", "org.eclipse.microprofile..");
}
