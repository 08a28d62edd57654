#!/usr/bin/env bash
# Builds kube-apiserver and etcd from their published Go modules into a cache outside the repo, and prints
# the directory that holds them (the KUBEBUILDER_ASSETS convention of controller-runtime's envtest).
#
# Nothing is downloaded but Go modules through the configured Go module proxy. A second run finds the
# binaries in the cache and returns at once.
#
#   K8S_VERSION   Kubernetes version to build (default below); etcd follows the version its go.mod requires
#   KUBEBUILDER_ASSETS   when set and holding kube-apiserver and etcd, those are used and nothing is built
#   SAGEMAKER_MIGRATE_CACHE   cache root (default ${XDG_CACHE_HOME:-~/.cache}/kubectl-sagemaker-migrate)
set -euo pipefail

K8S_VERSION="${K8S_VERSION:-1.34.4}"

log() { printf 'envtest-assets: %s\n' "$*" >&2; }

if [ -n "${KUBEBUILDER_ASSETS:-}" ] && [ -x "$KUBEBUILDER_ASSETS/kube-apiserver" ] && [ -x "$KUBEBUILDER_ASSETS/etcd" ]; then
  echo "$KUBEBUILDER_ASSETS"
  exit 0
fi

CACHE_ROOT="${SAGEMAKER_MIGRATE_CACHE:-${XDG_CACHE_HOME:-$HOME/.cache}/kubectl-sagemaker-migrate}"
DEST="$CACHE_ROOT/envtest/$K8S_VERSION"
if [ -x "$DEST/kube-apiserver" ] && [ -x "$DEST/etcd" ] && [ -f "$DEST/READY" ]; then
  echo "$DEST"
  exit 0
fi

command -v go >/dev/null || { log "Go is required to build kube-apiserver and etcd (no release binaries are downloaded)"; exit 1; }
export GOTOOLCHAIN=local CGO_ENABLED=0 GOFLAGS="-trimpath -buildvcs=false"
mkdir -p "$DEST"
WORK="$DEST/src"
rm -rf "$WORK"
mkdir -p "$WORK"
started=$(date +%s)

# Kubernetes' own go.mod lists its staging modules as `=> ./staging/...` replaces; a wrapper module must point
# each of them at the published v0.Y.Z instead (the documented workaround of kubernetes/kubernetes#79384).
log "resolving k8s.io/kubernetes v$K8S_VERSION"
K8S_GOMOD="$(cd "$WORK" && go mod download -json "k8s.io/kubernetes@v$K8S_VERSION" | sed -n 's/^[[:space:]]*"GoMod": "\(.*\)",$/\1/p')"
[ -f "$K8S_GOMOD" ] || { log "could not resolve k8s.io/kubernetes@v$K8S_VERSION through the Go module proxy"; exit 1; }
STAGING_VERSION="v0.${K8S_VERSION#1.}"
MINOR="$(cut -d. -f2 <<<"$K8S_VERSION")"

mkdir -p "$WORK/kube-apiserver"
cd "$WORK/kube-apiserver"
go mod init envtest.local/kube-apiserver >/dev/null 2>&1
for module in $(sed -n 's#^[[:space:]]*\(k8s\.io/[^[:space:]]*\) => \./staging/src/.*#\1#p' "$K8S_GOMOD"); do
  go mod edit -replace="$module=$module@$STAGING_VERSION"
done
GODEBUG_DEFAULT="$(sed -n 's/^godebug default=\(go[0-9.]*\)$/\1/p' "$K8S_GOMOD")"
[ -z "$GODEBUG_DEFAULT" ] || go mod edit -godebug="default=$GODEBUG_DEFAULT"
log "fetching kube-apiserver v$K8S_VERSION modules"
go get "k8s.io/kubernetes/cmd/kube-apiserver@v$K8S_VERSION" >/dev/null 2>&1 || go get "k8s.io/kubernetes/cmd/kube-apiserver@v$K8S_VERSION"
LDFLAGS="-s -w"
for pkg in k8s.io/component-base/version k8s.io/client-go/pkg/version; do
  LDFLAGS="$LDFLAGS -X $pkg.gitVersion=v$K8S_VERSION -X $pkg.gitMajor=1 -X $pkg.gitMinor=$MINOR -X $pkg.gitTreeState=clean"
done
log "building kube-apiserver v$K8S_VERSION (several minutes on a cold cache)"
go build -ldflags "$LDFLAGS" -o "$DEST/kube-apiserver.tmp" k8s.io/kubernetes/cmd/kube-apiserver
mv "$DEST/kube-apiserver.tmp" "$DEST/kube-apiserver"

# etcd is built in a module of its own so that its dependencies keep the versions etcd was released with.
ETCD_VERSION="${ETCD_VERSION:-$(go list -m -f '{{.Version}}' go.etcd.io/etcd/client/v3)}"
mkdir -p "$WORK/etcd"
cd "$WORK/etcd"
go mod init envtest.local/etcd >/dev/null 2>&1
log "fetching etcd $ETCD_VERSION modules"
go get "go.etcd.io/etcd/server/v3@$ETCD_VERSION" >/dev/null 2>&1 || go get "go.etcd.io/etcd/server/v3@$ETCD_VERSION"
log "building etcd $ETCD_VERSION"
go build -ldflags "-s -w" -o "$DEST/etcd.tmp" go.etcd.io/etcd/server/v3
mv "$DEST/etcd.tmp" "$DEST/etcd"

"$DEST/kube-apiserver" --version >&2
# sed reads all of it: head would close the pipe early, and pipefail would end the script with 141.
"$DEST/etcd" --version | sed -n 1p >&2
printf 'kube-apiserver v%s\netcd %s\n' "$K8S_VERSION" "$ETCD_VERSION" >"$DEST/READY"
rm -rf "$WORK"
log "built in $(( $(date +%s) - started ))s into $DEST"
echo "$DEST"
