#!/usr/bin/env bash
# The parity suites (test/dist/parity/*.parity.js), each in a Node process
# of its own: once a process has loaded the Fabric clients, whose
# @hyperledger/fabric-protos 0.3 classes take over the global namespace the
# embedded ledger's 0.2 classes share (gateway/src/ledger/index.ts), it can
# no longer run the embedded ledger. Each suite runs its embedded part first.
#
# When Fabric's binaries are installed and no network runs, one network is
# brought up for all the suites and down again at the end; each suite deploys
# the chaincode (a no-op when unchanged). Without Fabric each suite says why
# its Fabric part does not run (CUSTOMS_LEDGER_REQUIRE_FABRIC=1 makes that a
# failure).
set -uo pipefail
cd "$(dirname "${BASH_SOURCE[0]}")/.."

started=0
if [ -x .fabric/bin/peer ] && ! bash scripts/network.sh status | grep -q ' running '; then
  echo "parity: bringing the Fabric network up for the suites"
  if bash scripts/network.sh up >/dev/null; then
    started=1
  else
    echo "parity: scripts/network.sh up failed; stopping what it started, each suite tries on its own"
    bash scripts/network.sh down >/dev/null 2>&1
  fi
fi

status=0
for suite in test/dist/parity/*.parity.js; do
  npx mocha --config test/parity/mocharc.json "$suite" || status=1
done

if [ "$started" = 1 ]; then
  bash scripts/network.sh down >/dev/null && echo "parity: brought the Fabric network down again"
fi
exit "$status"
