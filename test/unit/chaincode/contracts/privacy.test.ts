/**
 * Lodges, shares, reads and purges records with distinctive private values,
 * then scans every committed public write, key-level policy, event and
 * response payload for any of them: none may appear on the public ledger.
 */
import { strict as assert } from 'node:assert';
import { randomBytes } from 'node:crypto';
import { PRIVATE_FIELDS, canonicalJson, type ShareRecord } from 'customs-ledger-chaincode/domain';
import { MemoryLedger } from '../../../support/memory-ledger';
import { BE, DE, NL, testIdentities } from '../../../support/identities';
import { expectOk, lodge, makeAgreement, share } from '../../../support/scenario';
import type { Lodgement } from '../../../support/fixtures';

describe('privacy: no private value reaches the public ledger', () => {
  it('finds none of them in public writes, policies, events or committed responses', async () => {
    const ledger = new MemoryLedger(await testIdentities());
    await makeAgreement(ledger, { id: 'AGR-PRIV', parties: [NL, BE, DE], categories: ['goods', 'parties', 'security', 'transport', 'valuation'], purposes: ['enforcement', 'risk-assessment'], retentionDays: 1 });
    const secrets: string[] = [];
    const lodged: Lodgement[] = [];
    for (let i = 0; i < 6; i++) {
      const tag = randomBytes(6).toString('hex').toUpperCase();
      const l = await lodge(ledger, i % 2 === 0 ? NL : BE, {
        office: i % 2 === 0 ? 'NLRTM' : 'BEANR',
        consignor: { id: null, name: `Consignor ${tag}`, country: 'CN' },
        consignee: { id: `NL${tag}`, name: `Consignee ${tag}`, country: 'NL' },
        declarant: { id: `BE${tag}`, name: `Declarant ${tag}`, country: 'BE' },
        goodsItems: [{ sequence: 1, hsCode: '851712', description: `Handsets lot ${tag}`, packages: 7, grossMassKg: '12.5', netMassKg: '11', originCountry: 'VN' }],
        customsValue: { amount: `${900000 + i}.17`, currency: 'USD' },
        invoice: { number: `INV-${tag}`, date: '2026-01-31' },
        transportDocument: { type: 'air-waybill', number: `AWB-${tag}` },
        seals: [`SEAL-${tag}`],
        dangerousGoods: ['UN3481'],
      });
      lodged.push(l);
      secrets.push(tag, `${900000 + i}.17`);
      for (const f of PRIVATE_FIELDS) {
        secrets.push(canonicalJson(l.declaration[f]).slice(0, 60), l.salts[f]);
      }
    }
    // Share, request access, update status, purge: every kind of transaction that touches private data.
    for (const [i, l] of lodged.entries()) {
      const from = i % 2 === 0 ? NL : BE;
      const to = i % 2 === 0 ? BE : NL;
      const s = expectOk(await share(ledger, l, { from, to, agreementId: 'AGR-PRIV', purpose: 'enforcement', categories: ['parties', 'valuation', 'security'] }, [])) as ShareRecord;
      expectOk(await ledger.submit('consignment:RequestAccess', { msp: to, args: [l.declaration.ucr, 'enforcement'] }));
      expectOk(await ledger.submit('consignment:UpdateStatus', { msp: from, args: [l.declaration.ucr, 'risk-assessed', 'routine'] }));
      expectOk(await ledger.submit('consignment:Purge', { msp: to, args: [l.declaration.ucr, s.shareId], time: new Date('2026-03-04T00:00:00Z') }));
    }

    const publicText: string[] = [];
    for (const tx of ledger.committed) {
      for (const w of tx.rwset.writes) {
        publicText.push(w.key, w.value ? Buffer.from(w.value).toString('utf8') : '');
      }
      for (const m of tx.rwset.metadataWrites) {
        publicText.push(m.validationParameter ? Buffer.from(m.validationParameter).toString('latin1') : '');
      }
      for (const p of [...tx.rwset.privateWrites, ...tx.rwset.purges]) {
        publicText.push(p.collection, p.key);
      }
      if (tx.event) {
        publicText.push(tx.event.name, Buffer.from(tx.event.payload).toString('utf8'));
      }
    }
    const haystack = publicText.join('\n');
    assert.ok(ledger.committed.length > 30);
    const leaked = [...new Set(secrets)].filter((s) => haystack.includes(s));
    assert.deepEqual(leaked, []);
    // The scan itself can see: the public facts are there.
    assert.ok(haystack.includes(lodged[0]!.declarationHash));
  });
});
