/**
 * The thread a WorkerNetwork runs the embedded channel in: the orderer and
 * every peer with its LevelDB and the chaincode, answering the calls of the
 * gateways' thread and telling it of every block each peer commits.
 */
import { parentPort, workerData } from 'node:worker_threads';
import type * as NetworkModule from './network';
import type { EmbeddedNetwork } from './network';
import type { CommittedBlockEvent, EndorsementRefused } from './peer';
import type { ChannelDescription, ChannelHeights, WorkerAnswers, WorkerCall, WorkerMessage, WorkerRequest, WorkerStart } from './worker-protocol';

const port = parentPort;
if (!port) {
  throw new Error('network-worker.js runs only as a worker thread');
}
const post = (message: WorkerMessage): void => port.postMessage(message);

const heightsOf = (network: EmbeddedNetwork): ChannelHeights => ({
  orderer: network.orderer.height,
  peers: Object.fromEntries(network.allPeers().map((p) => [p.mspId, p.height])),
});

async function answer(network: EmbeddedNetwork, call: WorkerCall): Promise<WorkerAnswers[WorkerCall['op']]> {
  switch (call.op) {
    case 'propose':
      return network.peer(call.mspId).processProposal(call.signedProposal, call.endorse);
    case 'privateData':
      return network.distributePrivateData(call.transactionId, call.sets);
    case 'broadcast':
      return network.broadcast(call.envelope);
    case 'txLocation':
      return network.peer(call.mspId).txLocation(call.transactionId);
    case 'block':
      return network.peer(call.mspId).block(call.n);
    case 'heights':
      return heightsOf(network);
    case 'settled':
      return network.settled();
    case 'close':
      return network.close();
  }
}

async function main(): Promise<void> {
  // fabric-contract-api logs every decorator when the contracts load: quiet it before they do.
  process.env.CORE_CHAINCODE_LOGGING_LEVEL ??= 'critical';
  /* eslint-disable @typescript-eslint/no-require-imports */
  const { EmbeddedNetwork } = require('./network') as typeof NetworkModule;
  const { EndorsementRefused: Refused } = require('./peer') as { EndorsementRefused: typeof EndorsementRefused };
  /* eslint-enable @typescript-eslint/no-require-imports */
  const { config } = workerData as WorkerStart;
  let network: EmbeddedNetwork;
  try {
    network = await EmbeddedNetwork.start(config);
  } catch (err) {
    post({ kind: 'startFailed', message: err instanceof Error ? err.message : String(err) });
    port!.close();
    return;
  }
  for (const peer of network.allPeers()) {
    peer.on('block', (event: CommittedBlockEvent) => post({ kind: 'block', mspId: peer.mspId, event }));
    peer.on('missingPrivateData', (detail: unknown) => post({ kind: 'peerEvent', mspId: peer.mspId, name: 'missingPrivateData', detail }));
    peer.on('error', (err: unknown) =>
      post({ kind: 'peerEvent', mspId: peer.mspId, name: 'error', detail: { message: err instanceof Error ? err.message : String(err) } }),
    );
  }
  port!.on('message', (request: WorkerRequest) => {
    answer(network, request).then(
      (value) => {
        post({ kind: 'answer', id: request.id, value });
        if (request.op === 'close') {
          port!.close();
        }
      },
      (err: unknown) =>
        post({
          kind: 'failure',
          id: request.id,
          failure: { message: err instanceof Error ? err.message : String(err), refused: err instanceof Refused },
        }),
    );
  });
  const members = network.members;
  const channel: ChannelDescription = {
    channelId: network.channelId,
    chaincode: network.chaincode,
    members,
    wallets: Object.fromEntries(members.map((m) => [m, network.wallet(m)])),
    rootCertificates: Object.fromEntries(members.map((m) => [m, network.rootCertificate(m)])),
    heights: heightsOf(network),
  };
  post({ kind: 'ready', channel });
}

void main();
