/**
 * LedgerBackend over @hyperledger/fabric-gateway for one authority: one gRPC
 * connection to its own peer (the peer's Gateway service endorses on the
 * organisations a write names, orders, and reports the commit), a Gateway
 * per wallet identity signing with node:crypto (low S; `hash.none`, since
 * signLowS hashes the message itself), blocks through qscc and block events.
 *
 * Availability: keepalive pings find a dead connection within seconds, the
 * reconnect backoff is capped at a few seconds, and a call that finds the
 * peer unreachable drops the connection (PeerLink) so the next one dials a
 * new one: the gateway answers again as soon as its peer is back.
 */
import * as grpc from '@grpc/grpc-js';
import { connect, hash, type Gateway, type Network, type Transaction } from '@hyperledger/fabric-gateway';
import { CommitError, ConnectError, type ContractEvent, EvaluateError, type LedgerBackend, LedgerError, SubmitError, type SubmitRequest, type SubmitResult, type TransactionRequest, type WalletIdentity } from '../backend';
import { validationCodeName } from '../../fabric-format/validation-codes';
import { contractEventsOf } from '../block-view';
import { QsccLedger } from './qscc-ledger';
import { readerIdentity, type FabricBackendConfig } from './config';
import { messageOf, refusalError } from './errors';
import { FABRIC_CHAINCODE_POLICY, peerOf, type FabricPeer } from './material';
import { endorsementPlanner, type EndorsementPlanner } from '../endorsement-plan';
import { PEER_CHANNEL_OPTIONS, PeerLink, noEndorsersError } from './peer-link';
import { Qscc } from './qscc';
import { lowSSigner } from './signer';

const DEADLINE_MS = 30_000;
const deadline = (ms = DEADLINE_MS) => () => ({ deadline: Date.now() + ms });


function dial(peer: FabricPeer): grpc.Client {
  return new grpc.Client(peer.address, grpc.credentials.createSsl(Buffer.from(peer.tlsCaPem)), {
    'grpc.ssl_target_name_override': peer.hostName,
    'grpc.default_authority': peer.hostName,
    ...PEER_CHANNEL_OPTIONS,
  });
}

export class FabricGatewayBackend extends QsccLedger implements LedgerBackend {
  readonly kind = 'fabric-gateway' as const;
  readonly mspId: string;
  private client: grpc.Client;
  private readonly link: PeerLink;
  private readonly planner: EndorsementPlanner;
  private readonly gateways = new Map<string, Gateway>();
  protected readonly qscc: Qscc;
  protected readonly chaincode: string;
  private readonly channel: string;
  private readonly commitTimeoutMs: number;

  constructor(private readonly config: FabricBackendConfig) {
    super();
    this.mspId = config.mspId;
    this.chaincode = config.material.chaincode;
    this.channel = config.material.channel;
    this.commitTimeoutMs = config.commitTimeoutMs ?? 60_000;
    const own = peerOf(config.material, config.mspId);
    this.client = dial(own);
    this.planner = endorsementPlanner(config.material.peers.map((p) => p.mspId), FABRIC_CHAINCODE_POLICY);
    this.link = new PeerLink(this.mspId, own, () => {
      this.closeGateways();
      this.client.close();
      this.client = dial(own);
    });
    this.qscc = new Qscc(
      (fn, args) => this.link.run(() => this.network(readerIdentity(this.config)).getContract('qscc').evaluateTransaction(fn, ...args)),
      this.channel,
    );
  }

  private network(identity: WalletIdentity): Network {
    if (identity.mspId !== this.mspId) {
      throw new ConnectError(`identity of ${identity.mspId} cannot use the peer of ${this.mspId}`, undefined);
    }
    const key = `${identity.label}\n${identity.certificatePem}`;
    let gateway = this.gateways.get(key);
    if (!gateway) {
      const sign = lowSSigner(identity.privateKeyPem);
      gateway = connect({
        client: this.client,
        identity: { mspId: identity.mspId, credentials: Buffer.from(identity.certificatePem) },
        signer: (message) => Promise.resolve(sign(message)),
        hash: hash.none,
        evaluateOptions: deadline(),
        endorseOptions: deadline(),
        submitOptions: deadline(),
        commitStatusOptions: deadline(this.commitTimeoutMs),
      });
      this.gateways.set(key, gateway);
    }
    return gateway.getNetwork(this.channel);
  }

