#!/usr/bin/env bash
# The project's test command (what .ci/run executes): the whole Maven test suite (unit,
# real-database/broker, end-to-end), then the real Debian run through the whole platform
# (scripts/debian-e2e.sh: mmdebstrap → sbuild in unshare → lintian, the agent as kiln-agent;
# KILN_E2E_EXTRA=1 adds the other Debian tasks).
#
#   scripts/test-all.sh                 everything (the Debian run needs root, or a prepared host)
#   KILN_SKIP_DEBIAN_E2E=1 scripts/test-all.sh   the Maven suite only
set -euo pipefail
cd "$(dirname "$0")/.."
./mvnw -B verify
if [ "${KILN_SKIP_DEBIAN_E2E:-0}" = 1 ]; then
  echo "test-all: the Debian run is skipped (KILN_SKIP_DEBIAN_E2E=1)"
  exit 0
fi
out=$(mktemp)
trap 'rm -f "$out"' EXIT
KILN_E2E_EXTRA=${KILN_E2E_EXTRA:-0} scripts/debian-e2e.sh | tee "$out"
grep -q '^debian_e2e=ok ' "$out"
