#!/usr/bin/env bash
# A Fabric network of the member authorities in network/members.json, run as
# plain processes on 127.0.0.1 (no Docker): one Raft orderer with TLS, one
# peer per member, one channel. Generated material lives in .fabric/network.
#
#   scripts/network.sh up       crypto + genesis block when missing, start
#                               the nodes, join the channel, wait for gossip
#   scripts/network.sh deploy   package, install, approve and commit the Node
#                               chaincode in $CHAINCODE_DIR (default chaincode/)
#   scripts/network.sh status   what runs
#   scripts/network.sh down     stop what `up` (and the peers' chaincode) started
#   scripts/network.sh clean    down, then remove .fabric/network
#   scripts/network.sh stop|start|restart NODE
#                               one node of a network that was brought up:
#                               `orderer` or `peer-<MSP>` (as `status` names
#                               them; `<MSP>` alone means its peer). A peer
#                               is stopped with the chaincode it started.
#                               Logs are appended to, never truncated.
#   scripts/network.sh install-variant MSP DIR
#                               install a (built) chaincode directory on MSP's
#                               peer only and approve the committed definition
#                               with it for MSP, as any member may do
set -eu
HERE="$(dirname "${BASH_SOURCE[0]}")"
# shellcheck source-path=SCRIPTDIR
. "$HERE/network/common.sh"
# shellcheck source-path=SCRIPTDIR
. "$HERE/network/nodes.sh"
# shellcheck source-path=SCRIPTDIR
. "$HERE/network/deploy.sh"

node_names() {
  echo orderer
  members | while read -r msp _; do echo "peer-$msp"; done
}

generate() {
  render_out="$NET/config"
  "$HERE/network/render-config.sh" "$render_out"
  if [ ! -d "$CRYPTO" ]; then
    log "generating crypto material (cryptogen)"
    cryptogen generate --config "$render_out/crypto-config.yaml" --output "$CRYPTO" >/dev/null
  fi
  if [ ! -f "$NET/$CHANNEL.block" ]; then
    log "generating the genesis block of channel $CHANNEL (configtxgen)"
    FABRIC_CFG_PATH="$render_out" configtxgen -profile CustomsChannel -channelID "$CHANNEL" \
      -outputBlock "$NET/$CHANNEL.block" 2>"$NET/configtxgen.log" \
      || die "configtxgen failed, see $NET/configtxgen.log"
  fi
}

join_orderer() {
  # osnadmin exits 0 whatever the HTTP status; it prints "Status: NNN".
  if osnadmin channel list -o "$HOST:$ORDERER_ADMIN_PORT" --channelID "$CHANNEL" | grep -q '^Status: 200'; then
    return
  fi
  log "joining the orderer to $CHANNEL"
  osnadmin channel join -o "$HOST:$ORDERER_ADMIN_PORT" --channelID "$CHANNEL" \
    --config-block "$NET/$CHANNEL.block" >"$NET/osnadmin-join.log" 2>&1
  grep -q '^Status: 201' "$NET/osnadmin-join.log" || die "osnadmin channel join failed, see $NET/osnadmin-join.log"
}

join_peer() {
  if as_admin "$1" peer channel list 2>/dev/null | grep -qx "$CHANNEL"; then
    return
  fi
  log "joining the peer of $1 to $CHANNEL"
  as_admin "$1" peer channel join -b "$NET/$CHANNEL.block"
}

peer_knows_all() { [ "$(peers_known "$1")" -ge "$2" ] 2>/dev/null; }

# Every peer must know the peers of all other members before private data can
# be sent to them.
gossip_ready() {
  local want="$1" msp
  for msp in $(members | awk '{print $1}'); do
    member_vars "$msp"
    [ "$(peers_known "$HOST:$OPS_PORT")" -ge "$want" ] 2>/dev/null || return 1
  done
}

up() {
  [ -x "$FABRIC_BIN/peer" ] || die "no Fabric binaries in $FABRIC_BIN; run scripts/install-fabric.sh"
  [ -f "$FABRIC_STOCK_CONFIG/core.yaml" ] || die "no $FABRIC_STOCK_CONFIG/core.yaml; run scripts/install-fabric.sh"
  local name up=0 total=0 start=$SECONDS msp others
  for name in $(node_names); do
    total=$((total + 1))
    if node_running "$name"; then up=$((up + 1)); fi
  done
  if (( up == total )); then log "the network is already running"; status; return; fi
  (( up == 0 )) || die "the network runs only in part ($up of $total nodes); run scripts/network.sh down first"

  generate
  log "starting the orderer and $((total - 1)) peers"
  start_orderer
  for msp in $(members | awk '{print $1}'); do start_peer "$msp"; done
  wait_for "the orderer (see $NET/orderer.log)" 60 healthy "$HOST:$ORDERER_OPS_PORT"
  for msp in $(members | awk '{print $1}'); do
    member_vars "$msp"
    wait_for "the peer of $msp (see $NET/peer-$msp.log)" 60 healthy "$HOST:$OPS_PORT"
  done
  join_orderer
  for msp in $(members | awk '{print $1}'); do join_peer "$msp"; done
  others=$(( $(members | wc -l) - 1 ))
  log "waiting for gossip: every peer to know the $others other member peers"
  wait_for "cross-member gossip on $CHANNEL" 90 gossip_ready "$others"
  log "up in $((SECONDS - start)) s: channel $CHANNEL, orderer $ORDERER_ADDR"
}

