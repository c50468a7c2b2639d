/**
 * The one typed configuration of `npm start`: command-line options over
 * environment variables over defaults, checked before anything starts; a
 * bad value stops with a usage message naming it.
 */
import { resolve } from 'node:path';
import { Command, InvalidArgumentError } from 'commander';

export interface StartConfig {
  dataDir: string;
  host: string;
  /** port of the first authority's gateway; the others follow (0: members.json ports) */
  basePort: number;
  membersFile: string | undefined;
  demo: boolean;
  newTokens: boolean;
  syncWrites: boolean;
  logLevel: string;
  logFile: string | undefined;
  /** run the gateways over the real Fabric network that scripts/network.sh runs, through this client */
  fabric: 'fabric-gateway' | 'fabric-network' | undefined;
}

function port(value: string): number {
  const n = Number(value);
  if (!Number.isInteger(n) || n < 0 || n > 65535) {
    throw new InvalidArgumentError('must be a port number 0-65535');
  }
  return n;
}

export function parseStartConfig(argv: readonly string[], env: NodeJS.ProcessEnv = process.env): StartConfig {
  const program = new Command('customs-ledger start')
    .description('Runs the embedded network of member authorities, one REST gateway each.')
    .option('--data-dir <dir>', 'peer, orderer and gateway data (CUSTOMS_LEDGER_DATA)', env.CUSTOMS_LEDGER_DATA ?? 'data')
    .option('--host <host>', 'address the gateways listen on (CUSTOMS_LEDGER_HOST)', env.CUSTOMS_LEDGER_HOST ?? '127.0.0.1')
    .option('--base-port <port>', 'first gateway port, the others follow; 0 uses the ports in members.json (CUSTOMS_LEDGER_PORT)', port, port(env.CUSTOMS_LEDGER_PORT ?? '0'))
    .option('--members <file>', 'member list (default network/members.json)')
    .option('--no-demo', 'do not load demo data into a new network')
    .option('--new-tokens', 'issue new bearer tokens for every gateway and print them (old ones stop working)', false)
    .option('--no-sync', 'do not fsync blocks (faster, not crash-safe against power loss)')
    .option('--log-level <level>', 'pino level (CUSTOMS_LEDGER_LOG_LEVEL)', env.CUSTOMS_LEDGER_LOG_LEVEL ?? 'info')
    .option('--log-file <file>', 'request and ledger logs (default <data-dir>/gateway.log; - for stdout)')
    .option('--fabric [client]', 'gateways over the running real Fabric network (npm run network:up / network:deploy), through fabric-network (default) or fabric-gateway')
    .exitOverride()
    .configureOutput({ writeErr: (s) => process.stderr.write(s) });
  program.parse([...argv], { from: 'user' });
  const o = program.opts<{
    dataDir: string;
    host: string;
    basePort: number;
    members?: string;
    demo: boolean;
    newTokens: boolean;
    sync: boolean;
    logLevel: string;
    logFile?: string;
    fabric?: string | boolean;
  }>();
  const fabric = o.fabric === undefined ? undefined : o.fabric === true ? 'fabric-network' : o.fabric;
  if (fabric !== undefined && fabric !== 'fabric-network' && fabric !== 'fabric-gateway') {
    throw new InvalidArgumentError(`--fabric: ${fabric} is not fabric-network or fabric-gateway`);
  }
  if (!['fatal', 'error', 'warn', 'info', 'debug', 'trace', 'silent'].includes(o.logLevel)) {
    throw new InvalidArgumentError(`--log-level: ${o.logLevel} is not a pino level`);
  }
  const dataDir = resolve(o.dataDir);
  return {
    dataDir,
    host: o.host,
    basePort: o.basePort,
    membersFile: o.members,
    demo: o.demo,
    newTokens: o.newTokens,
    syncWrites: o.sync,
    logLevel: o.logLevel,
    logFile: o.logFile === '-' ? undefined : resolve(o.logFile ?? `${dataDir}/gateway.log`),
    fabric,
  };
}
