#!/usr/bin/env bash
# Installs the Hyperledger Fabric binaries (peer, orderer, configtxgen,
# configtxlator, osnadmin, cryptogen) and the Fabric CA binaries
# (fabric-ca-server, fabric-ca-client) into .fabric/bin, and the stock
# core.yaml / orderer.yaml of the same release into .fabric/config. No Docker.
#
# Versions and commits come from network/fabric-version.conf. Three routes,
# tried in this order; the first that applies is used:
#   1. FABRIC_BIN_DIR (and FABRIC_CONFIG_DIR, its sampleconfig folder): binaries
#      already installed on this machine; their version is checked.
#   2. `go install <pkg>@<commit>` from the Go module proxy, where it serves
#      Fabric 2.5 (asked once, with a short deadline); FABRIC_SKIP_PROXY=1
#      skips this route (CI builds from the archives only).
#   3. A build from the source archives in FABRIC_SOURCE_DIR (default
#      ../shared/fabric beside the checkout, when it exists): their SHA256SUMS
#      are checked first; the trees carry vendor/, so the build is offline.
# Idempotent: binaries that already report the wanted version are kept.
set -euo pipefail

ROOT="$(cd "$(dirname "${BASH_SOURCE[0]}")/.." && pwd)"
# shellcheck source=network/fabric-version.conf source-path=SCRIPTDIR/..
source "$ROOT/network/fabric-version.conf"

BIN_DIR="$ROOT/.fabric/bin"
CONFIG_DIR="$ROOT/.fabric/config"
SRC_WORK="$ROOT/.fabric/src"
SOURCE_DIR="${FABRIC_SOURCE_DIR:-}"
if [ -z "$SOURCE_DIR" ] && [ -d "$ROOT/../shared/fabric" ]; then
  SOURCE_DIR="$(cd "$ROOT/../shared/fabric" && pwd)"
fi
PROXY_DEADLINE="${FABRIC_PROXY_DEADLINE:-60}"

MODULE=github.com/hyperledger/fabric
CA_MODULE=github.com/hyperledger/fabric-ca
TOOLS=(peer orderer configtxgen configtxlator osnadmin cryptogen)
CA_TOOLS=(fabric-ca-server fabric-ca-client)
LDFLAGS="-X $MODULE/common/metadata.Version=$FABRIC_VERSION -X $MODULE/common/metadata.CommitSHA=${FABRIC_COMMIT:0:9}"
CA_LDFLAGS="-X $CA_MODULE/lib/metadata.Version=$FABRIC_CA_VERSION"

log() { echo "install-fabric: $*"; }
die() { echo "install-fabric: error: $*" >&2; exit 1; }

command -v go >/dev/null || die "Go is required (https://go.dev/dl/); none found on PATH"

# The version linked into a binary, read from its Go build info (osnadmin
# has no version command). $2 is the metadata package's path.
linked_version() {
  go version -m "$BIN_DIR/$1" 2>/dev/null \
    | sed -n "s|.*$2/metadata\.Version=\([^ \"']*\).*|\1|p" | head -n1
}
fabric_version_of() { linked_version "$1" "$MODULE/common"; }
ca_version_of() { linked_version "$1" "$CA_MODULE/lib"; }

fabric_current() {
  local tool
  for tool in "${TOOLS[@]}"; do
    [ -x "$BIN_DIR/$tool" ] && [ "$(fabric_version_of "$tool")" = "$FABRIC_VERSION" ] || return 1
  done
}
ca_current() {
  local tool
  for tool in "${CA_TOOLS[@]}"; do
    [ -x "$BIN_DIR/$tool" ] && [ "$(ca_version_of "$tool")" = "$FABRIC_CA_VERSION" ] || return 1
  done
}

# Route 1.
use_installed() {
  local tool
  log "using the binaries in FABRIC_BIN_DIR=$FABRIC_BIN_DIR"
  for tool in "${TOOLS[@]}" "${CA_TOOLS[@]}"; do
    [ -x "$FABRIC_BIN_DIR/$tool" ] || die "FABRIC_BIN_DIR=$FABRIC_BIN_DIR has no $tool"
    ln -sf "$FABRIC_BIN_DIR/$tool" "$BIN_DIR/$tool"
  done
}

# Route 2. The module path has no /v2 suffix, so the tag cannot be named; its
# commit is. Every package of one `go install` must share the same version.
install_from_proxy() { # module commit ldflags tools...
  local module="$1" commit="$2" ldflags="$3" targets=() tool
  shift 3
  for tool in "$@"; do targets+=("$module/cmd/$tool@$commit"); done
  GOBIN="$BIN_DIR" GOFLAGS='' timeout "$PROXY_DEADLINE" go install -ldflags "$ldflags" "${targets[@]}"
}

proxy_serves() {
  GOFLAGS='' timeout 20 go mod download -json "$MODULE@$FABRIC_COMMIT" >/dev/null 2>&1
}

