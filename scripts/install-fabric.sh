#!/usr/bin/env bash
# Installs the Hyperledger Fabric binaries (peer, orderer, configtxgen,
# osnadmin, cryptogen) into .fabric/bin and the stock core.yaml /
# orderer.yaml into .fabric/config. No Docker needed.
#
# Version and commit come from network/fabric-version.conf. The binaries are
# built with `go install <pkg>@<commit>` from the Go module proxy. Where
# Fabric 2.5 is already installed on the machine, FABRIC_BIN_DIR (its
# binaries) and FABRIC_CONFIG_DIR (its sampleconfig folder with core.yaml and
# orderer.yaml) make the script use those instead; their version is checked.
set -euo pipefail

ROOT="$(cd "$(dirname "${BASH_SOURCE[0]}")/.." && pwd)"
# shellcheck source=network/fabric-version.conf source-path=SCRIPTDIR/..
source "$ROOT/network/fabric-version.conf"

BIN_DIR="$ROOT/.fabric/bin"
CONFIG_DIR="$ROOT/.fabric/config"
MODULE=github.com/hyperledger/fabric
TOOLS=(peer orderer configtxgen osnadmin cryptogen)
LDFLAGS="-X $MODULE/common/metadata.Version=$FABRIC_VERSION -X $MODULE/common/metadata.CommitSHA=${FABRIC_COMMIT:0:9}"

log() { echo "install-fabric: $*"; }
die() { echo "install-fabric: error: $*" >&2; exit 1; }

command -v go >/dev/null || die "Go is required (https://go.dev/dl/); none found on PATH"

# The version linked into a binary, read from its Go build info (osnadmin
# has no version command).
installed_version() {
  go version -m "$BIN_DIR/$1" 2>/dev/null \
    | sed -n 's|.*common/metadata\.Version=\([^ "]*\).*|\1|p' | head -n1
}

binaries_current() {
  local tool
  for tool in "${TOOLS[@]}"; do
    [ -x "$BIN_DIR/$tool" ] || return 1
    [ "$(installed_version "$tool")" = "$FABRIC_VERSION" ] || return 1
  done
}

# The module path has no /v2 suffix, so the tag cannot be named; its commit is.
build_from_proxy() {
  local targets=() tool
  for tool in "${TOOLS[@]}"; do targets+=("$MODULE/cmd/$tool@$FABRIC_COMMIT"); done
  log "building Fabric $FABRIC_VERSION ($FABRIC_COMMIT) from the Go module proxy"
  GOBIN="$BIN_DIR" GOFLAGS='' go install -ldflags "$LDFLAGS" "${targets[@]}" \
    || die "go install failed: the module proxy did not serve $MODULE@$FABRIC_COMMIT; with Fabric $FABRIC_VERSION installed otherwise, set FABRIC_BIN_DIR and FABRIC_CONFIG_DIR"
}

use_installed() {
  local tool
  log "using the Fabric binaries in $FABRIC_BIN_DIR"
  for tool in "${TOOLS[@]}"; do
    [ -x "$FABRIC_BIN_DIR/$tool" ] || die "FABRIC_BIN_DIR=$FABRIC_BIN_DIR has no $tool"
    ln -sf "$FABRIC_BIN_DIR/$tool" "$BIN_DIR/$tool"
  done
}

install_binaries() {
  if binaries_current; then
    log "Fabric $FABRIC_VERSION binaries already in $BIN_DIR"
    return
  fi
  log "using $(go version | awk '{print $3}'); a cold build takes a few minutes"
  mkdir -p "$BIN_DIR"
  if [ -n "${FABRIC_BIN_DIR:-}" ]; then use_installed; else build_from_proxy; fi
  binaries_current || die "the binaries in $BIN_DIR do not report version $FABRIC_VERSION"
}

sampleconfig_dir() {
  if [ -n "${FABRIC_CONFIG_DIR:-}" ]; then
    echo "$FABRIC_CONFIG_DIR"
  else
    GOFLAGS='' go mod download -json "$MODULE@$FABRIC_COMMIT" \
      | awk -F'"' '/"Dir":/ {print $4 "/sampleconfig"}'
  fi
}

install_config() {
  if [ -f "$CONFIG_DIR/core.yaml" ] && [ -f "$CONFIG_DIR/orderer.yaml" ] \
    && grep -q '^    endpoint: ""$' "$CONFIG_DIR/core.yaml"; then
    log "core.yaml and orderer.yaml already in $CONFIG_DIR"
    return
  fi
  local src
  src="$(sampleconfig_dir)"
  [ -f "$src/core.yaml" ] || die "no sampleconfig/core.yaml found (looked in '$src')"
  mkdir -p "$CONFIG_DIR"
  cp "$src/core.yaml" "$src/orderer.yaml" "$CONFIG_DIR/"
  chmod u+w "$CONFIG_DIR/core.yaml" "$CONFIG_DIR/orderer.yaml"
  # No Docker: an empty vm.endpoint keeps the peer from dialing the Docker
  # daemon (an empty CORE_VM_ENDPOINT env var is ignored by the peer).
  sed -i 's|^\(    endpoint:\) unix:///var/run/docker.sock$|\1 ""|' "$CONFIG_DIR/core.yaml"
  grep -q '^    endpoint: ""$' "$CONFIG_DIR/core.yaml" \
    || die "could not blank vm.endpoint in $CONFIG_DIR/core.yaml"
  log "stock core.yaml and orderer.yaml copied to $CONFIG_DIR (vm.endpoint blanked)"
}

install_binaries
install_config
log "installed in $BIN_DIR:"
for tool in "${TOOLS[@]}"; do
  printf '  %-12s %s\n' "$tool" "$(installed_version "$tool")"
done
