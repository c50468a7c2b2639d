#!/usr/bin/env node
/**
 * customs-ledger: the command line of officers, admins, traders and
 * auditors. Gateway commands need --url and --token (or CUSTOMS_LEDGER_URL
 * and CUSTOMS_LEDGER_TOKEN).
 */
import '../main/quiet-chaincode-logs';
import { Command } from 'commander';
import { ApiError } from '../main/api-client';
import { registerGatewayCommands, type CliIo } from './gateway-commands';

export function buildProgram(io: CliIo): Command {
  const program = new Command('customs-ledger')
    .description('Permissioned customs ledger: lodge, share, verify and audit consignment records')
    .option('--url <url>', 'gateway URL (CUSTOMS_LEDGER_URL)', process.env.CUSTOMS_LEDGER_URL ?? 'http://127.0.0.1:3001')
    .option('--token <token>', 'bearer token (CUSTOMS_LEDGER_TOKEN)', process.env.CUSTOMS_LEDGER_TOKEN)
    .showHelpAfterError();
  registerGatewayCommands(program, io);
  return program;
}

if (require.main === module) {
  const io: CliIo = { print: (value) => process.stdout.write(`${typeof value === 'string' ? value : JSON.stringify(value, null, 2)}\n`) };
  buildProgram(io)
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
