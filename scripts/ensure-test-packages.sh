#!/usr/bin/env bash
# Installs the Debian packages the integration tests run as real servers, only when they are missing.
#   scripts/ensure-test-packages.sh          openssh-server (sshd for the SFTP tests)
#   scripts/ensure-test-packages.sh --ceph   also ceph-mon, ceph-osd, radosgw (a throw-away S3 cluster)
#   scripts/ensure-test-packages.sh --chromium  also chromium (headless browser for tests/e2e/browser)
# Idempotent and fast when everything is there (a few `test -x`); safe to run from several processes at once
# (one flock around apt). Needs root and Debian's apt; prints only on install or failure.
set -euo pipefail

want_ceph=0
want_chromium=0
for arg in "$@"; do
  case "$arg" in
    --ceph) want_ceph=1 ;;
    --chromium) want_chromium=1 ;;
    -h|--help) sed -n '2,7p' "$0"; exit 0 ;;
    *) echo "ensure-test-packages: unknown argument '$arg' (use --ceph, --chromium or nothing)" >&2; exit 2 ;;
  esac
done

missing() {
  local pkgs=()
  [ -x /usr/sbin/sshd ] && [ -x /usr/bin/ssh-keygen ] || pkgs+=(openssh-server)
  if [ "$want_ceph" = 1 ]; then
    [ -x /usr/bin/ceph-mon ] && [ -x /usr/bin/monmaptool ] || pkgs+=(ceph-mon)
    [ -x /usr/bin/ceph-osd ] || pkgs+=(ceph-osd)
    [ -x /usr/bin/radosgw ] || pkgs+=(radosgw)
    [ -x /usr/bin/radosgw-admin ] || pkgs+=(radosgw)
  fi
  # Debian's chromium (not a downloaded Chrome for Testing: the machine may be offline); fonts so pages render text.
  if [ "$want_chromium" = 1 ]; then
    [ -x /usr/bin/chromium ] || pkgs+=(chromium)
    [ -d /usr/share/fonts/truetype/dejavu ] || pkgs+=(fonts-dejavu-core)
  fi
  # unique, space separated
  printf '%s\n' "${pkgs[@]}" | awk 'NF && !seen[$0]++' | tr '\n' ' '
}

pkgs="$(missing)"
[ -z "$pkgs" ] && exit 0

if [ "$(id -u)" != 0 ]; then
  echo "ensure-test-packages: missing Debian packages: $pkgs; run as root or install them: apt-get install -y $pkgs" >&2
  exit 1
fi
if ! command -v apt-get >/dev/null; then
  echo "ensure-test-packages: missing packages ($pkgs) and no apt-get on this machine" >&2
  exit 1
fi

# Serialise concurrent callers (parallel test runs), then re-check: another caller may have installed them.
exec 9>/tmp/revrec-ensure-test-packages.lock
flock -w 900 9
pkgs="$(missing)"
[ -z "$pkgs" ] && exit 0

export DEBIAN_FRONTEND=noninteractive
log="$(mktemp /tmp/revrec-apt.XXXXXX.log)"
apt_install() {
  # shellcheck disable=SC2086 # word splitting of $pkgs is intended
  apt-get install -y -q --no-install-recommends -o DPkg::Lock::Timeout=600 \
    -o Dpkg::Options::=--force-confdef -o Dpkg::Options::=--force-confold $pkgs >>"$log" 2>&1
}
echo "ensure-test-packages: installing $pkgs (log: $log)" >&2
# A fresh machine may have empty package lists: try as is, then update once and retry.
if ! apt_install; then
  apt-get update -q -o DPkg::Lock::Timeout=600 >>"$log" 2>&1 || true
  if ! apt_install; then
    echo "ensure-test-packages: apt-get install $pkgs failed; last lines of $log:" >&2
    tail -n 20 "$log" >&2
    exit 1
  fi
fi
# Debian's postinst may start daemons when a service manager exists; the tests run their own instances.
pkgs="$(missing)"
if [ -n "$pkgs" ]; then
  echo "ensure-test-packages: still missing after install: $pkgs (see $log)" >&2
  exit 1
fi
rm -f "$log"
