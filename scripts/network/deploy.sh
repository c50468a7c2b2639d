# shellcheck shell=bash
# `scripts/network.sh deploy`: the Fabric chaincode lifecycle for the Node
# chaincode in $CHAINCODE_DIR (default chaincode/), run by the external
# builder in network/builders/node (no Docker). Sourced by scripts/network.sh.
#
# The package bundles production node_modules (no symlinks, no .bin) and is
# built byte for byte the same from the same sources, so its package id is
# stable. The definition's version is a hash of the code, the collection
# config and the policy: a changed one is committed with the next sequence,
# an unchanged one is left alone.

CC_WORK="$NET/chaincode"
COLLECTIONS="$ROOT/network/collections.json"

step() { log "$1 ($((SECONDS - deploy_start)) s)"; }

# Builds the chaincode (`npm run build`, unless CHAINCODE_SKIP_BUILD=1) and
# copies what runs into $CC_WORK/stage: package.json, the lockfile, the
# package.json "files" entries (default: dist), META-INF, and production
# node_modules (`npm ci --omit=dev` with the chaincode's own lockfile, else
# `npm install --omit=dev`, e.g. for a workspace member).
stage_chaincode() {
  local dir="$1" stage="$CC_WORK/stage" deps="$CC_WORK/deps" key entry
  [ -f "$dir/package.json" ] || die "no package.json in $dir (set CHAINCODE_DIR)"
  if [ "${CHAINCODE_SKIP_BUILD:-0}" != 1 ]; then
    (cd "$dir" && npm run build --if-present >"$CC_WORK/build.log" 2>&1) \
      || die "npm run build failed in $dir, see $CC_WORK/build.log"
  fi
  rm -rf "$stage" && mkdir -p "$stage"
  cp "$dir/package.json" "$stage/"
  [ ! -f "$dir/package-lock.json" ] || cp "$dir/package-lock.json" "$stage/"
  for entry in $(node -e 'const p = require(process.argv[1]); console.log((p.files || ["dist"]).join("\n"))' "$dir/package.json") META-INF; do
    [ -e "$dir/$entry" ] || { [ "$entry" = META-INF ] && continue; die "$dir/$entry is missing (run the chaincode build?)"; }
    mkdir -p "$stage/$(dirname "$entry")"
    cp -R "$dir/$entry" "$stage/$entry"
  done

  # Production dependencies, reused while package.json and the lockfile stay the same.
  key="$(cat "$stage/package.json" "$stage/package-lock.json" 2>/dev/null | sha256sum | cut -c1-16)"
  if [ "$(cat "$deps/.key" 2>/dev/null)" != "$key" ]; then
    step "installing production dependencies"
    rm -rf "$deps" && mkdir -p "$deps"
    cp "$stage/package.json" "$deps/"
    [ ! -f "$stage/package-lock.json" ] || cp "$stage/package-lock.json" "$deps/"
    (cd "$deps" && if [ -f package-lock.json ]; then npm ci --omit=dev --ignore-scripts --no-audit --no-fund
       else npm install --omit=dev --ignore-scripts --no-package-lock --no-audit --no-fund; fi) \
      >"$CC_WORK/npm.log" 2>&1 || die "npm could not install the dependencies, see $CC_WORK/npm.log"
    rm -rf "$deps/node_modules/.bin" "$deps/node_modules/.package-lock.json"
    find "$deps/node_modules" -type l -delete
    echo "$key" >"$deps/.key"
  fi
  cp -R "$deps/node_modules" "$stage/"
  [ -z "$(find "$stage" -type l)" ] || die "the chaincode package would contain symlinks"
  [ -d "$stage/node_modules/fabric-shim" ] || die "the chaincode has no fabric-shim dependency"
}

# deterministic_tgz DIR FILE: a gzip'd tar of DIR's content that depends on
# the content only (sorted, no times, no owners).
deterministic_tgz() {
  tar -C "$1" --sort=name --mtime=@0 --owner=0 --group=0 --numeric-owner \
    --format=gnu -cf - . | gzip -n >"$2"
}

