#!/usr/bin/env node
/**
 * customs-ledger: the command line of officers, admins, traders and
 * auditors. Gateway commands need --url and --token (or CUSTOMS_LEDGER_URL
 * and CUSTOMS_LEDGER_TOKEN).
 */
import '../main/quiet-chaincode-logs';
import { readFile, writeFile } from 'node:fs/promises';
import { Command } from 'commander';
import { decodeUtf8 } from 'customs-ledger-chaincode/domain';
import { blockSources } from '../audit/block-source';
import { openBlockLocation } from '../audit/block-location';
import { ApiError } from '../main/api-client';
import { registerAuditCommands, type AuditIo } from './audit-commands';
import { registerGatewayCommands, type CliIo } from './gateway-commands';
import { registerTraderCommands, type TraderIo } from './trader-commands';

export type ProgramIo = CliIo & Omit<TraderIo, 'blocks' | 'records'> & Partial<Pick<AuditIo, 'openBlocks'>>;

const rawBlocksUrl = (gateway: string): string => `${gateway.replace(/\/$/, '')}/api/v1/audit/raw-blocks`;

export function buildProgram(io: ProgramIo): Command {
  const program = new Command('customs-ledger')
    .description('Permissioned customs ledger: lodge, share, verify and audit consignment records')
    .option('--url <url>', 'gateway URL (CUSTOMS_LEDGER_URL)', process.env.CUSTOMS_LEDGER_URL ?? 'http://127.0.0.1:3001')
    .option('--token <token>', 'bearer token (CUSTOMS_LEDGER_TOKEN)', process.env.CUSTOMS_LEDGER_TOKEN)
    .enablePositionalOptions()
    .showHelpAfterError();
  registerGatewayCommands(program, io);
  registerTraderCommands(program, {
    ...io,
    blocks: (gateway, token) => blockSources.http(rawBlocksUrl(gateway), token ? { token } : {}),
  });
  registerAuditCommands(program, {
    stdout: io.stdout,
    stderr: io.stderr,
    openBlocks:
      io.openBlocks ??
      ((location, channel) => {
        const token = program.opts<{ token?: string }>().token;
        return openBlockLocation(location, { ...(token ? { token } : {}), ...(channel !== undefined ? { channel } : {}) });
      }),
  });
  return program;
}

export const processIo: ProgramIo = {
  print: (value) => process.stdout.write(`${typeof value === 'string' ? value : JSON.stringify(value, null, 2)}\n`),
  stdout: (text) => process.stdout.write(text),
  stderr: (text) => process.stderr.write(text),
  readFile: async (path) => decodeUtf8(await readFile(path), path),
  writeFile: (path, text) => writeFile(path, text, { mode: 0o600 }),
  secret: (variable) => process.env[variable],
};

if (require.main === module) {
  buildProgram(processIo)
    .parseAsync(process.argv)
    .catch((err: unknown) => {
      if (err instanceof ApiError) {
        process.stderr.write(`${err.message}\n`);
        process.exit(err.status >= 500 ? 2 : 1);
      }
      process.stderr.write(`customs-ledger: ${err instanceof Error ? err.message : String(err)}\n`);
      process.exit(2);
    });
}
