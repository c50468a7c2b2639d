/**
 * Demo data for a new network, loaded through the gateways' own REST API: an
 * agreement between the first two authorities, demo traders with their own
 * keys (kept in the data folder, never committed) that sign their
 * declarations, lodgements at each authority, a share, and status changes.
 */
import { randomBytes } from 'node:crypto';
import { mkdir, writeFile } from 'node:fs/promises';
import { join } from 'node:path';
import { Wallet } from 'ethers';
import type { Declaration } from 'customs-ledger-chaincode/domain';
import { lodgementBody, signDeclaration } from '../trader';
import type { ApiClient } from './api-client';

export interface DemoAuthority {
  mspId: string;
  country: string;
  office: string;
  officer: ApiClient;
  admin: ApiClient;
}

export interface DemoResult {
  agreementId: string;
  ucrs: string[];
  traders: { name: string; address: string }[];
}


function declaration(ucr: string, a: DemoAuthority, i: number): Declaration {
  return {
    ucr,
    type: i % 3 === 2 ? 'export' : 'import',
    office: a.office,
    destinationCountry: a.country,
    consignor: { id: null, name: ['Shenzhen Bright Lamps Co.', 'Anatolia Textiles A.S.', 'Saigon Coffee Traders'][i % 3]!, country: ['CN', 'TR', 'VN'][i % 3]! },
    consignee: { id: `${a.country}81234567${i}`, name: `Demo Importer ${i + 1}`, country: a.country },
    declarant: { id: `${a.country}81234567${i}`, name: `Demo Importer ${i + 1}`, country: a.country },
    goodsItems: [
      {
        sequence: 1,
        hsCode: ['940540', '520812', '090111'][i % 3]!,
        description: ['LED luminaires for indoor use', 'Woven cotton fabrics, unbleached', 'Green coffee beans, not decaffeinated'][i % 3]!,
        packages: 40 + i * 7,
        grossMassKg: `${1200 + i * 150}.5`,
        netMassKg: `${1100 + i * 150}`,
        originCountry: ['CN', 'TR', 'VN'][i % 3]!,
      },
    ],
    customsValue: { amount: `${25_000 + i * 1_750}.00`, currency: 'EUR' },
    invoice: { number: `INV-2026-${String(100 + i)}`, date: '2026-11-20' },
    transportMode: 'sea',
    transportDocument: { type: 'bill-of-lading', number: `MAEU${String(700_000_000 + i)}` },
    containers: ['CSQU3054383'],
    seals: [`SL-${String(400_000 + i)}`],
    dangerousGoods: [],
  };
}

export async function loadDemo(authorities: readonly DemoAuthority[], channelId: string, dataDir: string): Promise<DemoResult> {
  const [first, second] = authorities;
  if (!first || !second) {
    throw new Error('the demo needs at least two authorities');
  }
  const agreementId = `AGR-${first.country}-${second.country}-DEMO`;
  await first.admin.post('/api/v1/agreements', {
    id: agreementId,
    parties: [first.mspId, second.mspId],
    categories: ['goods', 'valuation', 'transport'],
    purposes: ['enforcement', 'risk-assessment'],
    legalBasis: 'Demo: mutual administrative assistance in customs matters (Regulation (EC) No 515/97)',
    validFrom: '2026-01-01T00:00:00Z',
    validUntil: '2027-12-31T23:59:59Z',
    retentionDays: 180,
    onwardSharing: false,
  });
  await second.admin.post(`/api/v1/agreements/${agreementId}/accept`);

  const traderDir = join(dataDir, 'demo-traders');
  await mkdir(traderDir, { recursive: true, mode: 0o700 });
  const traders = [0, 1].map((i) => ({ name: `demo-trader-${i + 1}`, wallet: new Wallet(`0x${randomBytes(32).toString('hex')}`) }));
  for (const t of traders) {
    await writeFile(join(traderDir, `${t.name}.json`), `${JSON.stringify({ address: t.wallet.address, privateKey: t.wallet.privateKey }, null, 2)}\n`, { mode: 0o600 });
  }

  const ucrs: string[] = [];
  for (const [n, a] of authorities.entries()) {
    for (let i = 0; i < 2; i++) {
      const ucr = `6${a.country}100000${n}${i}-DEMO${i + 1}`;
      const d = declaration(ucr, a, n * 2 + i);
      const trader = traders[(n + i) % traders.length]!.wallet;
      const signed = await signDeclaration(d, trader, { authority: a.mspId, channelId });
      await a.officer.post('/api/v1/consignments', lodgementBody(signed));
      // The file `trader verify | disclose | …` reads, as `trader sign` writes it.
      await writeFile(join(traderDir, `${ucr}.signed.json`), `${JSON.stringify(signed, null, 2)}\n`, { mode: 0o600 });
      ucrs.push(ucr);
    }
  }
  const shared = ucrs[0]!;
  await first.officer.post(`/api/v1/consignments/${shared}/status`, { status: 'risk-assessed', reason: 'profile: undervaluation risk' });
  await first.officer.post(`/api/v1/consignments/${shared}/shares`, { recipient: second.mspId, agreementId, purpose: 'risk-assessment' });
  await first.officer.post(`/api/v1/consignments/${shared}/status`, { status: 'held', reason: 'documentary check requested by partner' });
  return { agreementId, ucrs, traders: traders.map((t) => ({ name: t.name, address: t.wallet.address })) };
}
