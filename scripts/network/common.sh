# shellcheck shell=bash disable=SC2034 # variables are used by the scripts that source this
# Shared settings for scripts/network.sh and its helpers. Sourced, not run.
# network/members.json is the single list of member authorities; everything
# per member (MSP id, domain, ports) is read from it here.

ROOT="$(cd "$(dirname "${BASH_SOURCE[0]}")/../.." && pwd)"
# shellcheck source=network/fabric-version.conf source-path=SCRIPTDIR/../..
. "$ROOT/network/fabric-version.conf"

MEMBERS_JSON="$ROOT/network/members.json"
FABRIC_BIN="$ROOT/.fabric/bin"
FABRIC_STOCK_CONFIG="$ROOT/.fabric/config"   # stock core.yaml / orderer.yaml
NET="$ROOT/.fabric/network"                  # everything `up` generates
CRYPTO="$NET/crypto"
BUILDERS="$ROOT/network/builders"
HOST=127.0.0.1
PATH="$FABRIC_BIN:$PATH"
export PATH

log() { echo "network: $*"; }
die() { echo "network: error: $*" >&2; exit 1; }

# members.json field of the whole document, e.g. `json_get channel`.
json_get() {
  node -e 'const m = require(process.argv[1]);
    const v = process.argv[2].split(".").reduce((o, k) => o[k], m);
    process.stdout.write(String(v));' "$MEMBERS_JSON" "$1"
}

# One line per member: mspId domain peerPort chaincodePort operationsPort
members() {
  node -e 'for (const m of require(process.argv[1]).members)
    console.log([m.mspId, m.domain, m.peerPort, m.chaincodePort, m.operationsPort].join(" "));' "$MEMBERS_JSON"
}

CHANNEL="$(json_get channel)"
ORDERER_MSP="$(json_get orderer.mspId)"
ORDERER_DOMAIN="$(json_get orderer.domain)"
ORDERER_PORT="$(json_get orderer.port)"
ORDERER_ADMIN_PORT="$(json_get orderer.adminPort)"
ORDERER_OPS_PORT="$(json_get orderer.operationsPort)"
ORDERER_ADDR="$HOST:$ORDERER_PORT"
ORDERER_TLS_DIR="$CRYPTO/ordererOrganizations/$ORDERER_DOMAIN/orderers/orderer.$ORDERER_DOMAIN/tls"
ORDERER_CA="$ORDERER_TLS_DIR/ca.crt"

# Sets the variables about one member: `member_vars NLCustomsMSP`.
member_vars() {
  local line
  line="$(members | awk -v msp="$1" '$1 == msp')"
  [ -n "$line" ] || die "no member $1 in $MEMBERS_JSON"
  read -r MSP DOMAIN PEER_PORT CC_PORT OPS_PORT <<<"$line"
  PEER_NAME="peer0.$DOMAIN"
  PEER_ADDR="$HOST:$PEER_PORT"
  ORG_DIR="$CRYPTO/peerOrganizations/$DOMAIN"
  PEER_TLS_CA="$ORG_DIR/peers/$PEER_NAME/tls/ca.crt"
}

# Environment for the `peer` CLI acting as a member's Admin against its peer:
# `as_admin NLCustomsMSP peer channel list`.
as_admin() {
  local msp="$1"; shift
  member_vars "$msp"
  FABRIC_CFG_PATH="$FABRIC_STOCK_CONFIG" \
  FABRIC_LOGGING_SPEC=warning \
  CORE_PEER_LOCALMSPID="$MSP" \
  CORE_PEER_MSPCONFIGPATH="$ORG_DIR/users/Admin@$DOMAIN/msp" \
  CORE_PEER_ADDRESS="$PEER_ADDR" \
  CORE_PEER_TLS_ENABLED=true \
  CORE_PEER_TLS_ROOTCERT_FILE="$PEER_TLS_CA" \
    "$@"
}

# Polls until a command succeeds: `wait_for "what" 30 cmd args...` (seconds).
wait_for() {
  local what="$1" timeout="$2" start=$SECONDS
  shift 2
  until "$@" >/dev/null 2>&1; do
    (( SECONDS - start < timeout )) || die "timed out after ${timeout}s waiting for $what"
    sleep 0.2
  done
}