  async evaluate(request: TransactionRequest): Promise<Buffer> {
    const contract = this.network(request.identity).getContract(this.chaincode, request.contract);
    try {
      return Buffer.from(
        await this.link.run(() =>
          contract.evaluate(request.fn, { arguments: request.args, ...(request.transient ? { transientData: request.transient } : {}) }),
        ),
      );
    } catch (err) {
      throw refusalError('evaluate', err, undefined, this.mspId);
    }
  }

  /** Endorses on each plan's organisations in turn (endorsement-plan.ts) until one set endorses. */
  private endorse(request: SubmitRequest): Promise<{ transaction: Transaction; transactionId: string }> {
    const contract = this.network(request.identity).getContract(this.chaincode, request.contract);
    return this.planner.inTurn(
      this.mspId,
      request,
      async (orgs) => {
        const proposal = contract.newProposal(request.fn, {
          arguments: request.args,
          ...(request.transient ? { transientData: request.transient } : {}),
          endorsingOrganizations: orgs,
        });
        const transactionId = proposal.getTransactionId();
        request.onTransactionId?.(transactionId);
        try {
          return { transaction: await this.link.run(() => proposal.endorse()), transactionId };
        } catch (err) {
          throw refusalError('endorse', err, transactionId, this.mspId);
        }
      },
      noEndorsersError,
    );
  }

  async submit(request: SubmitRequest): Promise<SubmitResult> {
    const { transaction, transactionId } = await this.endorse(request);
    let commit;
    try {
      // once sent, the transaction may be ordered even if the peer then goes away: its outcome is unknown
      commit = await this.link.run(() => transaction.submit(), transactionId);
    } catch (err) {
      if (err instanceof LedgerError) {
        throw err;
      }
      throw new SubmitError(`ordering failed: ${messageOf(err)}`, transactionId, { cause: err });
    }
    let status;
    try {
      status = await this.link.run(() => commit.getStatus(), transactionId);
    } catch (err) {
      if (err instanceof LedgerError) {
        throw err;
      }
      throw new CommitError(`no commit status of ${transactionId}: ${messageOf(err)}`, transactionId, { cause: err });
    }
    const code = validationCodeName(status.code);
    if (code !== 'VALID') {
      throw new CommitError(`transaction ${code}`, transactionId, { validationCode: code });
    }
    return { transactionId, blockNumber: Number(status.blockNumber), payload: Buffer.from(transaction.getResult()) };
  }

  /** Block events from `fromBlock`; returns once every block that existed at the call has been delivered. */
  async onContractEvents(fromBlock: number, listener: (event: ContractEvent) => void): Promise<() => void> {
    const network = this.network(readerIdentity(this.config));
    const height = await this.blockHeight();
    const blocks = await network.getBlockEvents({ startBlock: BigInt(fromBlock) });
    let caughtUp: () => void = () => undefined;
    let failed: (err: unknown) => void = () => undefined;
    const reached = new Promise<void>((resolve, reject) => {
      caughtUp = resolve;
      failed = reject;
    });
    if (fromBlock >= height) {
      caughtUp();
    }
    let stopped = false;
    void (async () => {
      try {
        for await (const block of blocks) {
          const bytes = block.serializeBinary();
          const events = contractEventsOf(bytes, this.chaincode);
          events.forEach((e) => listener(e));
          const n = Number(block.getHeader()?.getNumber() ?? 0);
          if (n >= height - 1) {
            caughtUp();
          }
        }
      } catch (err) {
        if (!stopped) {
          failed(err);
        }
      }
    })();
    let timer: NodeJS.Timeout | undefined;
    try {
      await Promise.race([
        reached,
        new Promise<never>((_, reject) => {
          timer = setTimeout(
            () => reject(new EvaluateError(`events up to block ${height - 1} not delivered within ${this.commitTimeoutMs} ms`, undefined)),
            this.commitTimeoutMs,
          );
        }),
      ]);
    } catch (err) {
      stopped = true;
      blocks.close();
      throw err instanceof LedgerError ? err : new EvaluateError(`block events failed: ${messageOf(err)}`, undefined, { cause: err });
    } finally {
      clearTimeout(timer);
    }
    return () => {
      stopped = true;
      blocks.close();
    };
  }

  private closeGateways(): void {
    for (const g of this.gateways.values()) {
      g.close();
    }
    this.gateways.clear();
  }

  close(): Promise<void> {
    this.closeGateways();
    this.client.close();
    return Promise.resolve();
  }
}
