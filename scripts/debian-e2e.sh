#!/usr/bin/env bash
# The real Debian run, through the whole platform (PostgreSQL, Kafka, scheduler, artifact and
# workflow services, one worker agent running as the non-root user kiln-agent):
#
#   1. worker/mmdebstrap builds a small bookworm tarball (debian:system-tarball) from the
#      machine's Debian mirror;
#   2. a real source package (hello, or $KILN_E2E_PACKAGE) fetched from the archive with
#      `apt-get source --download-only` through a private apt configuration is uploaded as a
#      debian:source-package;
#   3. worker/sbuild builds it in the unshare backend on that tarball (build log, binary
#      packages, upload);
#   4. worker/lintian checks the source package and the upload inside an instance of the tarball;
#   5. unless KILN_E2E_EXTRA=0: worker/makesourcepackageupload (a source-only upload, in the
#      environment), worker/mergeuploads (that and the binary upload, mergechanges on the host),
#      worker/blhc (the build log, on the host) and worker/autopkgtest (the package's tests with
#      autopkgtest-virt-unshare on the tarball);
#   6. every output is checked through the API: category, data, files and relations.
#
#   sudo scripts/debian-e2e.sh     (as root: prepares the host with setup-worker-host.sh first)
#
# Ends with exactly one line: `debian_e2e=ok wall_s=N artifacts=N` or
# `debian_e2e=failed stage=STAGE` (the logs are in .kiln-e2e/). Ports: KILN_E2E_PORT_BASE
# (default 28080: scheduler +1, artifact +2, workflow +3, agent +4, PostgreSQL +5, Kafka +6/+7).
set -uo pipefail
cd "$(dirname "$0")/.."
root=$(pwd)
start=$(date +%s)
stage=setup
e2e=$root/.kiln-e2e
package=${KILN_E2E_PACKAGE:-hello}
suite=${KILN_E2E_SUITE:-bookworm}
base=${KILN_E2E_PORT_BASE:-28080}
sched_port=$((base + 1)) art_port=$((base + 2)) wf_port=$((base + 3)) agent_port=$((base + 4))
agent_user=${KILN_E2E_AGENT_USER:-kiln-agent}
pids=()

