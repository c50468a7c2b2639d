/**
 * `audit …` commands: replay (with a checkpoint, from/to, and a state
 * comparison), state-at and agreement. Blocks come from a Fabric peer's
 * ledger folder, an embedded peer's store (read from a copy) or a gateway
 * over HTTP (audit/block-location.ts); progress goes to stderr. A location
 * that holds no ledger is an error (exit 2); findings exit 1.
 */
import type { Command } from 'commander';
import {
  agreementReport,
  formatAgreementReport,
  formatFindings,
  replay,
  stateAt,
  type ReplayProgress,
} from '../audit';
import type { OpenedBlocks } from '../audit/block-location';
import type { RefusedWrite } from '../audit/ledger-replay';

export interface AuditIo {
  stdout(text: string): void;
  stderr(text: string): void;
  /** the process's exit code when the command ends: 1 findings or a mismatch */
  exitCode(code: number): void;
  /** opens the blocks named by --blocks (a ledger folder, a peer store or an http(s) URL); close when done */
  openBlocks(location: string, channel: string | undefined): Promise<OpenedBlocks>;
}

const BLOCKS_HELP =
  "a Fabric peer's or orderer's ledger folder (its blockfile_* files), an embedded peer's store folder, or a gateway URL";
const CHANNEL_HELP = 'the channel, when the ledger folder holds several';

/** The writes the ledger refused (not findings: they changed nothing), one line each. */
function refusedWritesText(refused: readonly RefusedWrite[]): string {
  if (refused.length === 0) {
    return '';
  }
  const lines = refused.map((r) => `  block ${r.block} tx ${r.tx} ${r.txId.slice(0, 12)}… by ${r.creator}, endorsed by ${r.endorsedBy.join(' and ') || 'nobody'}: ${r.fn}: ${r.reason}`);
  return `${refused.length} writes the ledger refused (ENDORSEMENT_POLICY_FAILURE), each an attempt to write what its endorsers could not:\n${lines.join('\n')}\n`;
}

/** Printed JSON is for people and scripts; nothing printed here is hashed. */
const show = (value: unknown): string => JSON.stringify(value, null, 2);

const integer = (text: string): number => {
  const n = Number(text);
  if (!Number.isSafeInteger(n) || n < 0) {
    throw new Error(`${text} is not a block number`);
  }
  return n;
};

const workerCount = (text: string): number => {
  const n = Number(text);
  if (!Number.isSafeInteger(n) || n < 0) {
    throw new Error(`${text} is not a number of worker threads`);
  }
  return n;
};

export function registerAuditCommands(program: Command, io: AuditIo): Command {
  const audit = program.command('audit').description('replay and check the whole ledger from its blocks');
  const withBlocks = async <T>(o: { blocks: string; channel?: string }, run: (opened: OpenedBlocks) => Promise<T>): Promise<T> => {
    const opened = await io.openBlocks(o.blocks, o.channel);
    io.stderr(`reading ${opened.description}\n`);
    if (opened.damage !== undefined) {
      io.stderr(`damaged: ${opened.damage}\n`);
    }
    try {
      return await run(opened);
    } finally {
      await opened.close();
    }
  };
  const progress = (p: ReplayProgress): void => {
    if (p.block % 100 === 0 || p.block === p.height - 1) {
      io.stderr(`block ${p.block + 1}/${p.height}, ${p.transactions} transactions\n`);
    }
  };

  audit
    .command('replay')
    .description('replay blocks, re-derive validation codes and re-check every rule')
    .requiredOption('--blocks <location>', BLOCKS_HELP)
    .option('--channel <name>', CHANNEL_HELP)
    .option('--from <n>', 'first block whose findings are reported', integer)
    .option('--to <n>', 'last block', integer)
    .option('--checkpoint <dir>', 'LevelDB folder to continue from and update')
    .option('--workers <n>', 'worker threads for the signature checks, 0 for none (default: one per core but one, at least 1)', workerCount)
    .option('--json', 'print the report as JSON')
    .action(async (o: { blocks: string; channel?: string; from?: number; to?: number; checkpoint?: string; workers?: number; json?: boolean }) => {
      const report = await withBlocks(o, ({ source, state }) =>
        replay({
          source,
          // a store's own state is compared with the replay's when the replay reaches its top
          ...(state && o.to === undefined ? { compareWith: state } : {}),
          onProgress: progress,
          ...(o.from !== undefined ? { from: o.from } : {}),
          ...(o.to !== undefined ? { to: o.to } : {}),
          ...(o.checkpoint ? { checkpoint: o.checkpoint } : {}),
          ...(o.workers !== undefined ? { workers: o.workers } : {}),
        }),
      );
      io.stdout(
        o.json
          ? `${show(report)}\n`
          : `Blocks ${report.fromBlock}..${report.toBlock} of ${report.height}, ${report.transactions} transactions (${report.validTransactions} valid), head ${report.headHash}\n${formatFindings(report.findings)}\n${refusedWritesText(report.refusedWrites)}`,
      );
      if (report.findings.length > 0) {
        io.exitCode(1);
      }
    });

  audit
    .command('state-at <block>')
    .description('the world state after a block, rebuilt from the blocks alone')
    .requiredOption('--blocks <location>', BLOCKS_HELP)
    .option('--channel <name>', CHANNEL_HELP)
    .option('--type <objectType>', 'only keys of this composite-key object type, e.g. consignment')
    .action(async (block: string, o: { blocks: string; channel?: string; type?: string }) => {
      const snapshot = await withBlocks(o, ({ source }) => stateAt({ source, ...(o.type ? { objectType: o.type } : {}) }, integer(block)));
      io.stdout(`${show(snapshot)}\n`);
    });

  audit
    .command('agreement <id>')
    .description('shares, access requests and purges under an agreement')
    .requiredOption('--blocks <location>', BLOCKS_HELP)
    .option('--channel <name>', CHANNEL_HELP)
    .option('--checkpoint <dir>', 'LevelDB folder to continue from and update')
    .option('--json', 'print JSON instead of a table')
    .action(async (id: string, o: { blocks: string; channel?: string; checkpoint?: string; json?: boolean }) => {
      const report = await withBlocks(o, ({ source }) => agreementReport({ source, ...(o.checkpoint ? { checkpoint: o.checkpoint } : {}) }, id));
      io.stdout(`${o.json ? show(report) : formatAgreementReport(report)}\n`);
    });
  return audit;
}
