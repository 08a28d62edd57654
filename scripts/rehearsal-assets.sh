#!/usr/bin/env bash
# Builds what the rehearsal (test/e2e/) runs, into a cache outside the repo, and prints where it is:
#   OLD_OPERATOR=<the old SageMaker operator's manager binary, built with `go build` from its Go module>
#   MOTO_SERVER=<moto_server of a Python venv holding moto[server] from PyPI>
# With --moto-only it prepares and prints moto alone: every test phase may start the AWS emulator
# (test/support/aws-emulator.ts), only the rehearsal needs the old operator. With --old-operator-only it builds and
# prints the old operator alone, so that `npm test` can build it while moto installs (scripts/test-assets.ts).
#
# The old operator comes only through the Go module proxy (the module the tests already take the old CRDs from);
# the proxy refuses `go install module@version` for it (its version list is not served), so it is built inside a
# throw-away wrapper module, with exactly the dependency versions its own go.mod names. Nothing of it is committed.
# A second run finds both in the cache and returns at once.
#
#   $1   --moto-only or --old-operator-only (optional)
#   $1 or $2   the old operator's module@version (default below, the one test/support/crds.ts uses)
#   SAGEMAKER_MIGRATE_CACHE   cache root (default ${XDG_CACHE_HOME:-~/.cache}/kubectl-sagemaker-migrate)
set -euo pipefail

WANT_OPERATOR=true
WANT_MOTO=true
case "${1:-}" in
  --moto-only) WANT_OPERATOR=false; shift ;;
  --old-operator-only) WANT_MOTO=false; shift ;;
esac
OLD_OPERATOR_MODULE="${1:-github.com/aws/amazon-sagemaker-operator-for-k8s@v1.0.1-0.20210303003444-0fb33b1fd49d}"
MOTO_VERSION=5.2.5

log() { printf 'rehearsal-assets: %s\n' "$*" >&2; }

CACHE_ROOT="${SAGEMAKER_MIGRATE_CACHE:-${XDG_CACHE_HOME:-$HOME/.cache}/kubectl-sagemaker-migrate}"
OPERATOR_DIR="$CACHE_ROOT/old-operator/${OLD_OPERATOR_MODULE##*@}"
MOTO_CONSTRAINTS="$(cd "$(dirname "$0")" && pwd)/moto-constraints.txt"
MOTO_DIR="$CACHE_ROOT/moto/$MOTO_VERSION-$(sha256sum "$MOTO_CONSTRAINTS" | cut -c1-12)"

build_old_operator() {
  [ -x "$OPERATOR_DIR/manager" ] && [ -f "$OPERATOR_DIR/READY" ] && return 0
  command -v go >/dev/null || { log "Go is required to build the old operator from its module"; exit 1; }
  local started work
  started=$(date +%s)
  work="$OPERATOR_DIR/src"
  rm -rf "$work"
  mkdir -p "$work"
  cd "$work"
  export GOTOOLCHAIN=local CGO_ENABLED=0 GOFLAGS="-trimpath -buildvcs=false -mod=mod"
  go mod init smm.local/old-operator >/dev/null 2>&1
  # The operator's go.mod says go 1.13: keep the runtime defaults (GODEBUG) of a pre-1.21 main module.
  go mod edit -go=1.20
  log "fetching $OLD_OPERATOR_MODULE and its dependencies"
  go get "$OLD_OPERATOR_MODULE" >/dev/null 2>&1 || go get "$OLD_OPERATOR_MODULE"
  log "building the old operator (about a minute on a cold cache)"
  go build -ldflags "-s -w" -o "$OPERATOR_DIR/manager.tmp" "${OLD_OPERATOR_MODULE%@*}"
  mv "$OPERATOR_DIR/manager.tmp" "$OPERATOR_DIR/manager"
  printf '%s\n' "$OLD_OPERATOR_MODULE" >"$OPERATOR_DIR/READY"
  cd "$CACHE_ROOT"
  rm -rf "$work"
  log "old operator built in $(( $(date +%s) - started ))s into $OPERATOR_DIR"
}

install_moto() {
  [ -x "$MOTO_DIR/venv/bin/moto_server" ] && [ -f "$MOTO_DIR/READY" ] && return 0
  local started
  started=$(date +%s)
  command -v python3 >/dev/null || install_debian python3
  rm -rf "$MOTO_DIR"
  mkdir -p "$MOTO_DIR"
  if ! python3 -m venv "$MOTO_DIR/venv" >/dev/null 2>&1; then
    # Debian splits venv (ensurepip) out of python3.
    install_debian python3-venv
    rm -rf "$MOTO_DIR/venv"
    python3 -m venv "$MOTO_DIR/venv"
  fi
  log "installing moto[server]==$MOTO_VERSION from PyPI"
  "$MOTO_DIR/venv/bin/pip" install --quiet --disable-pip-version-check -c "$MOTO_CONSTRAINTS" "moto[server]==$MOTO_VERSION"
  printf 'moto %s\n' "$MOTO_VERSION" >"$MOTO_DIR/READY"
  log "moto installed in $(( $(date +%s) - started ))s into $MOTO_DIR"
}

install_debian() {
  if [ "$(id -u)" = 0 ] && command -v apt-get >/dev/null; then
    log "installing Debian package $1"
    apt-get update -qq >/dev/null && DEBIAN_FRONTEND=noninteractive apt-get install -y -qq "$1" >/dev/null
  else
    log "$1 is required (install it with your package manager)"
    exit 1
  fi
}

if [ "$WANT_OPERATOR" = true ]; then
  build_old_operator
  echo "OLD_OPERATOR=$OPERATOR_DIR/manager"
fi
if [ "$WANT_MOTO" = true ]; then
  install_moto
  echo "MOTO_SERVER=$MOTO_DIR/venv/bin/moto_server"
fi
