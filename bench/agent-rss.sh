#!/usr/bin/env bash
# The worker agent's RSS idle and while it runs a build-like task, on the real local platform.
#   bench/agent-rss.sh            a 60 s build-like task
#   bench/agent-rss.sh --quick    20 s
# Ends with: packaged_idle_mb=N packaged_noop_burst_max_mb=N agent_idle_mb=N
#            agent_build_median_mb=N agent_build_max_mb=N build_lines=N
set -euo pipefail
cd "$(dirname "$0")/.."
./mvnw -q -B -DskipTests -Dspotless.check.skip=true package \
  -pl bench,scheduler-service,artifact-service,workflow-service,worker-agent -am
classpath="bench/target/classes:$(cat bench/target/bench-classpath.txt)"
exec nice java -Xmx256m -cp "$classpath" dev.kiln.bench.AgentRssBench "$@"