# make_package LABEL FILE: the lifecycle package (metadata.json + code.tar.gz).
make_package() {
  local tmp="$CC_WORK/pkg"
  rm -rf "$tmp" && mkdir -p "$tmp/outer"
  deterministic_tgz "$CC_WORK/stage" "$tmp/outer/code.tar.gz"
  printf '{"type":"node","label":"%s"}\n' "$1" >"$tmp/outer/metadata.json"
  tar -C "$tmp/outer" --sort=name --mtime=@0 --owner=0 --group=0 --numeric-owner \
    --format=gnu -cf - metadata.json code.tar.gz | gzip -n >"$2"
}

tree_hash() { (cd "$1" && find . -type f -print0 | LC_ALL=C sort -z | xargs -0 sha256sum | sha256sum | cut -c1-12); }

# Field of the committed definition ("sequence", "version"), empty if none.
committed() {
  as_admin "$FIRST_MSP" peer lifecycle chaincode querycommitted -C "$CHANNEL" -n "$CC_NAME" -O json 2>/dev/null \
    | node -e 'let s = ""; process.stdin.on("data", d => s += d).on("end", () => {
        try { process.stdout.write(String(JSON.parse(s)[process.argv[1]] ?? "")); } catch { } })' "$1"
}

install_on() {
  if as_admin "$1" peer lifecycle chaincode queryinstalled 2>/dev/null | grep -q "Package ID: $PACKAGE_ID,"; then
    return
  fi
  as_admin "$1" peer lifecycle chaincode install "$CC_WORK/$CC_LABEL.tar.gz" 2>"$CC_WORK/install-$1.log" \
    || die "install on the peer of $1 failed, see $CC_WORK/install-$1.log and $NET/peer-$1.log"
}

# Flags that make up the chaincode definition besides name/version/sequence.
definition_flags() {
  if [ -s "$COLLECTIONS" ] && [ "$(node -e 'process.stdout.write(String(require(process.argv[1]).length))' "$COLLECTIONS")" != 0 ]; then
    echo "--collections-config $COLLECTIONS"
  fi
  if [ -n "${CC_SIGNATURE_POLICY:-}" ]; then echo "--signature-policy $CC_SIGNATURE_POLICY"; fi
}

approve_for() {
  # shellcheck disable=SC2046 # definition_flags are separate words
  as_admin "$1" peer lifecycle chaincode approveformyorg -o "$ORDERER_ADDR" --tls --cafile "$ORDERER_CA" \
    -C "$CHANNEL" -n "$CC_NAME" -v "$CC_VERSION" --sequence "$SEQUENCE" --package-id "$PACKAGE_ID" \
    $(definition_flags) 2>"$CC_WORK/approve-$1.log" \
    || die "approval by $1 failed, see $CC_WORK/approve-$1.log"
}

# Members that approved exactly this definition, one per line.
approvals() {
  # shellcheck disable=SC2046
  as_admin "$FIRST_MSP" peer lifecycle chaincode checkcommitreadiness -C "$CHANNEL" -n "$CC_NAME" \
    -v "$CC_VERSION" --sequence "$SEQUENCE" $(definition_flags) -O json 2>/dev/null \
    | node -e 'let s = ""; process.stdin.on("data", d => s += d).on("end", () => {
        for (const [msp, ok] of Object.entries(JSON.parse(s).approvals)) if (ok) console.log(msp); })'
}

commit_ready() { [ "$(approvals | wc -l)" -eq "$(members | wc -l)" ]; }

commit_definition() {
  local targets=() msp
  for msp in $(members | awk '{print $1}'); do
    member_vars "$msp"
    targets+=(--peerAddresses "$PEER_ADDR" --tlsRootCertFiles "$PEER_TLS_CA")
  done
  # shellcheck disable=SC2046
  as_admin "$FIRST_MSP" peer lifecycle chaincode commit -o "$ORDERER_ADDR" --tls --cafile "$ORDERER_CA" \
    -C "$CHANNEL" -n "$CC_NAME" -v "$CC_VERSION" --sequence "$SEQUENCE" $(definition_flags) \
    "${targets[@]}" 2>"$CC_WORK/commit.log" || die "commit failed, see $CC_WORK/commit.log"
}

# The contract API answers GetMetadata once the chaincode runs on the peer.
answers() {
  as_admin "$1" peer chaincode query -C "$CHANNEL" -n "$CC_NAME" \
    -c '{"Args":["org.hyperledger.fabric:GetMetadata"]}'
}

