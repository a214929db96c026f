#!/usr/bin/env bash
# Wall time to create, orchestrate and drain one workflow of 10,000 children (a debian_pipeline:
# an sbuild sub-workflow entered and left through synchronization points, 10,000 builds fanned out
# and back in) with noop agents, through the three packaged services, PostgreSQL and Kafka; and
# the workflow service's peak RSS.
#   bench/workflow.sh           10,000 builds
#   bench/workflow.sh --quick   1,000 builds
# Ends with: children=N wall_s=N peak_rss_mb=N
set -euo pipefail
cd "$(dirname "$0")/.."
./mvnw -q -B -DskipTests -Dspotless.check.skip=true package \
  -pl bench,scheduler-service,artifact-service,workflow-service -am
classpath="bench/target/classes:$(cat bench/target/bench-classpath.txt)"
exec java -Xmx1g -cp "$classpath" dev.kiln.bench.WorkflowBench "$@"
