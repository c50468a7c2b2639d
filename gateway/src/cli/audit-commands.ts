/**
 * `audit …` commands: replay (with a checkpoint, from/to, and a state
 * comparison), state-at and agreement. Blocks come from a peer's LevelDB
 * (a stopped peer or a copy) or over HTTP; progress goes to stderr.
 */
import type { Command } from 'commander';
import {
  agreementReport,
  formatAgreementReport,
  formatFindings,
  replay,
  stateAt,
  type BlockSource,
  type ReplayProgress,
} from '../audit';

export interface AuditIo {
  stdout(text: string): void;
  stderr(text: string): void;
  /** opens the blocks named by --blocks (a peer store folder or an http(s) URL); close when done */
  openBlocks(location: string): Promise<{ source: BlockSource; close(): Promise<void> }>;
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
  const withBlocks = async <T>(location: string, run: (source: BlockSource) => Promise<T>): Promise<T> => {
    const opened = await io.openBlocks(location);
    try {
      return await run(opened.source);
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
    .requiredOption('--blocks <location>', 'peer store folder or blocks URL')
    .option('--from <n>', 'first block whose findings are reported', integer)
    .option('--to <n>', 'last block', integer)
    .option('--checkpoint <dir>', 'LevelDB folder to continue from and update')
    .option('--workers <n>', 'worker threads for the signature checks, 0 for none (default: one per core but one, at least 1)', workerCount)
    .option('--json', 'print the report as JSON')
    .action(async (o: { blocks: string; from?: number; to?: number; checkpoint?: string; workers?: number; json?: boolean }) => {
      const report = await withBlocks(o.blocks, (source) =>
        replay({
          source,
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
          : `Blocks ${report.fromBlock}..${report.toBlock} of ${report.height}, ${report.transactions} transactions (${report.validTransactions} valid), head ${report.headHash}\n${formatFindings(report.findings)}\n`,
      );
      if (report.findings.length > 0) {
        process.exitCode = 1;
      }
    });

  audit
    .command('state-at <block>')
    .description('the world state after a block, rebuilt from the blocks alone')
    .requiredOption('--blocks <location>', 'peer store folder or blocks URL')
    .option('--type <objectType>', 'only keys of this composite-key object type, e.g. consignment')
    .action(async (block: string, o: { blocks: string; type?: string }) => {
      const snapshot = await withBlocks(o.blocks, (source) => stateAt({ source, ...(o.type ? { objectType: o.type } : {}) }, integer(block)));
      io.stdout(`${show(snapshot)}\n`);
    });

  audit
    .command('agreement <id>')
    .description('shares, access requests and purges under an agreement')
    .requiredOption('--blocks <location>', 'peer store folder or blocks URL')
    .option('--checkpoint <dir>', 'LevelDB folder to continue from and update')
    .option('--json', 'print JSON instead of a table')
    .action(async (id: string, o: { blocks: string; checkpoint?: string; json?: boolean }) => {
      const report = await withBlocks(o.blocks, (source) => agreementReport({ source, ...(o.checkpoint ? { checkpoint: o.checkpoint } : {}) }, id));
      io.stdout(`${o.json ? show(report) : formatAgreementReport(report)}\n`);
    });
  return audit;
}