wait_answers() {
  local msp
  for msp in $(members | awk '{print $1}'); do
    wait_for "$CC_NAME to answer on the peer of $msp (see $NET/peer-$msp.log)" 60 answers "$msp"
  done
}

deploy() {
  deploy_start=$SECONDS
  local dir="${CHAINCODE_DIR:-$ROOT/chaincode}" name msp pids=() done_by
  for name in $(node_names); do
    node_running "$name" || die "$name is not running; run scripts/network.sh up first"
  done
  dir="$(cd "$dir" && pwd)" || die "no chaincode directory $dir"
  CC_NAME="${CHAINCODE_NAME:-$(json_get chaincode)}"
  FIRST_MSP="$(members | awk 'NR == 1 {print $1}')"
  mkdir -p "$CC_WORK"

  step "building and staging $dir"
  stage_chaincode "$dir"
  CC_LABEL="${CC_NAME}_$(tree_hash "$CC_WORK/stage")"
  CC_VERSION="$( (echo "$CC_LABEL"; definition_flags; [ ! -s "$COLLECTIONS" ] || cat "$COLLECTIONS") \
    | sha256sum | cut -c1-12)"
  if [ "$(committed version)" = "$CC_VERSION" ]; then
    log "$CC_NAME version $CC_VERSION is already committed (sequence $(committed sequence))"
    wait_answers
    return
  fi
  SEQUENCE=$(( $(committed sequence || true) + 1 ))

  make_package "$CC_LABEL" "$CC_WORK/$CC_LABEL.tar.gz"
  PACKAGE_ID="$(as_admin "$FIRST_MSP" peer lifecycle chaincode calculatepackageid "$CC_WORK/$CC_LABEL.tar.gz")"
  step "installing $PACKAGE_ID on every peer"
  for msp in $(members | awk '{print $1}'); do install_on "$msp" & pids+=($!); done
  for name in "${pids[@]}"; do wait "$name"; done

  step "approving version $CC_VERSION sequence $SEQUENCE for every member"
  pids=()
  done_by="$(approvals)"
  for msp in $(members | awk '{print $1}'); do
    grep -qx "$msp" <<<"$done_by" || { approve_for "$msp" & pids+=($!); }
  done
  for name in "${pids[@]}"; do wait "$name"; done
  wait_for "every member's approval" 30 commit_ready

  step "committing the definition"
  commit_definition
  wait_answers
  step "deployed $CC_NAME version $CC_VERSION sequence $SEQUENCE"
}

# `scripts/network.sh install-variant MSP DIR`: what a member can do on its own
# peer without asking anyone: package the chaincode in DIR (already built),
# install it on MSP's peer only, and approve the committed definition's name,
# version and sequence for MSP with that package. MSP's peer then runs that
# build; the other members are not told. Installing the honest chaincode
# directory the same way puts the member back on it. The rogue-member tests
# use this.
install_variant() {
  deploy_start=$SECONDS
  local msp="$1" dir="$2"
  [ -n "$msp" ] && [ -n "$dir" ] || die "usage: scripts/network.sh install-variant MSP DIR"
  member_vars "$msp"
  dir="$(cd "$dir" && pwd)" || die "no chaincode directory $2"
  CC_NAME="${CHAINCODE_NAME:-$(json_get chaincode)}"
  FIRST_MSP="$msp"
  CC_VERSION="$(committed version)"
  SEQUENCE="$(committed sequence)"
  [ -n "$CC_VERSION" ] || die "no committed definition of $CC_NAME; run scripts/network.sh deploy first"
  mkdir -p "$CC_WORK"
  CHAINCODE_SKIP_BUILD=1 stage_chaincode "$dir"
  CC_LABEL="${CC_NAME}_$(tree_hash "$CC_WORK/stage")"
  make_package "$CC_LABEL" "$CC_WORK/$CC_LABEL.tar.gz"
  PACKAGE_ID="$(as_admin "$msp" peer lifecycle chaincode calculatepackageid "$CC_WORK/$CC_LABEL.tar.gz")"
  step "installing $PACKAGE_ID on the peer of $msp only"
  install_on "$msp"
  step "approving $CC_NAME version $CC_VERSION sequence $SEQUENCE for $msp with it"
  approve_for "$msp"
  wait_for "$CC_NAME to answer on the peer of $msp (see $NET/peer-$msp.log)" 60 answers "$msp"
  step "the peer of $msp runs $PACKAGE_ID"
}
