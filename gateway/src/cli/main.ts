#!/usr/bin/env node
/**
 * customs-ledger: the command line of officers, admins, traders and
 * auditors. Gateway commands need --url and --token (or CUSTOMS_LEDGER_URL
 * and CUSTOMS_LEDGER_TOKEN).
 */
import '../main/quiet-chaincode-logs';
import { readFile, writeFile } from 'node:fs/promises';
import { Command, CommanderError } from 'commander';
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
    exitCode: (code) => io.exitCode(code),
    openBlocks:
      io.openBlocks ??
      ((location, channel) => {
        const token = program.opts<{ token?: string }>().token;
        return openBlockLocation(location, { ...(token ? { token } : {}), ...(channel !== undefined ? { channel } : {}) });
      }),
  });
  // --url and --token also after the command (`customs-ledger get X --url …`): every command but the trader's,
  // which take their own --gateway and --token, accepts them and hands them to the program before it runs.
  const addGlobals = (command: Command): void => {
    if (command.commands.length > 0) {
      command.commands.forEach(addGlobals);
      return;
    }
    command.option('--url <url>', 'gateway URL, as before the command').option('--token <token>', 'bearer token, as before the command');
  };
  program.commands.filter((c) => c.name() !== 'trader').forEach(addGlobals);
  program.hook('preAction', (_program, action) => {
    if (action.parent?.name() === 'trader') {
      return;
    }
    const own = action.opts<{ url?: string; token?: string }>();
    for (const key of ['url', 'token'] as const) {
      if (own[key] !== undefined) {
        program.setOptionValue(key, own[key]);
      }
    }
  });
  return program;
}

/** Runs the command line; the process's exit code: 0 done, 1 a refusal, mismatch or finding, 2 it could not run. */
export async function main(argv: readonly string[]): Promise<void> {
  try {
    await buildProgram(processIo).exitOverride().parseAsync([...argv]);
  } catch (err) {
    if (err instanceof CommanderError) {
      // --help, --version (0) or a usage error (1): commander has said it
      process.exitCode = err.exitCode;
      return;
    }
    if (err instanceof ApiError) {
      process.stderr.write(`${err.message}\n`);
      process.exitCode = err.status >= 500 ? 2 : 1;
      return;
    }
    process.stderr.write(`customs-ledger: ${err instanceof Error ? err.message : String(err)}\n`);
    process.exitCode = 2;
  }
}

export const processIo: ProgramIo = {
  print: (value) => process.stdout.write(`${typeof value === 'string' ? value : JSON.stringify(value, null, 2)}\n`),
  stdout: (text) => process.stdout.write(text),
  stderr: (text) => process.stderr.write(text),
  readFile: async (path) => decodeUtf8(await readFile(path), path),
  writeFile: (path, text) => writeFile(path, text, { mode: 0o600 }),
  secret: (variable) => process.env[variable],
  exitCode: (code) => {
    process.exitCode = code;
  },
};

if (require.main === module) {
  void main(process.argv);
}
