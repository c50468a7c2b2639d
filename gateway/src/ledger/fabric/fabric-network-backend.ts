/**
 * LedgerBackend over fabric-network 2.2 for one authority: an in-memory
 * wallet of its identities, a connection profile naming only its own peer
 * (discovery, asLocalhost, finds the others and the orderer), endorsement by
 * the organisations a write needs, and blocks, status and height from qscc
 * on its own peer.
 *
 * Signing: fabric-network 2.2 has no signer option, but its wallets take
 * identity providers. Ours is the stock X.509 provider whose users sign
 * with node:crypto, low S (fabric-format/signing.ts), instead of the SDK's
 * crypto suite.
 *
 * Availability: a call that finds the peer unreachable disconnects every
 * Gateway of this backend (PeerLink), so the next call connects afresh
 * instead of reusing endorsers that fabric-common marked as dead. The SDK's
 * own log goes into the gateway's log (fabric-sdk-log.ts).
 */
import { routeSdkLog } from './fabric-sdk-log'; // before fabric-network: see there
import { Gateway, Wallets, type Contract, type Identity, type IdentityProvider, type Network, type Wallet, type X509Identity } from 'fabric-network';
import { CommitError, ConnectError, type ContractEvent, EvaluateError, type LedgerBackend, LedgerError, SubmitError, type SubmitRequest, type SubmitResult, type TransactionRequest, type ValidationCode, type WalletIdentity } from '../backend';
import { contractEventsOf } from '../block-view';
import { QsccLedger } from './qscc-ledger';
import { readerIdentity, type FabricBackendConfig } from './config';
import { chaincodeMessageOf, messageOf, refusalError } from './errors';
import { FABRIC_CHAINCODE_POLICY, connectionProfile, peerOf, type FabricPeer } from './material';
import { endorsementPlanner, type EndorsementPlanner } from '../endorsement-plan';
import { PeerLink, isUnreachable, noEndorsersError } from './peer-link';
import { Qscc } from './qscc';
import { lowSSigner } from './signer';

/** The stock X.509 provider, with users that sign through node:crypto (low S). */
function nodeCryptoProvider(stock: IdentityProvider): IdentityProvider {
  return {
    type: stock.type,
    getCryptoSuite: () => stock.getCryptoSuite(),
    fromJson: (data) => stock.fromJson(data),
    toJson: (identity) => stock.toJson(identity),
    getUserContext: async (identity: Identity, name: string) => {
      const user = await stock.getUserContext(identity, name);
      const sign = lowSSigner((identity as X509Identity).credentials.privateKey);
      const signing = user.getSigningIdentity() as unknown as { sign: (message: Buffer) => Buffer };
      signing.sign = (message: Buffer) => sign(message);
      return user;
    },
  };
}

interface Connection {
  gateway: Gateway;
  network: Network;
}

export class FabricNetworkBackend extends QsccLedger implements LedgerBackend {
  readonly kind = 'fabric-network' as const;
  readonly mspId: string;
  private walletPromise: Promise<Wallet> | undefined;
  private readonly connections = new Map<string, Promise<Connection>>();
  protected readonly qscc: Qscc;
  protected readonly chaincode: string;
  private readonly channel: string;
  private readonly link: PeerLink;
  private readonly planner: EndorsementPlanner;
  private readonly ownPeer: FabricPeer;

  constructor(private readonly config: FabricBackendConfig) {
    super();
    this.mspId = config.mspId;
    this.chaincode = config.material.chaincode;
    this.channel = config.material.channel;
    routeSdkLog(config.logger);
    this.ownPeer = peerOf(config.material, config.mspId);
    this.link = new PeerLink(this.mspId, this.ownPeer, () => this.disconnectAll());
    this.planner = endorsementPlanner(config.material.peers.map((p) => p.mspId), FABRIC_CHAINCODE_POLICY);
    this.qscc = new Qscc(
      (fn, args) =>
        this.link.run(async () => {
          const { network } = await this.connection(readerIdentity(this.config));
          return network.getContract('qscc').evaluateTransaction(fn, ...args);
        }),
      this.channel,
    );
  }

