#!/usr/bin/env bash
# Artifact service throughput against cp, and its peak RSS, measured side by side in one run.
#   bench/artifacts.sh           1 GiB
#   bench/artifacts.sh --quick   128 MiB
#   bench/artifacts.sh --s3      with the S3 file store, against s3proxy on the same disk
# Ends with: throughput_vs_cp=N peak_rss_mb=N
set -euo pipefail
cd "$(dirname "$0")/.."
./mvnw -q -B -DskipTests -Dspotless.check.skip=true package -pl bench,artifact-service -am
classpath="bench/target/classes:$(cat bench/target/bench-classpath.txt)"
exec java -Xmx256m -Djava.util.logging.manager=org.jboss.logmanager.LogManager -cp "$classpath" dev.kiln.bench.ArtifactBench "$@"
