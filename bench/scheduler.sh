#!/usr/bin/env bash
# Dispatch throughput and latency of the packaged scheduler with simulated gRPC agents, against
# pgbench's simple-update TPS of the same PostgreSQL.
#   bench/scheduler.sh           pending 1k..1M, fleets 10..10,000, 8 s windows
#   bench/scheduler.sh --quick   pending 1k..100k, fleets 10..1,000, 2 s windows (about two minutes)
#   --pending=1000,10000 --fleets=10   only these sizes (--pending= none); --no-latency skips the latency run
#   --warm-up=180                at most this many seconds of uncounted rounds first (--quick: 90),
#                                alternately 200 and 10 agents, until the scheduler's JIT is quiet
#   --scheduler-opt=-Dkiln.scheduler.report-batch-size=100   a JVM option of the scheduler (repeatable)
#   --pg-stats                   prints PostgreSQL's time per assignment by statement after each round
#   --profile                    also records the scheduler with JFR (bench/target/scheduler-run/scheduler.jfr)
# Ends with: assignments_per_s=N p99_dispatch_ms=N pg_update_tps=N flat_ratio=N
set -euo pipefail
cd "$(dirname "$0")/.."
if ! command -v pgbench >/dev/null 2>&1; then
  echo "bench: pgbench is missing; installing postgresql-client" >&2
  if ! { apt-get install -y -q postgresql-client >/dev/null 2>&1 || \
         { apt-get update -q >/dev/null 2>&1 && apt-get install -y -q postgresql-client >/dev/null; }; }; then
    echo "bench: cannot install pgbench (apt-get install -y postgresql-client failed); the ratio needs it" >&2
    exit 1
  fi
fi
./mvnw -q -B -DskipTests -Dspotless.check.skip=true package -pl bench,scheduler-service,worker-agent -am
if [[ " $* " == *" --pg-stats "* ]]; then
  export KILN_PG_STATEMENT_STATS=1 # LocalPostgres preloads pg_stat_statements
fi
classpath="bench/target/classes:$(cat bench/target/bench-classpath.txt)"
exec java -Xmx1g -cp "$classpath" dev.kiln.bench.SchedulerBench "$@"