  private wallet(): Promise<Wallet> {
    this.walletPromise ??= (async () => {
      const wallet = await Wallets.newInMemoryWallet();
      const registry = wallet.getProviderRegistry();
      registry.addProvider(nodeCryptoProvider(registry.getProvider('X.509')));
      return wallet;
    })();
    return this.walletPromise;
  }

  private connection(identity: WalletIdentity): Promise<Connection> {
    if (identity.mspId !== this.mspId) {
      throw new ConnectError(`identity of ${identity.mspId} cannot use the peer of ${this.mspId}`, undefined);
    }
    const key = `${identity.label}\n${identity.certificatePem}`;
    let found = this.connections.get(key);
    if (!found) {
      found = (async () => {
        const wallet = await this.wallet();
        const x509: X509Identity = {
          credentials: { certificate: identity.certificatePem, privateKey: identity.privateKeyPem },
          mspId: identity.mspId,
          type: 'X.509',
        };
        await wallet.put(identity.label, x509);
        const gateway = new Gateway();
        try {
          await gateway.connect(connectionProfile(this.config.material, this.mspId), {
            wallet,
            identity: identity.label,
            discovery: { enabled: true, asLocalhost: true },
            eventHandlerOptions: { commitTimeout: Math.ceil((this.config.commitTimeoutMs ?? 60_000) / 1000) },
            queryHandlerOptions: { timeout: 30 },
          });
          return { gateway, network: await gateway.getNetwork(this.channel) };
        } catch (err) {
          gateway.disconnect();
          if (isUnreachable(err, this.ownPeer)) {
            throw err;
          }
          throw new ConnectError(`cannot connect to the peer of ${this.mspId}: ${messageOf(err)}`, undefined, { cause: err });
        }
      })();
      found.catch(() => this.connections.delete(key));
      this.connections.set(key, found);
    }
    return found;
  }

  private async contract(request: TransactionRequest): Promise<{ contract: Contract; network: Network }> {
    const { network } = await this.link.run(() => this.connection(request.identity));
    return { contract: network.getContract(this.chaincode, request.contract), network };
  }

  private disconnectAll(): void {
    const all = [...this.connections.values()];
    this.connections.clear();
    void Promise.allSettled(all).then((settled) => {
      for (const c of settled) {
        if (c.status === 'fulfilled') {
          c.value.gateway.disconnect();
        }
      }
    });
  }

  async evaluate(request: TransactionRequest): Promise<Buffer> {
    const { contract } = await this.contract(request);
    const tx = contract.createTransaction(request.fn);
    if (request.transient) {
      tx.setTransient(toBuffers(request.transient));
    }
    try {
      return await this.link.run(() => tx.evaluate(...request.args));
    } catch (err) {
      throw refusalError('evaluate', err, tx.getTransactionId(), this.mspId);
    }
  }

  /** Submits endorsed by each plan's organisations in turn (endorsement-plan.ts) until one set endorses. */
  async submit(request: SubmitRequest): Promise<SubmitResult> {
    const { contract } = await this.contract(request);
    return this.planner.inTurn(this.mspId, request, (orgs) => this.submitEndorsedBy(contract, request, orgs), (last) => {
      const err = noEndorsersError(last);
      if (err !== last) {
        // discovery's view may be stale (a peer restarted): the next call connects and discovers afresh
        this.disconnectAll();
      }
      return err;
    });
  }