down() {
  local f name
  for f in "$NET"/chaincode-pids/*.pid; do
    [ -f "$f" ] || continue
    name="$(basename "$f" .pid)"
    PIDS="$NET/chaincode-pids" stop "$name"
  done
  for name in $(node_names | tac); do stop "$name"; done
}

clean() {
  down
  rm -rf "$NET"
  log "removed $NET"
}

rss_mb() { awk '/^VmRSS:/ {printf "%d MB", $2 / 1024}' "/proc/$1/status" 2>/dev/null; }

status() {
  local name pid bin f any=0
  for name in $(node_names); do
    if node_running "$name"; then
      read -r pid bin <"$PIDS/$name.pid"
      printf '  %-18s running  pid %-7s %s\n' "$name" "$pid" "$(rss_mb "$pid")"
      any=1
    else
      printf '  %-18s stopped\n' "$name"
    fi
  done
  for f in "$NET"/chaincode-pids/*.pid; do
    [ -f "$f" ] || continue
    read -r pid bin <"$f"
    running "$pid" "$bin" || continue
    printf '  %-18s running  pid %-7s %s\n' "cc $(basename "$f" .pid)" "$pid" "$(rss_mb "$pid")"
  done
  (( any )) || return 0
  local msp
  for msp in $(members | awk '{print $1}'); do
    node_running "peer-$msp" || continue
    member_vars "$msp"
    printf '  %-18s height %s, knows %s other peers, chaincode: %s\n' "$msp" \
      "$(as_admin "$msp" peer channel getinfo -c "$CHANNEL" 2>/dev/null | sed -n 's/.*"height":\([0-9]*\).*/\1/p')" \
      "$(peers_known "$HOST:$OPS_PORT")" \
      "$(as_admin "$msp" peer lifecycle chaincode querycommitted -C "$CHANNEL" 2>/dev/null \
          | sed -n 's/^Name: \([^,]*\), Version: \([^,]*\), Sequence: \([0-9]*\).*/\1 v\2 seq \3/p' | paste -sd' ')"
  done
}

# node_arg NAME: the node name `status` uses, for `orderer`, `peer-<MSP>` or `<MSP>`.
node_arg() {
  local want="$1" name
  case "$want" in orderer|peer-*) ;; *) want="peer-$want" ;; esac
  for name in $(node_names); do
    if [ "$name" = "$want" ]; then echo "$name"; return; fi
  done
  die "no node '$1'; the nodes are: $(node_names | paste -sd' ')"
}

# Stops a peer's chaincode processes, recorded by the node builder as <MSP>-<name>.pid.
stop_chaincode_of() {
  local f
  for f in "$NET"/chaincode-pids/"$1"-*.pid; do
    [ -f "$f" ] || continue
    PIDS="$NET/chaincode-pids" stop "$(basename "$f" .pid)"
  done
}

stop_node() {
  local name
  name="$(node_arg "$1")"
  if ! node_running "$name"; then log "$name is not running"; fi
  stop "$name"
  [ "$name" = orderer ] || stop_chaincode_of "${name#peer-}"
}

start_node() {
  local name
  name="$(node_arg "$1")"
  [ -d "$CRYPTO" ] && [ -f "$NET/$CHANNEL.block" ] || die "no network generated yet; run scripts/network.sh up"
  if node_running "$name"; then log "$name is already running"; return; fi
  if [ "$name" = orderer ]; then
    start_orderer
    wait_for "the orderer (see $NET/orderer.log)" 60 healthy "$HOST:$ORDERER_OPS_PORT"
  else
    stop_chaincode_of "${name#peer-}"
    start_peer "${name#peer-}"
    wait_for "the peer of $MSP (see $NET/$name.log)" 60 healthy "$HOST:$OPS_PORT"
    # private data reaches other members only once gossip knows them again
    wait_for "gossip of $MSP with the other members" 60 peer_knows_all "$HOST:$OPS_PORT" "$(( $(members | wc -l) - 1 ))"
  fi
  log "started $name (pid $(cut -d' ' -f1 <"$PIDS/$name.pid"))"
}

node_command() {
  [ -n "${2:-}" ] || die "usage: $0 $1 NODE (one of: $(node_names | paste -sd' '))"
  case "$1" in
    stop) stop_node "$2" ;;
    start) start_node "$2" ;;
    restart) stop_node "$2"; start_node "$2" ;;
  esac
}

case "${1:-}" in
  up|down|clean|status|deploy) "$1" ;;
  stop|start|restart) node_command "$1" "${2:-}" ;;
  install-variant) install_variant "${2:-}" "${3:-}" ;;
  *) echo "usage: $0 up|down|clean|status|deploy | stop|start|restart NODE | install-variant MSP DIR" >&2; exit 2 ;;
esac
