/**
 * LedgerBackend over the embedded network, for one authority: proposals go
 * to its own peer (and to the peers of the other organisations a write
 * needs), the endorsed transaction goes to the orderer, and the call returns
 * when its own peer has committed the block.
 */
import { type BlockInfo, CommitError, ConnectError, type ContractEvent, EndorseError, EvaluateError, type LedgerBackend, ledgerError, SubmitError, type SubmitRequest, type SubmitResult, type TransactionRequest, type TransactionStatus } from '../backend';
import { blockInfoOf, contractEventsOf } from '../block-view';
import { buildEnvelope } from '../../fabric-format/envelope';
import { buildProposal, type BuiltProposal } from '../../fabric-format/proposal';
import type { ChannelPeer, EmbeddedChannel } from './channel';
import { endorsementPlanner, type EndorsementPlanner } from '../endorsement-plan';
import { EndorsementRefused, type CommittedBlockEvent, type ProposalResult } from './peer';

export interface EmbeddedBackendOptions {
  /** how long a submit waits for its commit (ms) */
  commitTimeoutMs?: number;
}

export class EmbeddedBackend implements LedgerBackend {
  readonly kind = 'embedded' as const;
  private readonly peer: ChannelPeer;
  private readonly commitTimeoutMs: number;
  private readonly planner: EndorsementPlanner;

  constructor(
    private readonly network: EmbeddedChannel,
    readonly mspId: string,
    options: EmbeddedBackendOptions = {},
  ) {
    this.peer = network.peer(mspId);
    this.commitTimeoutMs = options.commitTimeoutMs ?? 30_000;
    this.planner = endorsementPlanner(network.members, network.chaincode.endorsementPolicy);
  }

  private proposal(request: TransactionRequest): BuiltProposal {
    if (request.identity.mspId !== this.mspId) {
      throw new ConnectError(`identity of ${request.identity.mspId} cannot use the peer of ${this.mspId}`, undefined);
    }
    return buildProposal({
      channelId: this.network.channelId,
      chaincode: this.network.chaincode.name,
      args: [`${request.contract}:${request.fn}`, ...request.args],
      ...(request.transient ? { transient: request.transient } : {}),
      signer: request.identity,
    });
  }

  private async propose(peer: ChannelPeer, proposal: BuiltProposal, endorse: boolean, stage: 'endorse' | 'evaluate'): Promise<ProposalResult> {
    let result: ProposalResult;
    try {
      result = await peer.processProposal(proposal.signedProposal, endorse);
    } catch (err) {
      const message = err instanceof EndorsementRefused ? err.message : `peer of ${peer.mspId} failed: ${(err as Error).message}`;
      throw ledgerError(stage, message, proposal.transactionId, { cause: err });
    }
    if (result.status !== 200) {
      const refused = ledgerError(stage, result.message, proposal.transactionId, { chaincodeMessage: result.message });
      throw refused.refusal === undefined ? refused : ledgerError(stage, refused.refusal.message, proposal.transactionId, refused.details);
    }
    return result;
  }

  async evaluate(request: TransactionRequest): Promise<Buffer> {
    const proposal = this.proposal(request);
    return (await this.propose(this.peer, proposal, false, 'evaluate')).payload;
  }

  /** Endorses on each plan's peers in turn (endorsement-plan.ts) until one set endorses. */
  private endorse(request: SubmitRequest): Promise<{ proposal: BuiltProposal; responses: ProposalResult[] }> {
    return this.planner.inTurn(this.mspId, request, async (orgs) => {
      const proposal = this.proposal(request);
      request.onTransactionId?.(proposal.transactionId);
      const responses: ProposalResult[] = [];
      for (const org of orgs) {
        let peer: ChannelPeer;
        try {
          peer = this.network.peer(org);
        } catch {
          throw new EndorseError(`no peer of ${org} to endorse`, proposal.transactionId);
        }
        responses.push(await this.propose(peer, proposal, true, 'endorse'));
      }
      return { proposal, responses };
    });
  }