# Route 3: tar archive -> .fabric/src/<name> -> go build -mod=vendor, offline.
build_from_archive() { # archive dir-name ldflags tools...
  local archive="$SOURCE_DIR/$1" dir="$SRC_WORK/$2" ldflags="$3" pkgs=() tool
  shift 3
  [ -f "$archive" ] || die "no $archive"
  if [ ! -f "$dir/.extracted" ]; then
    rm -rf "$dir"
    mkdir -p "$SRC_WORK"
    log "extracting $(basename "$archive")"
    tar -xJf "$archive" -C "$SRC_WORK"
    [ -d "$dir" ] || die "$archive did not hold a folder $(basename "$dir")"
    touch "$dir/.extracted"
  fi
  for tool in "$@"; do pkgs+=("./cmd/$tool"); done
  log "building $* from source (offline, vendored dependencies)"
  (cd "$dir" && GOFLAGS=-mod=vendor GOPROXY=off go build -ldflags "$ldflags" -o "$BIN_DIR/" "${pkgs[@]}")
}

check_archives() {
  [ -f "$SOURCE_DIR/SHA256SUMS" ] || die "no SHA256SUMS in $SOURCE_DIR"
  (cd "$SOURCE_DIR" && sha256sum --quiet -c SHA256SUMS) \
    || die "the archives in $SOURCE_DIR do not match their SHA256SUMS"
  log "archives in $SOURCE_DIR match SHA256SUMS"
}

ROUTE=""
install_binaries() {
  if fabric_current && ca_current; then
    log "Fabric $FABRIC_VERSION and Fabric CA $FABRIC_CA_VERSION already in $BIN_DIR"
    ROUTE=installed
    return
  fi
  mkdir -p "$BIN_DIR"
  local start=$SECONDS
  if [ -n "${FABRIC_BIN_DIR:-}" ]; then
    use_installed
    ROUTE=installed
  elif [ "${FABRIC_SKIP_PROXY:-}" != 1 ] && proxy_serves; then
    log "the Go module proxy serves $MODULE@$FABRIC_COMMIT; go install (deadline ${PROXY_DEADLINE}s each)"
    fabric_current || install_from_proxy "$MODULE" "$FABRIC_COMMIT" "$LDFLAGS" "${TOOLS[@]}" \
      || die "go install of Fabric from the proxy failed"
    ca_current || install_from_proxy "$CA_MODULE" "$FABRIC_CA_COMMIT" "$CA_LDFLAGS" "${CA_TOOLS[@]}" \
      || die "go install of Fabric CA from the proxy failed"
    ROUTE=proxy
  elif [ -n "$SOURCE_DIR" ]; then
    log "building from the source archives in $SOURCE_DIR ($(go version | awk '{print $3}'); about 70 s per tree on 2 cores)"
    check_archives
    fabric_current || build_from_archive "fabric-$FABRIC_VERSION.src.tar.xz" "fabric-$FABRIC_VERSION" "$LDFLAGS" "${TOOLS[@]}"
    ca_current || build_from_archive "fabric-ca-$FABRIC_CA_VERSION.src.tar.xz" "fabric-ca-$FABRIC_CA_VERSION" "$CA_LDFLAGS" "${CA_TOOLS[@]}"
    ROUTE=source
  else
    die "the Go module proxy does not serve $MODULE@$FABRIC_COMMIT and no source archives were found; set FABRIC_SOURCE_DIR to a folder with fabric-$FABRIC_VERSION.src.tar.xz and fabric-ca-$FABRIC_CA_VERSION.src.tar.xz, or FABRIC_BIN_DIR to installed binaries"
  fi
  fabric_current || die "the binaries in $BIN_DIR do not report Fabric $FABRIC_VERSION"
  ca_current || die "the binaries in $BIN_DIR do not report Fabric CA $FABRIC_CA_VERSION"
  log "binaries installed in $((SECONDS - start)) s"
}

sampleconfig_dir() {
  if [ -n "${FABRIC_CONFIG_DIR:-}" ]; then
    echo "$FABRIC_CONFIG_DIR"
  elif [ -f "$SRC_WORK/fabric-$FABRIC_VERSION/sampleconfig/core.yaml" ]; then
    echo "$SRC_WORK/fabric-$FABRIC_VERSION/sampleconfig"
  elif [ -n "$SOURCE_DIR" ] && [ -f "$SOURCE_DIR/fabric-$FABRIC_VERSION.src.tar.xz" ]; then
    mkdir -p "$SRC_WORK/sampleconfig"
    tar -xJf "$SOURCE_DIR/fabric-$FABRIC_VERSION.src.tar.xz" -C "$SRC_WORK/sampleconfig" \
      --strip-components=2 "fabric-$FABRIC_VERSION/sampleconfig/core.yaml" "fabric-$FABRIC_VERSION/sampleconfig/orderer.yaml"
    echo "$SRC_WORK/sampleconfig"
  else
    GOFLAGS='' timeout 60 go mod download -json "$MODULE@$FABRIC_COMMIT" \
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
  log "stock core.yaml and orderer.yaml copied to $CONFIG_DIR from $src (vm.endpoint blanked)"
}

install_binaries
install_config
# The extracted trees are only needed to build; the Go build cache keeps rebuilds fast.
[ "$ROUTE" = source ] && rm -rf "$SRC_WORK"
log "installed in $BIN_DIR:"
for tool in "${TOOLS[@]}"; do printf '  %-17s %s\n' "$tool" "$(fabric_version_of "$tool")"; done
for tool in "${CA_TOOLS[@]}"; do printf '  %-17s %s\n' "$tool" "$(ca_version_of "$tool")"; done
