/**
 * `npm start`: the embedded network with one REST gateway per member
 * authority, each on its own port. A new network gets demo data; the URLs
 * and, when they are new, the bearer tokens are printed. Ctrl-C stops the
 * gateways, then the network, cleanly.
 */
import './quiet-chaincode-logs';
import { existsSync } from 'node:fs';
import { mkdir, rm, writeFile } from 'node:fs/promises';
import type { Server } from 'node:http';
import { CommanderError } from 'commander';
import { createHttpServer } from '../http/http-server';
import { join } from 'node:path';
import { destination, pino, type Logger } from 'pino';
import { createServer, ROLES } from '../http';
import { FileTokenStore, type IssuedToken } from '../identity/token-store';
import { backends, fabricModule, registerMember, WorkerNetwork, type LedgerBackend, type WalletIdentity } from '../ledger';
import { loadMembers, type NetworkMembers } from '../config/members';
import { ApiClient } from './api-client';
import { parseStartConfig, type StartConfig } from './config';
import { loadDemo, type DemoAuthority } from './demo';

const out = (line = ''): boolean => process.stdout.write(`${line}\n`);

function listen(server: Server, port: number, host: string): Promise<number> {
  return new Promise((resolvePort, reject) => {
    server.once('error', reject);
    server.listen(port, host, () => {
      const address = server.address();
      resolvePort(typeof address === 'object' && address ? address.port : port);
    });
  });
}

/** The ledger the gateways run over: the embedded network, or the real Fabric network's peers. */
interface RunningLedger {
  description: string;
  isNew: boolean;
  backend(mspId: string): LedgerBackend;
  wallet(mspId: string): Record<'admin' | 'auditor' | 'officer', WalletIdentity>;
  height(): Promise<number>;
  close(): Promise<void>;
}

async function embeddedLedger(config: StartConfig, members: NetworkMembers, logger: Logger): Promise<RunningLedger> {
  const isNew = !existsSync(join(config.dataDir, 'orderer'));
  // The orderer, the peers and the chaincode run in a thread of their own; the gateways keep this one.
  const network = await WorkerNetwork.start({
    dataDir: config.dataDir,
    channelId: members.channel,
    members: members.members.map((m) => m.mspId),
    chaincode: { name: members.chaincode },
    syncWrites: config.syncWrites,
  });
  for (const peer of network.allPeers()) {
    peer.on('missingPrivateData', (info: unknown) => logger.warn({ peer: peer.mspId, info }, 'private data missing at commit'));
    peer.on('error', (err: unknown) => logger.error({ peer: peer.mspId, err }, 'peer failed to commit a block'));
  }
  return {
    description: 'embedded network',
    isNew,
    backend: (mspId) => backends.embedded(network, mspId),
    wallet: (mspId) => network.wallet(mspId),
    height: async () => (await network.heights()).orderer,
    close: () => network.close(),
  };
}

/** The running native Fabric network of scripts/network.sh (no demo data is loaded into it). */
async function fabricLedger(client: 'fabric-gateway' | 'fabric-network'): Promise<RunningLedger> {
  const fabric = fabricModule();
  const material = await fabric.loadFabricNetwork();
  const wallets = await fabric.fabricWallets(material);
  const made = new Map<string, LedgerBackend>();
  const backend = (mspId: string): LedgerBackend => {
    let b = made.get(mspId);
    if (!b) {
      const identities = Object.values(wallets[mspId] ?? {});
      b = client === 'fabric-gateway' ? backends.fabricGateway({ mspId, material, identities }) : backends.fabricNetwork({ mspId, material, identities });
      made.set(mspId, b);
    }
    return b;
  };
  // Each authority in the chaincode's member list, so that agreements can name it (asked first: a restart writes
  // nothing); the embedded network registers its founding members itself.
  for (const [mspId, wallet] of Object.entries(wallets)) {
    await registerMember(backend(mspId), wallet.admin);
  }
  return {
    description: `real Fabric network (${client})`,
    isNew: false,
    backend,
    wallet: (mspId) => {
      const w = wallets[mspId];
      if (!w) {
        throw new Error(`${mspId} has no wallet in the Fabric network material`);
      }
      return w;
    },
    height: () => backend(Object.keys(wallets)[0]!).blockHeight(),
    close: async () => {
      for (const b of made.values()) {
        await b.close();
      }
    },
  };
}

