/**
 * Three member authorities' gateways (NL, BE, DE) on one channel, for HTTP
 * tests. Which ledger runs underneath is chosen here and nowhere else:
 * CUSTOMS_LEDGER_TEST_BACKEND=memory (default: the in-memory channel, with a
 * settable clock, fault injection and a fingerprint of everything stored) or
 * =embedded (the embedded LevelDB network in its own thread, as npm start runs
 * it; real clock). Tests that need the
 * clock or faults skip themselves when the ledger has none.
 */
import { mkdtemp, rm } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import type { Express } from 'express';
import { pino } from 'pino';
import { createServer, type Role, type ServerLimits } from 'customs-ledger-gateway/dist/http';
import { FileTokenStore } from 'customs-ledger-gateway/dist/identity/token-store';
import type { LedgerBackend, WalletIdentity } from 'customs-ledger-gateway/dist/ledger/backend';
import { backends, WorkerNetwork } from 'customs-ledger-gateway/dist/ledger';
import { BE, DE, NL, testIdentities } from './identities';
import { MemoryBackend, MemoryFaults } from './memory-backend';
import { CHANNEL, MemoryLedger } from './memory-ledger';
import { ROLES } from 'customs-ledger-chaincode/domain';

export type Authority = 'NL' | 'BE' | 'DE';
export const MSP: Record<Authority, string> = { NL, BE, DE };

export interface TestGateway {
  name: Authority;
  msp: string;
  app: Express;
  /** bearer token per role, as issued on first start */
  tokens: Record<Role, string>;
  backend: LedgerBackend;
  wallet: Record<Role, WalletIdentity>;
}

export interface TestLedger {
  kind: 'memory' | 'embedded';
  channelId: string;
  /** a digest of everything stored on the channel: unchanged means nothing was written */
  fingerprint(): Promise<string>;
  /** the transaction clock, settable on the memory ledger only */
  now(): Date;
  setNow?: (time: Date) => void;
  faults?: MemoryFaults;
  /** the in-memory channel itself, when that is what runs */
  memory?: MemoryLedger;
}

export interface TestGateways extends Record<Authority, TestGateway> {
  ledger: TestLedger;
  close(): Promise<void>;
}

export interface GatewayOptions {
  /** which channel to run on; default: $CUSTOMS_LEDGER_TEST_BACKEND, else memory */
  backend?: 'embedded' | 'memory';
  limits?: ServerLimits;
}

const AUTHORITIES: readonly Authority[] = ['NL', 'BE', 'DE'];

interface Channel {
  ledger: TestLedger;
  backend(msp: string): LedgerBackend;
  wallet(msp: string): Record<Role, WalletIdentity>;
  close(): Promise<void>;
}

async function memoryChannel(): Promise<Channel> {
  const identities = await testIdentities();
  const memory = new MemoryLedger(identities);
  const faults = new MemoryFaults();
  return {
    ledger: {
      kind: 'memory',
      channelId: CHANNEL,
      fingerprint: () => Promise.resolve(memory.fingerprint()),
      now: () => memory.now,
      setNow: (time) => {
        memory.now = time;
      },
      faults,
      memory,
    },
    backend: (msp) => new MemoryBackend(memory, msp, faults),
    wallet: (msp) =>
      Object.fromEntries(ROLES.map((role) => [role, { label: `${role}1`, ...identities.user(msp, role) }])) as Record<Role, WalletIdentity>,
    close: () => Promise.resolve(),
  };
}

async function embeddedChannel(dir: string): Promise<Channel> {
  const network = await WorkerNetwork.start({ dataDir: join(dir, 'ledger'), channelId: CHANNEL, members: [NL, BE, DE], syncWrites: false });
  return {
    ledger: {
      kind: 'embedded',
      channelId: CHANNEL,
      fingerprint: async () => {
        await network.settled();
        const heights = await network.heights();
        return [heights.orderer, ...Object.values(heights.peers)].join('/');
      },
      now: () => new Date(),
    },
    backend: (msp) => backends.embedded(network, msp),
    wallet: (msp) => network.wallet(msp),
    close: () => network.close(),
  };
}

export async function startGateways(options: GatewayOptions = {}): Promise<TestGateways> {
  const dir = await mkdtemp(join(tmpdir(), 'customs-gateways-'));
  const kind = options.backend ?? process.env.CUSTOMS_LEDGER_TEST_BACKEND ?? 'memory';
  const channel = kind === 'embedded' ? await embeddedChannel(dir) : await memoryChannel();
  const logger = pino({ level: process.env.GATEWAY_TEST_LOG ?? 'silent' });
  const gateways = {} as Record<Authority, TestGateway>;
  for (const name of AUTHORITIES) {
    const msp = MSP[name];
    const wallet = channel.wallet(msp);
    const { store, issued } = await FileTokenStore.open(
      join(dir, name, 'tokens.json'),
      ROLES.map((role) => ({ label: wallet[role].label, role })),
    );
    const backend = channel.backend(msp);
    const app = createServer({
      backend,
      wallet,
      tokens: store,
      logger: logger.child({ msp }),
      limits: { rateLimit: false, events: { idleMs: 20, maxWaitMs: 1_000 }, ...options.limits },
    });
    const tokens = Object.fromEntries(issued.map((t) => [t.role, t.token])) as Record<Role, string>;
    gateways[name] = { name, msp, app, tokens, backend, wallet };
  }
  return {
    ...gateways,
    ledger: channel.ledger,
    close: async () => {
      for (const g of Object.values(gateways)) {
        await g.backend.close();
      }
      await channel.close();
      await rm(dir, { recursive: true, force: true });
    },
  };
}

/**
 * The three gateways for the calling describe block: started in its before
 * hook and closed in its after hook. The returned object is filled in once
 * the before hook has run, so tests use it as they would startGateways'.
 */
export function gatewaysForSuite(options: GatewayOptions = {}): TestGateways {
  const gws = {} as TestGateways;
  before(async () => {
    Object.assign(gws, await startGateways(options));
  });
  after(async () => {
    await gws.close();
  });
  return gws;
}
