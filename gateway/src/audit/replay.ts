/**
 * The auditor's entry points: replay the ledger (optionally continuing from
 * a checkpoint, optionally comparing with a peer's state), rebuild the state
 * at a block, and report what happened under one agreement.
 */
import { mkdtemp, rm } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import type { BlockSource } from './block-source';
import type { Finding } from './finding';
import { LedgerReplayer, type ReplayProgress, type RunSummary } from './ledger-replay';
import { ReplayState } from './replay-state';
import { inlineChecker, type SignatureChecker } from './signature-checks';
import { defaultWorkerCount, workerChecker } from './signature-workers';
import { checkIndexes } from './index-check';
import { compareWithPeer, type PeerStateView } from './state-comparison';

export const DEFAULT_CHAINCODE = 'customs-ledger';

export interface ReplayOptions {
  source: BlockSource;
  /** first block whose findings are reported (earlier blocks are still replayed into the state) */
  from?: number;
  /** last block, inclusive (default: the newest) */
  to?: number;
  /**
   * A LevelDB folder holding the rebuilt state and the position reached:
   * created when missing, continued from when present. Without it, the
   * state lives in a temporary folder removed afterwards.
   */
  checkpoint?: string;
  /** compare the rebuilt state with a peer's when the replay reaches the top */
  compareWith?: PeerStateView;
  chaincode?: string;
  expectedGenesisHash?: string;
  onProgress?: (p: ReplayProgress) => void;
  /**
   * Worker threads for the signature checks (P-256 of orderers, creators and
   * endorsers; traders' EIP-712): 0 checks everything on the calling thread.
   * Default: one per core but one (availableParallelism() - 1), at least 1.
   * The findings are the same either way.
   */
  workers?: number;
}

export interface ReplayReport extends RunSummary {
  /** findings of this run, then those of the replayed state (its index entries, and the comparison with a peer's) */
  findings: Finding[];
  /** every finding the checkpoint holds, this run's included */
  totalFindings: number;
}

/** An open replayed state, for queries; close() releases (and, when temporary, removes) it. */
export interface OpenReplay {
  replayer: LedgerReplayer;
  state: ReplayState;
  close(): Promise<void>;
}

/** The number of worker threads a replay uses for `workers` (default: defaultWorkerCount()). */
function workerCount(workers: number | undefined): number {
  const count = workers ?? defaultWorkerCount();
  if (!Number.isSafeInteger(count) || count < 0) {
    throw new RangeError(`workers must be a whole number from 0, not ${count}`);
  }
  return count;
}

export async function openReplay(source: BlockSource, checkpoint?: string, options: { workers?: number } = {}): Promise<OpenReplay> {
  const workers = workerCount(options.workers);
  const dir = checkpoint ?? (await mkdtemp(join(tmpdir(), 'customs-audit-')));
  let state: ReplayState;
  try {
    state = await ReplayState.open(dir);
  } catch (err) {
    if (checkpoint === undefined) {
      await rm(dir, { recursive: true, force: true });
    }
    throw err;
  }
  const checker: SignatureChecker = workers === 0 ? inlineChecker() : workerChecker(workers);
  return {
    replayer: new LedgerReplayer(source, state, checker),
    state,
    close: async () => {
      checker.close();
      await state.close();
      if (checkpoint === undefined) {
        await rm(dir, { recursive: true, force: true });
      }
    },
  };
}

export async function replay(options: ReplayOptions): Promise<ReplayReport> {
  const open = await openReplay(options.source, options.checkpoint, options.workers !== undefined ? { workers: options.workers } : {});
  try {
    const summary = await open.replayer.run({
      chaincode: options.chaincode ?? DEFAULT_CHAINCODE,
      ...(options.to !== undefined ? { to: options.to } : {}),
      ...(options.from !== undefined ? { reportFrom: options.from } : {}),
      ...(options.expectedGenesisHash !== undefined ? { expectedGenesisHash: options.expectedGenesisHash } : {}),
      ...(options.onProgress ? { onProgress: options.onProgress } : {}),
    });
    const findings = [...summary.findings, ...(await checkIndexes(open.state))];
    if (options.compareWith && summary.toBlock === summary.height - 1) {
      findings.push(...(await compareWithPeer(open.state, options.compareWith)));
    }
    const total = (await open.state.findings()).length + findings.length - summary.findings.length;
    return { ...summary, findings, totalFindings: total };
  } finally {
    await open.close();
  }
}