export async function start(argv: readonly string[]): Promise<() => Promise<void>> {
  const config = parseStartConfig(argv);
  const members = await loadMembers(config.membersFile);
  await mkdir(config.dataDir, { recursive: true, mode: 0o700 });
  const logger = pino(
    { level: config.logLevel, base: { service: 'customs-ledger' } },
    config.logFile ? destination({ dest: config.logFile, mkdir: true, sync: false }) : destination(1),
  );
  const ledger = config.fabric ? await fabricLedger(config.fabric) : await embeddedLedger(config, members, logger);
  const isNew = ledger.isNew;
  // A new network owes its demo data until it has been loaded, even if this start fails before that.
  const demoPending = join(config.dataDir, 'demo-pending');
  if (isNew && config.demo) {
    await writeFile(demoPending, 'demo data not loaded yet\n');
  }
  const loadDemoNow = config.demo && existsSync(demoPending);
  const servers: Server[] = [];
  const authorities: (DemoAuthority & { url: string; tokens: IssuedToken[]; name: string })[] = [];
  for (const [i, member] of members.members.entries()) {
    const wallet = ledger.wallet(member.mspId);
    const tokenFile = join(config.dataDir, config.fabric ? 'fabric-gateways' : 'gateways', member.mspId, 'tokens.json');
    // The demo loads through the API with fresh tokens; a start that failed before loading it never showed its tokens.
    if (config.newTokens || loadDemoNow) {
      await rm(tokenFile, { force: true });
    }
    const { store, issued } = await FileTokenStore.open(
      tokenFile,
      ROLES.map((role) => ({ label: wallet[role].label, role })),
    );
    const app = createServer({
      backend: ledger.backend(member.mspId),
      wallet,
      tokens: store,
      logger: logger.child({ msp: member.mspId }),
    });
    const http = createHttpServer(app);
    const port = await listen(http, config.basePort === 0 ? member.gatewayPort : config.basePort + i, config.host);
    servers.push(http);
    const url = `http://${config.host}:${port}`;
    const token = (role: string) => issued.find((t) => t.role === role)?.token;
    authorities.push({
      name: member.name,
      mspId: member.mspId,
      country: member.country,
      office: `${member.country}${({ NL: 'RTM', BE: 'ANR', DE: 'HAM' } as Record<string, string>)[member.country] ?? 'AAA'}`,
      url,
      tokens: issued,
      officer: new ApiClient(url, token('officer')),
      admin: new ApiClient(url, token('admin')),
    });
  }

  let demo: Awaited<ReturnType<typeof loadDemo>> | undefined;
  if (loadDemoNow) {
    demo = await loadDemo(authorities, members.channel, config.dataDir);
    await rm(demoPending, { force: true });
  }

  out(`customs-ledger: ${ledger.description} on channel "${members.channel}", data in ${config.dataDir}${isNew ? ' (new)' : ''}`);
  out(`ledger height: ${await ledger.height()} blocks`);
  out();
  for (const a of authorities) {
    out(`${a.mspId.padEnd(14)} ${a.url}   (${a.name})`);
    for (const t of a.tokens) {
      out(`  ${t.role.padEnd(8)} token: ${t.token}`);
    }
  }
  if (authorities.some((a) => a.tokens.length > 0)) {
    out();
    out('Tokens are shown once and stored only as hashes; `npm start -- --new-tokens` issues new ones.');
  } else {
    out();
    out('Tokens were issued at the first start; `npm start -- --new-tokens` issues and prints new ones.');
  }
  if (demo) {
    out();
    out(`demo: agreement ${demo.agreementId}; consignments ${demo.ucrs.join(', ')}`);
    out(`demo traders (keys in ${join(config.dataDir, 'demo-traders')}): ${demo.traders.map((t) => `${t.name} ${t.address}`).join(', ')}`);
  }
  const first = authorities[0]!;
  out();
  out('try:');
  out(`  curl -s ${first.url}/healthz`);
  out(`  curl -s -H "Authorization: Bearer <${first.mspId} officer token>" ${first.url}/api/v1/consignments?by=status\\&value=held`);
  out();
  out('Ctrl-C stops the network.');
  logger.info({ gateways: authorities.map((a) => ({ msp: a.mspId, url: a.url })) }, 'customs-ledger started');

  let stopping: Promise<void> | undefined;
  return () =>
    (stopping ??= (async () => {
      for (const server of servers) {
        await new Promise<void>((done) => server.close(() => done()));
      }
      await ledger.close();
      logger.info('customs-ledger stopped');
      logger.flush();
    })());
}

function describeStartFailure(err: unknown): string {
  const e = err as { code?: string; cause?: { code?: string; message?: string }; message?: string };
  if (e.code === 'LEVEL_DATABASE_NOT_OPEN' && /lock/i.test(e.cause?.message ?? '')) {
    return 'the data folder is in use by another customs-ledger process (its LevelDB is locked); stop it or use --data-dir';
  }
  if (e.code === 'EADDRINUSE') {
    return `${e.message ?? 'a port is in use'}; stop what uses it or choose --base-port`;
  }
  return err instanceof Error ? err.message : String(err);
}

if (require.main === module) {
  start(process.argv.slice(2))
    .then((stop) => {
      const shutdown = (signal: string): void => {
        out(`\n${signal}: stopping gateways and network...`);
        stop()
          .then(() => process.exit(0))
          .catch((err: unknown) => {
            process.stderr.write(`shutdown failed: ${String(err)}\n`);
            process.exit(1);
          });
      };
      process.once('SIGINT', () => shutdown('SIGINT'));
      process.once('SIGTERM', () => shutdown('SIGTERM'));
    })
    .catch((err: unknown) => {
      // --help and --version (exit 0) and a bad option (exit 1): commander has printed what there is to say
      if (err instanceof CommanderError) {
        process.exit(err.exitCode);
      }
      process.stderr.write(`customs-ledger: ${describeStartFailure(err)}\n`);
      process.exit(1);
    });
}
