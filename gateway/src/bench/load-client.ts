/**
 * The benchmark's load generator, run as its own process (forked by
 * bench.ts) so that making and timing requests does not compete with the
 * gateway and peers for their event loop. It takes one task at a time over
 * IPC and answers with the measurements.
 */
import { randomBytes } from 'node:crypto';
import { Wallet } from 'ethers';
import type { Declaration } from 'customs-ledger-chaincode/domain';
import { randomSalts } from '../trader/salts';
import { lodgementBody, signDeclaration } from '../trader';
import { ApiClient, ApiError } from '../main/api-client';
import { nowMs, summarize, type LatencySummary } from './stats';

export type LoadTask =
  | { kind: 'closed'; url: string; token: string; signed: boolean; n: number; concurrency: number; channel: string; authority: string }
  | { kind: 'open'; url: string; token: string; n: number; rate: number; channel: string; authority: string }
  | { kind: 'read'; url: string; token?: string; path: string; n: number }
  | { kind: 'post'; url: string; token?: string; path: string; body: unknown; n: number; concurrency: number };

export interface LoadResult {
  rate: number;
  latency: LatencySummary;
  errors: number;
  errorsByStatus: Record<string, number>;
  ucrs: string[];
}

let serial = 0;
export function benchDeclaration(): Declaration {
  serial += 1;
  return {
    ucr: `6NL${String(700_000_000 + serial)}-B${randomBytes(3).toString('hex').toUpperCase()}`,
    type: 'import',
    office: 'NLRTM',
    destinationCountry: 'NL',
    consignor: { id: null, name: 'Shenzhen Bright Lamps Co.', country: 'CN' },
    consignee: { id: 'NL812345678', name: 'Lumen Import B.V.', country: 'NL' },
    declarant: { id: 'NL812345678', name: 'Lumen Import B.V.', country: 'NL' },
    goodsItems: [
      { sequence: 1, hsCode: '940540', description: 'LED luminaires for indoor use', packages: 120, grossMassKg: '1840.5', netMassKg: '1602', originCountry: 'CN' },
      { sequence: 2, hsCode: '853950', description: 'LED lamps', packages: 40, grossMassKg: '220', netMassKg: '190.25', originCountry: 'CN' },
    ],
    customsValue: { amount: '48250.00', currency: 'EUR' },
    invoice: { number: `INV-${serial}`, date: '2026-11-20' },
    transportMode: 'sea',
    transportDocument: { type: 'bill-of-lading', number: `MAEU${serial}` },
    containers: ['CSQU3054383'],
    seals: ['SL-998877'],
    dangerousGoods: [],
  };
}


const trader = new Wallet(`0x${randomBytes(32).toString('hex')}`);

async function lodgements(n: number, signed: boolean, channel: string, authority: string): Promise<{ ucr: string; body: unknown }[]> {
  const out: { ucr: string; body: unknown }[] = [];
  for (let i = 0; i < n; i++) {
    // Building thousands of bodies holds the event loop for seconds; yielding
    // now and then lets idle keep-alive sockets that the server closed meanwhile
    // be dropped, rather than reused and failing with ECONNRESET.
    if (i % 200 === 199) await new Promise((resolve) => setImmediate(resolve));
    const d = benchDeclaration();
    out.push({
      ucr: d.ucr,
      body: signed ? lodgementBody(await signDeclaration(d, trader, { authority, channelId: channel })) : { declaration: d, salts: randomSalts() },
    });
  }
  return out;
}

async function closedLoop(client: ApiClient, path: string, bodies: unknown[], concurrency: number): Promise<Omit<LoadResult, 'ucrs'>> {
  const latencies: number[] = [];
  const errorsByStatus: Record<string, number> = {};
  let errors = 0;
  let next = 0;
  const start = nowMs();
  await Promise.all(
    Array.from({ length: concurrency }, async () => {
      while (next < bodies.length) {
        const body = bodies[next++];
        const t = nowMs();
        try {
          await client.post(path, body);
          latencies.push(nowMs() - t);
        } catch (err) {
          errors += 1;
          const status = err instanceof ApiError ? String(err.status) : 'network';
          errorsByStatus[status] = (errorsByStatus[status] ?? 0) + 1;
        }
      }
    }),
  );
  return { rate: (latencies.length * 1000) / (nowMs() - start), latency: summarize(latencies), errors, errorsByStatus };
}

async function openLoop(client: ApiClient, bodies: unknown[], perSecond: number): Promise<Omit<LoadResult, 'ucrs'>> {
  const latencies: number[] = [];
  const errorsByStatus: Record<string, number> = {};
  let errors = 0;
  const start = nowMs();
  const pending: Promise<void>[] = [];
  for (const [i, body] of bodies.entries()) {
    const wait = start + (i * 1000) / perSecond - nowMs();
    if (wait > 1) {
      await new Promise((r) => setTimeout(r, wait));
    }
    const t = nowMs();
    pending.push(
      client.post('/api/v1/consignments', body).then(
        () => void latencies.push(nowMs() - t),
        (err: unknown) => {
          errors += 1;
          const status = err instanceof ApiError ? String(err.status) : 'network';
          errorsByStatus[status] = (errorsByStatus[status] ?? 0) + 1;
        },
      ),
    );
  }
  await Promise.all(pending);
  return { rate: (latencies.length * 1000) / (nowMs() - start), latency: summarize(latencies), errors, errorsByStatus };
}

export async function runTask(task: LoadTask): Promise<LoadResult> {
  const client = new ApiClient(task.url, 'token' in task ? task.token : undefined, 120_000);
  switch (task.kind) {
    case 'closed': {
      const items = await lodgements(task.n, task.signed, task.channel, task.authority);
      return { ...(await closedLoop(client, '/api/v1/consignments', items.map((i) => i.body), task.concurrency)), ucrs: items.map((i) => i.ucr) };
    }
    case 'open': {
      const items = await lodgements(task.n, false, task.channel, task.authority);
      return { ...(await openLoop(client, items.map((i) => i.body), task.rate)), ucrs: [] };
    }
    case 'read': {
      const latencies: number[] = [];
      const start = nowMs();
      for (let i = 0; i < task.n; i++) {
        const t = nowMs();
        await client.get(task.path);
        latencies.push(nowMs() - t);
      }
      return { rate: (task.n * 1000) / (nowMs() - start), latency: summarize(latencies), errors: 0, errorsByStatus: {}, ucrs: [] };
    }
    case 'post':
      return { ...(await closedLoop(client, task.path, Array.from({ length: task.n }, () => task.body), task.concurrency)), ucrs: [] };
  }
}

if (require.main === module && process.send) {
  process.on('message', (message: { id: number; task: LoadTask }) => {
    runTask(message.task).then(
      (result) => process.send!({ id: message.id, result }),
      (err: unknown) => process.send!({ id: message.id, error: err instanceof Error ? err.message : String(err) }),
    );
  });
}