  async submit(request: SubmitRequest): Promise<SubmitResult> {
    const { proposal, responses } = await this.endorse(request);
    const first = responses[0]!;
    const prp = Buffer.from(first.proposalResponsePayload!);
    if (responses.some((r) => !prp.equals(Buffer.from(r.proposalResponsePayload!)))) {
      throw new EndorseError('endorsing peers returned different results', proposal.transactionId);
    }
    // Private data goes to the collection members' transient stores, never to the orderer.
    await this.network.distributePrivateData(proposal.transactionId, first.privateSets ?? []);
    const envelope = buildEnvelope(proposal, prp, responses.map((r) => r.endorsement!), request.identity);
    const committed = this.waitForCommit(proposal.transactionId);
    try {
      await this.network.broadcast(envelope);
    } catch (err) {
      committed.cancel();
      throw new SubmitError(`ordering failed: ${(err as Error).message}`, proposal.transactionId, { cause: err });
    }
    const status = await committed.promise;
    if (status.validationCode !== 'VALID') {
      throw new CommitError(`transaction ${status.validationCode}`, proposal.transactionId, {
        validationCode: status.validationCode,
      });
    }
    return { transactionId: proposal.transactionId, blockNumber: status.blockNumber, payload: first.payload };
  }

  private waitForCommit(transactionId: string): { promise: Promise<TransactionStatus>; cancel: () => void } {
    let cancel = (): void => undefined;
    const promise = new Promise<TransactionStatus>((resolve, reject) => {
      const onBlock = (event: CommittedBlockEvent): void => {
        const tx = event.transactions.find((t) => t.transactionId === transactionId);
        if (tx) {
          cleanup();
          resolve({ transactionId, blockNumber: event.number, validationCode: tx.code });
        }
      };
      const timer = setTimeout(() => {
        cleanup();
        reject(new CommitError(`no commit of ${transactionId} within ${this.commitTimeoutMs} ms`, transactionId));
      }, this.commitTimeoutMs);
      const cleanup = (): void => {
        clearTimeout(timer);
        this.peer.off('block', onBlock);
      };
      cancel = cleanup;
      this.peer.on('block', onBlock);
    });
    return { promise, cancel: () => cancel() };
  }

  async transactionStatus(transactionId: string): Promise<TransactionStatus | undefined> {
    const location = await this.peer.txLocation(transactionId);
    return location ? { transactionId, blockNumber: location.block, validationCode: location.code } : undefined;
  }

  async blockHeight(): Promise<number> {
    try {
      return await this.peer.blockHeight();
    } catch (err) {
      throw new ConnectError(`peer of ${this.mspId}: ${(err as Error).message}`, undefined, { cause: err });
    }
  }

  async blockBytes(blockNumber: number): Promise<Uint8Array> {
    const bytes = await this.peer.block(blockNumber);
    if (!bytes) {
      throw new EvaluateError(`block ${blockNumber} does not exist (height ${this.peer.height})`, undefined);
    }
    return bytes;
  }

  async blockInfo(blockNumber: number): Promise<BlockInfo> {
    return blockInfoOf(await this.blockBytes(blockNumber), this.network.chaincode.name);
  }

  async onContractEvents(fromBlock: number, listener: (event: ContractEvent) => void): Promise<() => void> {
    const live: CommittedBlockEvent[] = [];
    let replaying = true;
    let next = fromBlock;
    const deliver = (event: CommittedBlockEvent): void => {
      if (event.number < next) {
        return;
      }
      next = event.number + 1;
      for (const tx of event.transactions) {
        if (tx.code === 'VALID' && tx.event) {
          listener({ blockNumber: event.number, transactionId: tx.transactionId, name: tx.event.name, payload: Buffer.from(tx.event.payload) });
        }
      }
    };
    const onBlock = (event: CommittedBlockEvent): void => {
      if (replaying) {
        live.push(event);
      } else {
        deliver(event);
      }
    };
    this.peer.on('block', onBlock);
    const height = this.peer.height;
    for (let n = fromBlock; n < height; n++) {
      contractEventsOf(await this.blockBytes(n), this.network.chaincode.name).forEach(listener);
      next = n + 1;
    }
    replaying = false;
    live.splice(0).forEach(deliver);
    return () => {
      this.peer.off('block', onBlock);
    };
  }

  close(): Promise<void> {
    return Promise.resolve();
  }
}
