/**
 * CLI commands that drive one authority's gateway API: lodge from a JSON
 * file, get, status, share, history, list, agreements, verify.
 */
import { readFile } from 'node:fs/promises';
import type { Command } from 'commander';
import { parseJsonBytes } from 'customs-ledger-chaincode/domain';
import { ApiClient } from '../main/api-client';
import { lodgementBody, parseSignedDeclaration } from '../trader';

export interface CliIo {
  print(value: unknown): void;
  /** the process's exit code when the command ends: 1 for a mismatch */
  exitCode(code: number): void;
}

interface GlobalOptions {
  url: string;
  token?: string;
}

async function readJson(path: string): Promise<unknown> {
  return parseJsonBytes(await readFile(path), path);
}

const list = (value: string): string[] => value.split(',').map((s) => s.trim()).filter((s) => s !== '');

/** What `trader sign` writes, or a lodge body as the API takes it. */
function lodgeBody(file: unknown): unknown {
  return typeof file === 'object' && file !== null && 'signature' in file && 'trader' in file ? lodgementBody(parseSignedDeclaration(file)) : file;
}

export function registerGatewayCommands(program: Command, io: CliIo): void {
  const client = (): ApiClient => {
    const o = program.opts<GlobalOptions>();
    return new ApiClient(o.url, o.token);
  };
  const run =
    <A extends unknown[]>(fn: (...args: A) => Promise<unknown>) =>
    async (...args: A): Promise<void> => {
      io.print(await fn(...args));
    };
  const enc = encodeURIComponent;

  program
    .command('lodge <file>')
    .description('lodge a declaration: a JSON file {declaration, salts?, trader?} or one made by `trader sign`')
    .action(run(async (file: string) => client().post('/api/v1/consignments', lodgeBody(await readJson(file)))));
  program
    .command('get <ucr>')
    .description('a consignment record with the private fields this authority holds')
    .action(run((ucr: string) => client().get(`/api/v1/consignments/${enc(ucr)}`)));
  program
    .command('history <ucr>')
    .description('every committed version of a record')
    .action(run((ucr: string) => client().get(`/api/v1/consignments/${enc(ucr)}/history`)));
  program
    .command('status <ucr> <status>')
    .description('move a record to risk-assessed, held, released or seized')
    .requiredOption('--reason <text>', 'why, recorded on the ledger')
    .action(run((ucr: string, status: string, o: { reason: string }) => client().post(`/api/v1/consignments/${enc(ucr)}/status`, { status, reason: o.reason })));
  program
    .command('share <ucr>')
    .description('share a record\'s fields with a partner authority under an agreement')
    .requiredOption('--to <msp>', 'recipient authority (MSP id)')
    .requiredOption('--agreement <id>', 'agreement id')
    .requiredOption('--purpose <purpose>', 'e.g. risk-assessment')
    .option('--categories <list>', 'comma-separated data categories (default: the agreement\'s)', list)
    .action(
      run((ucr: string, o: { to: string; agreement: string; purpose: string; categories?: string[] }) =>
        client().post(`/api/v1/consignments/${enc(ucr)}/shares`, {
          recipient: o.to,
          agreementId: o.agreement,
          purpose: o.purpose,
          ...(o.categories ? { categories: o.categories } : {}),
        }),
      ),
    );
  program
    .command('list')
    .description('records by status, office or day, a page at a time')
    .requiredOption('--by <index>', 'status, office or day')
    .requiredOption('--value <value>', 'e.g. held, NLRTM or 2026-11-28')
    .option('--page-size <n>', 'records per page', '50')
    .option('--bookmark <cursor>', 'the bookmark of the previous page', '')
    .action(
      run((o: { by: string; value: string; pageSize: string; bookmark: string }) =>
        client().get(`/api/v1/consignments?${new URLSearchParams({ by: o.by, value: o.value, pageSize: o.pageSize, ...(o.bookmark ? { bookmark: o.bookmark } : {}) }).toString()}`),
      ),
    );
  program
    .command('verify <file>')
    .description('check that a declaration document (JSON) is exactly the one on the ledger (no token needed)')
    .action(
      run(async (file: string) => {
        const doc = await readJson(file);
        const body = typeof doc === 'object' && doc !== null && 'declaration' in doc ? doc : { declaration: doc };
        const { declaration, salts } = body as { declaration: unknown; salts?: unknown };
        const result = await client().post<{ match?: unknown }>('/api/v1/verify', { declaration, ...(salts ? { salts } : {}) });
        if (result.match !== true) {
          io.exitCode(1);
        }
        return result;
      }),
    );

  const agreements = program.command('agreements').description('data-sharing agreements');
  agreements
    .command('list')
    .option('--party <msp>', 'only agreements naming this authority')
    .option('--status <status>', 'proposed, pending, active, suspended, terminated or expired')
    .action(
      run((o: { party?: string; status?: string }) =>
        client().get(`/api/v1/agreements?${new URLSearchParams({ ...(o.party ? { party: o.party } : {}), ...(o.status ? { status: o.status } : {}) }).toString()}`),
      ),
    );
  agreements.command('get <id>').action(run((id: string) => client().get(`/api/v1/agreements/${enc(id)}`)));
  agreements
    .command('propose <file>')
    .description('propose the agreement in a JSON file (admin token)')
    .action(run(async (file: string) => client().post('/api/v1/agreements', await readJson(file))));
  agreements.command('accept <id>').action(run((id: string) => client().post(`/api/v1/agreements/${enc(id)}/accept`)));
  for (const action of ['suspend', 'resume', 'terminate'] as const) {
    agreements
      .command(`${action} <id>`)
      .requiredOption('--reason <text>', 'why, recorded on the ledger')
      .action(run((id: string, o: { reason: string }) => client().post(`/api/v1/agreements/${enc(id)}/${action}`, { reason: o.reason })));
  }
  agreements.command('activity <id>').description('shares, access requests and purges under an agreement').action(run((id: string) => client().get(`/api/v1/agreements/${enc(id)}/activity`)));
}
