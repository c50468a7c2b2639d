# shellcheck shell=bash
# One function per node: the env overrides on top of the stock orderer.yaml
# and core.yaml (in .fabric/config), then the process in the background in a
# process group of its own, so `down` stops it and the chaincode it started.
# Sourced by scripts/network.sh after common.sh.

PIDS="$NET/pids"

# spawn NAME LOGFILE COMMAND...: starts COMMAND in its own session; the pid
# (= process group id) goes to $PIDS/NAME.pid. The log is appended to, so a
# restarted node keeps the log of its earlier runs.
spawn() {
  local name="$1" logfile="$2"
  shift 2
  mkdir -p "$PIDS"
  echo "=== $name started $(date -u +%Y-%m-%dT%H:%M:%SZ)" >>"$logfile"
  setsid "$@" >>"$logfile" 2>&1 </dev/null &
  echo "$! $1" >"$PIDS/$name.pid"
}

start_orderer() {
  local dir="$NET/orderer" org="$CRYPTO/ordererOrganizations/$ORDERER_DOMAIN/orderers/orderer.$ORDERER_DOMAIN"
  mkdir -p "$dir"
  FABRIC_CFG_PATH="$FABRIC_STOCK_CONFIG" \
  FABRIC_LOGGING_SPEC=info \
  ORDERER_GENERAL_LISTENADDRESS="$HOST" \
  ORDERER_GENERAL_LISTENPORT="$ORDERER_PORT" \
  ORDERER_GENERAL_LOCALMSPID="$ORDERER_MSP" \
  ORDERER_GENERAL_LOCALMSPDIR="$org/msp" \
  ORDERER_GENERAL_TLS_ENABLED=true \
  ORDERER_GENERAL_TLS_PRIVATEKEY="$org/tls/server.key" \
  ORDERER_GENERAL_TLS_CERTIFICATE="$org/tls/server.crt" \
  ORDERER_GENERAL_TLS_ROOTCAS="[$org/tls/ca.crt]" \
  ORDERER_GENERAL_BOOTSTRAPMETHOD=none \
  ORDERER_CHANNELPARTICIPATION_ENABLED=true \
  ORDERER_FILELEDGER_LOCATION="$dir/ledger" \
  ORDERER_CONSENSUS_WALDIR="$dir/etcdraft/wal" \
  ORDERER_CONSENSUS_SNAPDIR="$dir/etcdraft/snapshot" \
  ORDERER_ADMIN_LISTENADDRESS="$HOST:$ORDERER_ADMIN_PORT" \
  ORDERER_OPERATIONS_LISTENADDRESS="$HOST:$ORDERER_OPS_PORT" \
    spawn orderer "$NET/orderer.log" "$FABRIC_BIN/orderer"
}

