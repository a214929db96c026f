#!/usr/bin/env bash
# Figures for the scheduler's plain-Java decision rules: classifying work requests into tag
# classes, the compatibility index, dependency propagation, cycle checks. No service starts.
#   bench/scheduler-domain.sh
set -euo pipefail
cd "$(dirname "$0")/.."
./mvnw -q -B -DskipTests -Dspotless.check.skip=true -Dquarkus.build.skip=true \
  -Dmdep.outputFile=target/scheduler-domain-classpath.txt -Dmdep.includeScope=runtime \
  package dependency:build-classpath -pl scheduler-service -am
classpath="scheduler-service/target/classes:$(cat scheduler-service/target/scheduler-domain-classpath.txt)"
exec java -Xmx512m -cp "$classpath" bench/scheduler/SchedulerDomainBench.java
