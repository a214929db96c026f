package dev.kiln.arch;

import static com.tngtech.archunit.lang.syntax.ArchRuleDefinition.noClasses;

import com.tngtech.archunit.lang.ArchRule;

/** Architecture rules every service's tests apply (STYLE.md: domain code only decides). */
public final class KilnArchRules {

  private KilnArchRules() {}

  /** Packages a {@code domain} package must not touch: frameworks, transports, persistence. */
  private static final String[] FRAMEWORKS = {
    "jakarta..",
    "io.quarkus..",
    "io.grpc..",
    "org.apache.kafka..",
    "io.smallrye..",
    "org.eclipse.microprofile..",
    "org.hibernate..",
    "io.vertx.."
  };

  /** {@code ..domain..} classes are plain Java: no REST, gRPC, messaging or persistence. */
  public static final ArchRule DOMAIN_IS_PLAIN_JAVA =
      noClasses()
          .that()
          .resideInAPackage("..domain..")
          .should()
          .dependOnClassesThat()
          .resideInAnyPackage(FRAMEWORKS)
          .allowEmptyShould(true);
}
