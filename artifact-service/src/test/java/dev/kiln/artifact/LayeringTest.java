package dev.kiln.artifact;

import com.tngtech.archunit.core.importer.ImportOption;
import com.tngtech.archunit.junit.AnalyzeClasses;
import com.tngtech.archunit.junit.ArchTest;
import com.tngtech.archunit.lang.ArchRule;
import dev.kiln.arch.KilnArchRules;

@AnalyzeClasses(
    packages = "dev.kiln.artifact",
    importOptions = ImportOption.DoNotIncludeTests.class)
class LayeringTest {

  @ArchTest static final ArchRule domainIsPlainJava = KilnArchRules.DOMAIN_IS_PLAIN_JAVA;
}