  private async submitEndorsedBy(contract: Contract, request: SubmitRequest, orgs: string[]): Promise<SubmitResult> {
    const tx = contract.createTransaction(request.fn);
    const transactionId = tx.getTransactionId();
    request.onTransactionId?.(transactionId);
    if (request.transient) {
      tx.setTransient(toBuffers(request.transient));
    }
    tx.setEndorsingOrganizations(...orgs);
    let payload: Buffer;
    try {
      payload = await this.link.run(() => tx.submit(...request.args));
    } catch (err) {
      const code = (err as { transactionCode?: unknown }).transactionCode;
      if (typeof code === 'string' && code !== 'VALID') {
        throw new CommitError(`transaction ${code}`, transactionId, { validationCode: code as ValidationCode, cause: err });
      }
      if (/timeout|timed out/i.test(messageOf(err)) && (err as { name?: string }).name === 'TimeoutError') {
        throw new CommitError(`no commit of ${transactionId}: ${messageOf(err)}`, transactionId, { cause: err });
      }
      const raised = err instanceof LedgerError ? err.details.cause : err;
      if (/orderer|broadcast|SERVICE_UNAVAILABLE/i.test(messageOf(raised)) && chaincodeMessageOf(raised) === undefined) {
        throw new SubmitError(`ordering failed: ${messageOf(raised)}`, transactionId, { cause: raised });
      }
      if (wasEndorsed(raised)) {
        // fabric-network adds the endorsements to any error raised after endorsement: the transaction
        // may have been ordered (the commit event stream broke, say), so its outcome is unknown
        throw new CommitError(`no commit status of ${transactionId}: ${messageOf(raised)}`, transactionId, { cause: raised });
      }
      if (err instanceof LedgerError) {
        throw err;
      }
      throw refusalError('endorse', err, transactionId, this.mspId);
    }
    let status;
    try {
      status = await this.qscc.transactionStatus(transactionId);
    } catch (err) {
      // the commit event came, but the block that holds it could not be read back
      throw new CommitError(`no block number for ${transactionId}: ${messageOf(err)}`, transactionId, { cause: err });
    }
    if (!status) {
      throw new CommitError(`the peer of ${this.mspId} reports no commit of ${transactionId}`, transactionId);
    }
    return { transactionId, blockNumber: status.blockNumber, payload };
  }

  /**
   * A full-block listener from `fromBlock`; each block's events are read from
   * the block bytes by the same decoder as blockInfo. Returns once every block
   * that existed at the call has been delivered, as the embedded backend does.
   */
  async onContractEvents(fromBlock: number, listener: (event: ContractEvent) => void): Promise<() => void> {
    const { network } = await this.connection(readerIdentity(this.config));
    const height = await this.blockHeight();
    let caughtUp: () => void = () => undefined;
    const reached = new Promise<void>((resolve) => {
      caughtUp = resolve;
    });
    if (fromBlock >= height) {
      caughtUp();
    }
    let next = fromBlock;
    const blockListener = async (event: { blockNumber: { toNumber(): number } }): Promise<void> => {
      const n = event.blockNumber.toNumber();
      if (n < next) {
        return;
      }
      next = n + 1;
      // the listener's decoded block lacks the raw bytes: take them from qscc
      for (const e of contractEventsOf(await this.qscc.blockBytes(n), this.chaincode)) {
        listener(e);
      }
      if (n >= height - 1) {
        caughtUp();
      }
    };
    await network.addBlockListener(blockListener, { startBlock: fromBlock, type: 'full' });
    const timeout = this.config.commitTimeoutMs ?? 60_000;
    let timer: NodeJS.Timeout | undefined;
    try {
      await Promise.race([
        reached,
        new Promise<never>((_, reject) => {
          timer = setTimeout(() => reject(new EvaluateError(`events up to block ${height - 1} not delivered within ${timeout} ms`, undefined)), timeout);
        }),
      ]);
    } catch (err) {
      network.removeBlockListener(blockListener);
      throw err;
    } finally {
      clearTimeout(timer);
    }
    return () => network.removeBlockListener(blockListener);
  }

  async close(): Promise<void> {
    const all = [...this.connections.values()];
    this.connections.clear();
    for (const c of await Promise.allSettled(all)) {
      if (c.status === 'fulfilled') {
        c.value.gateway.disconnect();
      }
    }
  }
}

/** Whether fabric-network raised `err` after a successful endorsement (it then carries the responses). */
function wasEndorsed(err: unknown): boolean {
  const responses = (err as { responses?: unknown } | null)?.responses;
  return Array.isArray(responses) && responses.length > 0 && !/^No valid responses from any peers/.test(messageOf(err));
}

function toBuffers(transient: Record<string, Uint8Array>): Record<string, Buffer> {
  return Object.fromEntries(Object.entries(transient).map(([k, v]) => [k, Buffer.from(v)]));
}