# start_peer MSP: the member's peer0, its own gossip bootstrap and external
# endpoint (the anchor peer in the channel config makes the other members
# find it). Reconnecting every 2 s (not 25 s) brings cross-member gossip up
# within seconds of the channel join. Private data of invalid transactions is
# not pulled at commit: otherwise a rejected write into an implicit collection
# stalls the holder's commits for pullRetryThreshold (60 s), as no other peer
# has it. Reconciliation (pulling missing private data from other peers of a
# collection, every minute) is off: each member runs one peer and its data
# lives only in its own implicit collection, so no other peer could ever
# supply it, and every attempt logged "Empty membership" as an error. A
# member that runs several peers turns it back on for them. Clients may ping
# every 5 s (Fabric's default minimum is 60 s), so a gateway finds a dead
# connection to its peer within seconds.
start_peer() {
  member_vars "$1"
  local dir="$NET/peers/$PEER_NAME" tls="$ORG_DIR/peers/$PEER_NAME/tls"
  mkdir -p "$dir" "$NET/chaincode-pids"
  FABRIC_CFG_PATH="$FABRIC_STOCK_CONFIG" \
  FABRIC_LOGGING_SPEC=info \
  CORE_PEER_ID="$PEER_NAME" \
  CORE_PEER_LOCALMSPID="$MSP" \
  CORE_PEER_MSPCONFIGPATH="$ORG_DIR/peers/$PEER_NAME/msp" \
  CORE_PEER_TLS_ENABLED=true \
  CORE_PEER_TLS_CERT_FILE="$tls/server.crt" \
  CORE_PEER_TLS_KEY_FILE="$tls/server.key" \
  CORE_PEER_TLS_ROOTCERT_FILE="$tls/ca.crt" \
  CORE_PEER_LISTENADDRESS="$PEER_ADDR" \
  CORE_PEER_ADDRESS="$PEER_ADDR" \
  CORE_PEER_CHAINCODELISTENADDRESS="$HOST:$CC_PORT" \
  CORE_PEER_CHAINCODEADDRESS="$HOST:$CC_PORT" \
  CORE_PEER_GOSSIP_BOOTSTRAP="$PEER_ADDR" \
  CORE_PEER_GOSSIP_EXTERNALENDPOINT="$PEER_ADDR" \
  CORE_PEER_GOSSIP_RECONNECTINTERVAL=2s \
  CORE_PEER_GOSSIP_PVTDATA_SKIPPULLINGINVALIDTRANSACTIONSDURINGCOMMIT=true \
  CORE_PEER_KEEPALIVE_MININTERVAL=5s \
  CORE_PEER_GOSSIP_PVTDATA_RECONCILIATIONENABLED=false \
  CORE_PEER_FILESYSTEMPATH="$dir/data" \
  CORE_LEDGER_SNAPSHOTS_ROOTDIR="$dir/snapshots" \
  CORE_OPERATIONS_LISTENADDRESS="$HOST:$OPS_PORT" \
  CORE_METRICS_PROVIDER=prometheus \
  CORE_CHAINCODE_EXTERNALBUILDERS="[{name: node, path: $BUILDERS/node, propagateEnvironment: [HOME, CUSTOMS_CC_PIDDIR]}]" \
  CUSTOMS_CC_PIDDIR="$NET/chaincode-pids" \
    spawn "peer-$MSP" "$NET/peer-$MSP.log" "$FABRIC_BIN/peer" node start
}

# stop NAME: TERM to the node's process group, KILL after 10 s. Only a pid
# that still runs the binary recorded at start is signalled.
stop() {
  local name="$1" file="$PIDS/$1.pid" pid bin waited=0
  [ -f "$file" ] || return 0
  read -r pid bin <"$file"
  if running "$pid" "$bin"; then
    kill -TERM -- "-$pid" 2>/dev/null || true
    while running "$pid" "$bin" && (( waited < 50 )); do sleep 0.2; waited=$((waited + 1)); done
    if running "$pid" "$bin"; then kill -KILL -- "-$pid" 2>/dev/null || true; fi
    log "stopped $name (pid $pid)"
  fi
  rm -f "$file"
}

# running PID BINARY: true while PID is alive and runs BINARY.
running() {
  [ -r "/proc/$1/cmdline" ] && [ "$(tr '\0' '\n' </proc/"$1"/cmdline | head -n1)" = "$2" ]
}

# node_running NAME: true if the node recorded as NAME runs.
node_running() {
  local pid bin
  [ -f "$PIDS/$1.pid" ] || return 1
  read -r pid bin <"$PIDS/$1.pid"
  running "$pid" "$bin"
}

healthy() { curl -fsS "http://$1/healthz" >/dev/null 2>&1; }

# Number of peers of other members this peer knows on the channel (gossip).
peers_known() {
  curl -fsS "http://$1/metrics" 2>/dev/null \
    | awk -v ch="channel=\"$CHANNEL\"" '/^gossip_membership_total_peers_known/ && index($0, ch) {print $2}'
}
