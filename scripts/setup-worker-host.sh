#!/usr/bin/env bash
# Prepares a machine to run the Kiln worker agent's unshare executor backend (and its tests).
# Idempotent: run it again at any time.
#
#   sudo scripts/setup-worker-host.sh [USER]      (USER defaults to kiln-agent)
#
# - installs uidmap (newuidmap/newgidmap), the tar compressors, busybox-static (the tests build
#   a tiny rootfs with it), arch-test and mmdebstrap (to make real system tarballs), sbuild and
#   lintian (the Debian worker tasks), blhc and devscripts (without recommendations), curl and
#   jq (scripts/debian-e2e.sh);
# - creates USER, the non-root user the agent runs as (or, for an agent running as root, the
#   user its unshare namespaces run as: KILN_AGENT_UNSHARE_HOST_USER=USER);
# - gives USER a range of 65536 subordinate user and group ids in /etc/subuid and /etc/subgid;
# - makes sure unprivileged user namespaces are enabled;
# - checks that USER can enter a user namespace with that mapping.
set -euo pipefail

user=${1:-kiln-agent}
range=65536

if [ "$(id -u)" -ne 0 ]; then
  echo "setup-worker-host: run as root (sudo $0 $user)" >&2
  exit 1
fi

packages=(uidmap util-linux tar zstd xz-utils busybox-static arch-test mmdebstrap sbuild lintian
  curl jq)
missing=()
for p in "${packages[@]}"; do
  dpkg-query -W -f='${db:Status-Abbrev}' "$p" 2>/dev/null | grep -q '^ii' || missing+=("$p")
done
if [ ${#missing[@]} -gt 0 ]; then
  echo "setup-worker-host: installing ${missing[*]}"
  export DEBIAN_FRONTEND=noninteractive
  apt-get install -y -q "${missing[@]}" >/dev/null || {
    apt-get update -q >/dev/null
    apt-get install -y -q "${missing[@]}" >/dev/null
  }
fi

# Tools of the analysis tasks run on the host (blhc; mergechanges from devscripts): without
# their recommendations, which would pull in half a desktop.
light=(blhc devscripts)
missing=()
for p in "${light[@]}"; do
  dpkg-query -W -f='${db:Status-Abbrev}' "$p" 2>/dev/null | grep -q '^ii' || missing+=("$p")
done
if [ ${#missing[@]} -gt 0 ]; then
  echo "setup-worker-host: installing ${missing[*]} (without recommendations)"
  export DEBIAN_FRONTEND=noninteractive
  apt-get install -y -q --no-install-recommends "${missing[@]}" >/dev/null || {
    apt-get update -q >/dev/null
    apt-get install -y -q --no-install-recommends "${missing[@]}" >/dev/null
  }
fi

if ! id "$user" >/dev/null 2>&1; then
  echo "setup-worker-host: creating user $user"
  useradd --create-home --shell /bin/bash "$user"
fi

# The next free start in a file: after every range already given out, and not below 100000.
next_start() {
  awk -F: 'BEGIN { n = 100000 } NF == 3 && $2 + $3 > n { n = $2 + $3 } END { print n }' "$1"
}
touch /etc/subuid /etc/subgid
if ! grep -q "^$user:" /etc/subuid; then
  start=$(next_start /etc/subuid)
  echo "setup-worker-host: /etc/subuid $user:$start:$range"
  usermod --add-subuids "$start-$((start + range - 1))" "$user"
fi
if ! grep -q "^$user:" /etc/subgid; then
  start=$(next_start /etc/subgid)
  echo "setup-worker-host: /etc/subgid $user:$start:$range"
  usermod --add-subgids "$start-$((start + range - 1))" "$user"
fi

if [ -e /proc/sys/kernel/unprivileged_userns_clone ] &&
   [ "$(cat /proc/sys/kernel/unprivileged_userns_clone)" != 1 ]; then
  echo "setup-worker-host: enabling unprivileged user namespaces"
  echo 'kernel.unprivileged_userns_clone = 1' > /etc/sysctl.d/90-kiln-userns.conf
  sysctl -q -w kernel.unprivileged_userns_clone=1
fi

uid_start=$(awk -F: -v u="$user" '$1 == u { print $2; exit }' /etc/subuid)
gid_start=$(awk -F: -v u="$user" '$1 == u { print $2; exit }' /etc/subgid)
if ! (cd / && runuser -u "$user" -- unshare --user --map-root-user \
      --map-users="$uid_start,1,$range" --map-groups="$gid_start,1,$range" true); then
  echo "setup-worker-host: $user cannot enter a user namespace with its subordinate ids" >&2
  exit 1
fi
echo "setup-worker-host: ready — $user has subordinate ids $uid_start and $gid_start (+$range)."
echo "  An agent running as $user needs nothing more; an agent running as root needs"
echo "  KILN_AGENT_UNSHARE_HOST_USER=$user."