say() { echo "debian-e2e: $*" >&2; }
fail() {
  say "FAILED at stage $stage: $*"
  echo "debian_e2e=failed stage=$stage"
  exit 1
}
cleanup() {
  for ((i = ${#pids[@]} - 1; i >= 0; i--)); do
    kill "${pids[$i]}" 2>/dev/null
    for _ in $(seq 1 100); do kill -0 "${pids[$i]}" 2>/dev/null || break; sleep 0.1; done
    kill -9 "${pids[$i]}" 2>/dev/null
  done
}
trap cleanup EXIT
declare -A took
mark() { took[$1]=$(($(date +%s) - ${2})); }

# ---------------------------------------------------------------------------------------- setup
t=$(date +%s)
if [ "$(id -u)" -eq 0 ]; then
  scripts/setup-worker-host.sh "$agent_user" >&2 || fail "setup-worker-host.sh"
  run_as=(setpriv "--reuid=$agent_user" "--regid=$agent_user" --init-groups --)
  agent_home=$(getent passwd "$agent_user" | cut -d: -f6)
else
  say "not root: the agent runs as $(id -un), which needs subordinate ids already"
  agent_user=$(id -un)
  run_as=()
  agent_home=$HOME
fi
for tool in curl jq sbuild lintian mmdebstrap; do
  command -v "$tool" >/dev/null || fail "$tool is missing (run as root to install it)"
done
mark setup "$t"

# ---------------------------------------------------------------------------------------- build
stage=build
t=$(date +%s)
jars=(scheduler-service artifact-service workflow-service worker-agent)
need_build=${KILN_E2E_BUILD:-0}
for m in "${jars[@]}"; do
  [ -f "$m/target/quarkus-app/quarkus-run.jar" ] || need_build=1
done
[ -f test-support/target/infra-classpath.txt ] || need_build=1
if [ "$need_build" = 1 ]; then
  say "building (tests skipped) ..."
  ./mvnw -q -B -DskipTests -Dspotless.check.skip=true package >&2 || fail "the build failed"
fi
mark build "$t"

rm -rf "$e2e"
mkdir -p "$e2e"
# The agent runs from a copy its user can read (the checkout may be under a private home).
agent_dir=$(mktemp -d /var/tmp/kiln-e2e-agent.XXXXXX)
cp -a worker-agent/target/quarkus-app "$agent_dir/app"
mkdir -p "$agent_dir/work" "$agent_dir/images"
[ "$(id -u)" -eq 0 ] && chown -R "$agent_user:" "$agent_dir"
chmod 755 "$agent_dir"
cleanup_agent_dir() {
  cleanup
  if [ "$(id -u)" -ne 0 ] && [ -d "$agent_dir/images" ]; then
    # unpacked trees hold files of the subordinate ids: remove them inside the namespace
    local sub
    sub=$(awk -F: -v u="$agent_user" '$1 == u { print $2; exit }' /etc/subuid)
    unshare --user --map-root-user --map-users="$sub,1,65536" --map-groups="$sub,1,65536" \
      rm -rf "$agent_dir/images" 2>/dev/null
  fi
  rm -rf "$agent_dir"
}
trap cleanup_agent_dir EXIT

# ------------------------------------------------------------------------------- source package
stage=source
t=$(date +%s)
mirror=${KILN_E2E_MIRROR:-}
if [ -z "$mirror" ]; then
  mirror=$( (grep -h '^URIs:' /etc/apt/sources.list.d/*.sources 2>/dev/null | awk '{print $2}'
    grep -hE '^deb ' /etc/apt/sources.list /etc/apt/sources.list.d/*.list 2>/dev/null |
      sed -E 's/\[[^]]*\] //' | awk '{print $2}') | grep -v -- '-security' | head -1)
fi
[ -n "$mirror" ] || fail "no Debian mirror in /etc/apt/sources.list*"
say "mirror $mirror, suite $suite, package $package"
apt_dir=$e2e/apt
mkdir -p "$apt_dir/lists/partial" "$apt_dir/cache/archives/partial" "$e2e/src"
signed_by=
[ -f /usr/share/keyrings/debian-archive-keyring.gpg ] &&
  signed_by=" [signed-by=/usr/share/keyrings/debian-archive-keyring.gpg]"
echo "deb-src$signed_by $mirror $suite main" > "$apt_dir/sources.list"
apt_opts=(-o "Dir::Etc::SourceList=$apt_dir/sources.list" -o "Dir::Etc::SourceParts=/dev/null"
  -o "Dir::State::Lists=$apt_dir/lists" -o "Dir::Cache=$apt_dir/cache" -o "APT::Sandbox::User=root"
  -o "Debug::NoLocking=1")
apt-get -q "${apt_opts[@]}" update >"$e2e/apt.log" 2>&1 || fail "apt-get update of deb-src"
(cd "$e2e/src" && apt-get -q "${apt_opts[@]}" source --download-only "$package") \
  >>"$e2e/apt.log" 2>&1 || fail "apt-get source --download-only $package"
dsc=$(ls "$e2e"/src/*.dsc | head -1)
[ -f "$dsc" ] || fail "no .dsc was fetched"
mark source "$t"

# ------------------------------------------------------------------------------------- platform
stage=platform
t=$(date +%s)
java=$(command -v java)
token() { head -c 24 /dev/urandom | base64 | tr -d '/+='; }
admin=$(token) wr_secret=$(token)$(token) registration=$(token)
export KILN_PG_PORT=$((base + 5)) KILN_KAFKA_PORT=$((base + 6)) KILN_KAFKA_CONTROLLER_PORT=$((base + 7))
for p in $sched_port $art_port $wf_port $agent_port $KILN_PG_PORT $KILN_KAFKA_PORT; do
  (exec 3<>"/dev/tcp/127.0.0.1/$p") 2>/dev/null && fail "port $p is taken (set KILN_E2E_PORT_BASE)"
done
classpath="test-support/target/classes:$(cat test-support/target/infra-classpath.txt)"
"$java" -Xmx128m -XX:+UseSerialGC -Djava.util.logging.manager=org.jboss.logmanager.LogManager \
  -cp "$classpath" dev.kiln.infra.InfraMain "$e2e/infra" >"$e2e/infra.log" 2>&1 &
pids+=($!)
for _ in $(seq 1 1200); do [ -f "$e2e/infra/infra.ready" ] && break; sleep 0.1; done
[ -f "$e2e/infra/infra.ready" ] || fail "PostgreSQL and Kafka did not start (see $e2e/infra.log)"
jdbc=$(sed -n 's/^jdbc_url=//p' "$e2e/infra/infra.ready")
kafka=$(sed -n 's/^bootstrap_servers=//p' "$e2e/infra/infra.ready")
common=(KILN_DB_URL="$jdbc" KILN_DB_USER=kiln KILN_DB_PASSWORD=kiln KILN_KAFKA_BOOTSTRAP="$kafka"
  KILN_ADMIN_TOKEN="$admin" KILN_WORK_REQUEST_TOKEN_SECRET="$wr_secret"
  KILN_REGISTRATION_TOKEN="$registration")
jvm=(-Xmx192m -XX:+UseSerialGC -XX:TieredStopAtLevel=1)
start_service() { # module port env...
  local module=$1 port=$2
  shift 2
  env "${common[@]}" "$@" "$java" "${jvm[@]}" -jar "$module/target/quarkus-app/quarkus-run.jar" \
    >"$e2e/$module.log" 2>&1 &
  pids+=($!)
}
await_ready() { # name port pid
  for _ in $(seq 1 1200); do
    curl -sf "http://127.0.0.1:$2/q/health/ready" >/dev/null && return 0
    kill -0 "$3" 2>/dev/null || return 1
    sleep 0.1
  done
  return 1
}
store=$e2e/artifact-store
mkdir -p "$store"
start_service scheduler-service $sched_port KILN_SCHEDULER_PORT=$sched_port \
  KILN_ARTIFACT_URL="http://127.0.0.1:$art_port"
sched_pid=${pids[-1]}
start_service artifact-service $art_port KILN_ARTIFACT_PORT=$art_port KILN_ARTIFACT_STORE_DIR="$store"
art_pid=${pids[-1]}
start_service workflow-service $wf_port KILN_WORKFLOW_PORT=$wf_port
wf_pid=${pids[-1]}
await_ready scheduler $sched_port $sched_pid || fail "the scheduler did not start ($e2e/scheduler-service.log)"
await_ready artifact $art_port $art_pid || fail "the artifact service did not start"
await_ready workflow $wf_port $wf_pid || fail "the workflow service did not start"
touch "$e2e/worker-agent.log"
[ "$(id -u)" -eq 0 ] && chown "$agent_user:" "$e2e/worker-agent.log"
env -i PATH=/usr/sbin:/usr/bin:/sbin:/bin HOME="$agent_home" USER="$agent_user" LANG=C.UTF-8 \
  KILN_AGENT_PORT=$agent_port KILN_SCHEDULER_GRPC_HOST=127.0.0.1 KILN_SCHEDULER_GRPC_PORT=$sched_port \
  KILN_ARTIFACT_URL="http://127.0.0.1:$art_port" KILN_REGISTRATION_TOKEN="$registration" \
  KILN_WORKER_NAME=kiln-e2e-debian KILN_AGENT_WORK_DIR="$agent_dir/work" \
  KILN_AGENT_IMAGE_CACHE_DIR="$agent_dir/images" \
  "${run_as[@]}" "$java" -Xmx128m -XX:+UseSerialGC -jar "$agent_dir/app/quarkus-run.jar" \
  >>"$e2e/worker-agent.log" 2>&1 &
agent_pid=$!
pids+=($agent_pid)
await_ready agent $agent_port $agent_pid || fail "the agent did not start ($e2e/worker-agent.log)"
agent_uid=$(ps -o uid= -p "$agent_pid" | tr -d ' ')
say "platform up; the agent (pid $agent_pid) runs as uid $agent_uid ($(id -un "$agent_uid"))"
mark platform "$t"

# ------------------------------------------------------------------------------------ API calls
sched=http://127.0.0.1:$sched_port/api/v1
art=http://127.0.0.1:$art_port/api/v1
auth=(-H "Authorization: Bearer $admin")
api() { curl -s "${auth[@]}" -H 'Content-Type: application/json' "$@"; }
rss_kib() { ps -o rss= -p "$agent_pid" | tr -d ' '; }
idle_rss=$(rss_kib)
peak_rss=$idle_rss
run_wr() { # task_name task_data_json -> sets wr to the finished work request
  local body created id status
  body=$(jq -nc --arg n "$1" --argjson d "$2" '{task_type:"worker",task_name:$n,task_data:$d}')
  created=$(api -X POST "$sched/work-requests" -d "$body")
  id=$(jq -r '.id // empty' <<<"$created")
  [ -n "$id" ] || fail "creating worker/$1: $created"
  say "work request $id: worker/$1"
  for _ in $(seq 1 1800); do
    wr=$(api "$sched/work-requests/$id")
    status=$(jq -r .status <<<"$wr")
    local r
    r=$(rss_kib)
    [ -n "$r" ] && [ "$r" -gt "$peak_rss" ] && peak_rss=$r
    case $status in completed | aborted) break ;; esac
    sleep 1
  done
  say "work request $id: $status/$(jq -r .result <<<"$wr") in $(($(date +%s) - t)) s"
}
artifact() { api "$art/artifacts/$1"; }
relations() { api "$art/artifacts/$1/relations"; }
# the output artifact of a category among a work request's artifacts
output_of() { # wr_json category
  local a
  for a in $(jq -r '.output_data.artifacts[]?' <<<"$1"); do
    if [ "$(artifact "$a" | jq -r .category)" = "$2" ]; then echo "$a"; fi
  done
}
has_relation() { # from type to
  relations "$1" | jq -e --argjson f "$1" --argjson t "$3" --arg ty "$2" \
    'map(select(.artifact == $f and .target == $t and .type == $ty)) | length == 1' >/dev/null
}
check_debug_logs() { # wr_json input...
  local wr=$1 logs
  shift
  logs=$(output_of "$wr" debusine:work-request-debug-logs)
  [ -n "$logs" ] || fail "no debug logs artifact"
  for i in "$@"; do has_relation "$logs" relates-to "$i" || fail "debug logs $logs do not relate to $i"; done
}
all_outputs=()

# ----------------------------------------------------------------------------------- mmdebstrap
stage=mmdebstrap
t=$(date +%s)
arch=$(dpkg --print-architecture)
run_wr mmdebstrap "$(jq -nc --arg m "$mirror" --arg s "$suite" --arg a "$arch" \
  '{bootstrap_options:{architecture:$a,variant:"buildd"},bootstrap_repositories:[{mirror:$m,suite:$s,components:["main"]}]}')"
[ "$(jq -r .result <<<"$wr")" = success ] || fail "mmdebstrap: $(jq -c .output_data <<<"$wr")"
tarball=$(output_of "$wr" debian:system-tarball)
[ -n "$tarball" ] || fail "no debian:system-tarball"
artifact "$tarball" | jq -e --arg s "$suite" '.data.codename == $s and (.data.pkglist | length) > 50
  and .files["system.tar.zst"].size > 1000000' >/dev/null || fail "the tarball's data or file is wrong"
check_debug_logs "$wr"
mapfile -t -O ${#all_outputs[@]} all_outputs < <(jq -r '.output_data.artifacts[]' <<<"$wr")
mark mmdebstrap "$t"

# -------------------------------------------------------------------------------- source upload
stage=upload-source
t=$(date +%s)
field() { sed -n "s/^$1: //p" "$dsc" | head -1; }
files_json='{}'
upload_files=("$dsc")
for f in $(awk '/^Files:/ {on=1; next} /^[^ ]/ {on=0} on {print $3}' "$dsc"); do
  upload_files+=("$e2e/src/$f")
done
for f in "${upload_files[@]}"; do
  files_json=$(jq -c --arg n "$(basename "$f")" --argjson s "$(stat -c %s "$f")" \
    --arg h "$(sha256sum "$f" | cut -d' ' -f1)" '. + {($n): {size: $s, sha256: $h}}' <<<"$files_json")
done
body=$(jq -nc --arg n "$(field Source)" --arg v "$(field Version)" --arg fmt "$(field Format)" \
  --arg arch "$(field Architecture)" --argjson files "$files_json" \
  '{category:"debian:source-package",workspace:"System",
    data:{name:$n,version:$v,type:"dpkg",dsc_fields:{Source:$n,Version:$v,Format:$fmt,Architecture:$arch}},
    files:$files}')
created=$(api -X POST "$art/artifacts" -d "$body")
source_id=$(jq -r '.id // empty' <<<"$created")
[ -n "$source_id" ] || fail "creating the source package artifact: $created"
for f in "${upload_files[@]}"; do
  code=$(curl -s -o /dev/null -w '%{http_code}' "${auth[@]}" -H 'Content-Type: application/octet-stream' \
    -X PUT --data-binary "@$f" "$art/artifacts/$source_id/files/$(basename "$f")")
  [ "$code" = 201 ] || [ "$code" = 200 ] || fail "uploading $(basename "$f"): HTTP $code"
done
say "debian:source-package $source_id: $(field Source) $(field Version)"
mark upload-source "$t"

# --------------------------------------------------------------------------------------- sbuild
stage=sbuild
t=$(date +%s)
run_wr sbuild "$(jq -nc --argjson s "$source_id" --argjson e "$tarball" --arg a "$arch" \
  '{input:{source_artifact:$s},host_architecture:$a,environment:$e,backend:"unshare"}')"
[ "$(jq -r .result <<<"$wr")" = success ] || fail "sbuild: $(jq -c .output_data <<<"$wr")"
build_log=$(output_of "$wr" debian:package-build-log)
upload=$(output_of "$wr" debian:upload)
binaries=($(output_of "$wr" debian:binary-package))
[ -n "$build_log" ] && [ -n "$upload" ] && [ ${#binaries[@]} -ge 1 ] ||
  fail "sbuild outputs: build log '$build_log', upload '$upload', binaries '${binaries[*]}'"
has_relation "$build_log" relates-to "$source_id" || fail "the build log does not relate to the source"
for b in "${binaries[@]}"; do
  has_relation "$b" built-using "$source_id" || fail "binary $b is not built-using the source"
  has_relation "$b" built-using "$tarball" || fail "binary $b is not built-using the environment"
  has_relation "$upload" extends "$b" || fail "the upload does not extend binary $b"
done
artifact "$upload" | jq -e '.data.changes_fields.Files | length >= 2' >/dev/null ||
  fail "the upload's .changes lists too few files"
check_debug_logs "$wr" "$source_id" "$tarball"
mapfile -t -O ${#all_outputs[@]} all_outputs < <(jq -r '.output_data.artifacts[]' <<<"$wr")
mark sbuild "$t"

# -------------------------------------------------------------------------------------- lintian
stage=lintian
t=$(date +%s)
run_wr lintian "$(jq -nc --argjson s "$source_id" --argjson u "$upload" --argjson e "$tarball" \
  '{input:{source_artifact:$s,binary_artifacts:[$u]},environment:$e,backend:"unshare"}')"
[ "$(jq -r .result <<<"$wr")" = success ] || fail "lintian: $(jq -c .output_data <<<"$wr")"
analysis=$(output_of "$wr" debian:lintian)
[ -n "$analysis" ] || fail "no debian:lintian artifact"
artifact "$analysis" | jq -e '.data.summary.lintian_version | length > 0' >/dev/null ||
  fail "the lintian summary names no lintian version"
has_relation "$analysis" relates-to "$source_id" || fail "the analysis does not relate to the source"
has_relation "$analysis" relates-to "$upload" || fail "the analysis does not relate to the upload"
check_debug_logs "$wr" "$source_id" "$upload" "$tarball"
say "lintian: $(artifact "$analysis" | jq -c .data.summary.tags_count_by_severity)"
mapfile -t -O ${#all_outputs[@]} all_outputs < <(jq -r '.output_data.artifacts[]' <<<"$wr")
mark lintian "$t"

extra_timings=
if [ "${KILN_E2E_EXTRA:-1}" = 1 ]; then
  # ------------------------------------------------------------------ makesourcepackageupload
  stage=makesourcepackageupload
  t=$(date +%s)
  run_wr makesourcepackageupload "$(jq -nc --argjson s "$source_id" --argjson e "$tarball" \
    '{input:{source_artifact:$s},environment:$e,backend:"unshare"}')"
  [ "$(jq -r .result <<<"$wr")" = success ] || fail "$(jq -c .output_data <<<"$wr")"
  source_upload=$(output_of "$wr" debian:upload)
  [ -n "$source_upload" ] || fail "no source debian:upload"
  artifact "$source_upload" | jq -e '.data.changes_fields.Architecture == "source"
    and ([.data.changes_fields.Files[].name | select(endswith(".dsc"))] | length == 1)' >/dev/null ||
    fail "the source upload's .changes is not a source-only upload"
  has_relation "$source_upload" extends "$source_id" || fail "the source upload does not extend the source"
  check_debug_logs "$wr" "$source_id" "$tarball"
  mapfile -t -O ${#all_outputs[@]} all_outputs < <(jq -r '.output_data.artifacts[]' <<<"$wr")
  mark makesourcepackageupload "$t"

  # ----------------------------------------------------------------------------- mergeuploads
  stage=mergeuploads
  t=$(date +%s)
  run_wr mergeuploads "$(jq -nc --argjson a "$source_upload" --argjson b "$upload" \
    '{input:{uploads:[$a,$b]}}')"
  [ "$(jq -r .result <<<"$wr")" = success ] || fail "$(jq -c .output_data <<<"$wr")"
  merged=$(output_of "$wr" debian:upload)
  [ -n "$merged" ] || fail "no merged debian:upload"
  artifact "$merged" | jq -e '(.data.changes_fields.Architecture | split(" ") | index("source") != null)
    and ([.data.changes_fields.Files[].name | select(endswith(".deb"))] | length >= 1)' >/dev/null ||
    fail "the merged upload lacks the source or the binaries"
  for u in "$source_upload" "$upload"; do
    has_relation "$merged" extends "$u" || fail "the merged upload does not extend $u"
  done
  mapfile -t -O ${#all_outputs[@]} all_outputs < <(jq -r '.output_data.artifacts[]' <<<"$wr")
  mark mergeuploads "$t"

  # ------------------------------------------------------------------------------------- blhc
  stage=blhc
  t=$(date +%s)
  run_wr blhc "$(jq -nc --argjson l "$build_log" '{input:{artifact:$l}}')"
  case "$(jq -r .result <<<"$wr")" in success | failure) ;; *) fail "$(jq -c .output_data <<<"$wr")" ;; esac
  report=$(output_of "$wr" kiln:generic)
  [ -n "$report" ] || fail "no blhc report"
  has_relation "$report" relates-to "$build_log" || fail "the blhc report does not relate to the build log"
  say "blhc: $(jq -r .result <<<"$wr") (exit $(artifact "$report" | jq -r .data.exit_code))"
  mapfile -t -O ${#all_outputs[@]} all_outputs < <(jq -r '.output_data.artifacts[]' <<<"$wr")
  mark blhc "$t"

  # ------------------------------------------------------------------------------ autopkgtest
  stage=autopkgtest
  t=$(date +%s)
  run_wr autopkgtest "$(jq -nc --argjson s "$source_id" --argjson u "$upload" --argjson e "$tarball" \
    --arg a "$arch" '{input:{source_artifact:$s,binary_artifacts:[$u]},host_architecture:$a,
      environment:$e,backend:"unshare"}')"
  [ "$(jq -r .result <<<"$wr")" = success ] || fail "$(jq -c .output_data <<<"$wr")"
  tested=$(output_of "$wr" debian:autopkgtest)
  [ -n "$tested" ] || fail "no debian:autopkgtest artifact"
  artifact "$tested" | jq -e '.data.results | length >= 1' >/dev/null || fail "no test results"
  has_relation "$tested" relates-to "$source_id" || fail "the autopkgtest result does not relate to the source"
  say "autopkgtest: $(artifact "$tested" | jq -c '.data.results | map_values(.status)')"
  mapfile -t -O ${#all_outputs[@]} all_outputs < <(jq -r '.output_data.artifacts[]' <<<"$wr")
  mark autopkgtest "$t"
  extra_timings=", makesourcepackageupload ${took[makesourcepackageupload]}, mergeuploads ${took[mergeuploads]}, blhc ${took[blhc]}, autopkgtest ${took[autopkgtest]}"
fi

stage=report
count=$((${#all_outputs[@]} + 1)) # the outputs and the uploaded source package
say "timings (s): setup ${took[setup]}, build ${took[build]}, source ${took[source]}," \
  "platform ${took[platform]}, mmdebstrap ${took[mmdebstrap]}, upload-source ${took[upload-source]}," \
  "sbuild ${took[sbuild]}, lintian ${took[lintian]}$extra_timings"
core=$((took[platform] + took[mmdebstrap] + took[upload-source] + took[sbuild] + took[lintian]))
say "the core chain (platform start, mmdebstrap, source upload, sbuild, lintian): $core s"
# the agent's CPU time with the tools it ran (utime, stime, cutime, cstime of /proc/PID/stat)
agent_cpu=$(awk -v hz="$(getconf CLK_TCK)" '{ sub(/^.*\) /, ""); print int(($12 + $13 + $14 + $15) / hz) }' \
  "/proc/$agent_pid/stat")
say "CPU time of the agent and the tools it ran: $agent_cpu s (2 cores; load average now $(cut -d' ' -f1 /proc/loadavg))"
say "agent RSS: idle $((idle_rss / 1024)) MiB, peak while running tasks $((peak_rss / 1024)) MiB"
echo "debian_e2e=ok wall_s=$(($(date +%s) - start)) artifacts=$count"
