import { strict as assert } from 'node:assert';
import { fieldsOfCategories, type ConsignmentRecord, type RecordView, type ShareRecord } from 'customs-ledger-chaincode/domain';
import { MemoryLedger } from '../../../support/memory-ledger';
import { BE, DE, NL, testIdentities } from '../../../support/identities';
import { makeLodgement, newTrader, sampleDeclaration } from '../../../support/fixtures';
import { expectOk, lodge, lodgeIn, makeAgreement, share } from '../../../support/scenario';

describe('ConsignmentContract', () => {
  let ledger: MemoryLedger;
  beforeEach(async () => {
    ledger = new MemoryLedger(await testIdentities());
  });

  const get = async (msp: string, ucr: string, role: 'officer' | 'auditor' = 'officer') =>
    expectOk(await ledger.evaluate('consignment:Get', { msp, role, args: [ucr] })) as RecordView;

  describe('Lodge', () => {
    it('stores the public record with hashes and the private part in the originator\'s collection only', async () => {
      const trader = newTrader();
      const l = await lodge(ledger, NL, {}, trader);
      const view = await get(NL, l.declaration.ucr);
      assert.equal(view.record.originator, NL);
      assert.equal(view.record.status, 'lodged');
      assert.equal(view.record.declarationHash, l.declarationHash);
      assert.equal(view.record.fieldRoot, l.fieldRoot);
      assert.equal(view.record.trader, trader.address.toLowerCase());
      assert.deepEqual(view.private?.fields.goodsItems, l.declaration.goodsItems);
      assert.deepEqual(view.private?.sources, ['own']);
      // Other members hold the hash of the private write, never its value.
      assert.equal((await get(BE, l.declaration.ucr)).private, null);
      assert.equal(ledger.privateData.get(BE), undefined);
      assert.equal(ledger.privateHashes.size, 1);
    });

    it('guards the record and its indexes with the originator\'s key-level policy', async () => {
      const l = await lodge(ledger, NL);
      const keys = [...ledger.state.keys()].filter((k) => k.includes(l.declaration.ucr));
      assert.equal(keys.length, 4, 'record + status, office and day indexes');
      for (const k of keys) {
        assert.ok(ledger.state.get(k)?.validationParameter, `no key-level policy on ${JSON.stringify(k)}`);
      }
    });

    it('lodges without a trader signature when none is given', async () => {
      const l = await lodge(ledger, BE, { office: 'BEANR', destinationCountry: 'BE' }, null);
      const view = await get(BE, l.declaration.ucr);
      assert.equal(view.record.trader, null);
      assert.equal(view.record.traderSignature, null);
    });

    it('is idempotent for the same UCR and hash: nothing is written the second time', async () => {
      const l = await makeLodgement(sampleDeclaration(), NL, newTrader());
      const first = expectOk(await lodgeIn(ledger, NL, l)) as ConsignmentRecord;
      const before = ledger.fingerprint();
      const again = await ledger.evaluate('consignment:Lodge', { msp: NL, args: l.args });
      assert.deepEqual(JSON.parse(again.payload), first);
      assert.deepEqual(again.rwset?.writes, []);
      assert.equal(ledger.fingerprint(), before);
    });

    it('emits ConsignmentLodged with public facts', async () => {
      const l = await lodge(ledger, NL);
      const event = ledger.committed.at(-1)?.event;
      assert.equal(event?.name, 'ConsignmentLodged');
      const payload = JSON.parse(Buffer.from(event.payload).toString('utf8')) as Record<string, unknown>;
      assert.equal(payload.ucr, l.declaration.ucr);
      assert.equal(payload.declarationHash, l.declarationHash);
    });
  });

  describe('UpdateStatus and History', () => {
    it('follows lodged → risk-assessed → held → seized, recording time, reason and transaction', async () => {
      const l = await lodge(ledger, NL);
      const ucr = l.declaration.ucr;
      const steps: [string, string][] = [
        ['risk-assessed', 'profile match: undervaluation'],
        ['held', 'physical inspection ordered'],
        ['seized', 'counterfeit CE markings'],
      ];
      for (const [status, reason] of steps) {
        ledger.now = new Date(ledger.now.getTime() + 3_600_000);
        expectOk(await ledger.submit('consignment:UpdateStatus', { msp: NL, args: [ucr, status, reason] }));
      }
      const record = (await get(NL, ucr)).record;
      assert.equal(record.status, 'seized');
      assert.deepEqual(record.statusHistory.map((s) => s.status), ['lodged', 'risk-assessed', 'held', 'seized']);
      assert.equal(record.statusHistory[2]?.reason, 'physical inspection ordered');
      assert.equal(record.statusHistory[3]?.at, ledger.now.toISOString());
      const history = (
        expectOk(await ledger.evaluate('consignment:History', { msp: BE, role: 'auditor', args: [ucr] })) as {
          entries: { txId: string; record: ConsignmentRecord }[];
        }
      ).entries;
      assert.deepEqual(history.map((h) => h.record.status), ['seized', 'held', 'risk-assessed', 'lodged'], 'newest first, as Fabric answers');
      assert.equal(new Set(history.map((h) => h.txId)).size, 4);
    });

    it('moves the record between status indexes, so List by status finds it where it is', async () => {
      const a = await lodge(ledger, NL);
      const b = await lodge(ledger, NL);
      expectOk(await ledger.submit('consignment:UpdateStatus', { msp: NL, args: [a.declaration.ucr, 'risk-assessed', 'routine'] }));
      const list = async (by: string, value: string) =>
        (expectOk(await ledger.evaluate('consignment:List', { msp: BE, args: [JSON.stringify({ by, value })] })) as {
          records: ConsignmentRecord[];
        }).records.map((r) => r.ucr);
      assert.deepEqual(await list('status', 'lodged'), [b.declaration.ucr]);
      assert.deepEqual(await list('status', 'risk-assessed'), [a.declaration.ucr]);
      assert.deepEqual((await list('office', 'NLRTM')).sort(), [a.declaration.ucr, b.declaration.ucr].sort());
      assert.equal((await list('day', '2026-03-02')).length, 2);
    });

    it('pages through a list with a bookmark, every record exactly once', async () => {
      const ucrs: string[] = [];
      for (let i = 0; i < 7; i++) {
        ucrs.push((await lodge(ledger, NL, {}, null)).declaration.ucr);
      }
      const seen: string[] = [];
      let bookmark = '';
      let pages = 0;
      do {
        const page = expectOk(
          await ledger.evaluate('consignment:List', { msp: NL, args: [JSON.stringify({ by: 'office', value: 'NLRTM', pageSize: 3, bookmark })] }),
        ) as { records: ConsignmentRecord[]; bookmark: string };
        seen.push(...page.records.map((r) => r.ucr));
        bookmark = page.bookmark;
        pages += 1;
      } while (bookmark !== '');
      assert.equal(pages, 3);
      assert.deepEqual(seen.sort(), ucrs.sort());
    });
  });

  describe('Share, RequestAccess and Purge', () => {
    beforeEach(async () => {
      await makeAgreement(ledger, { id: 'AGR-NL-BE', parties: [NL, BE], categories: ['goods', 'valuation'], purposes: ['risk-assessment'], retentionDays: 30 });
    });

    it('gives the recipient exactly the agreement\'s categories, endorsed by both peers', async () => {
      const l = await lodge(ledger, NL);
      const shared = expectOk(await share(ledger, l, { from: NL, to: BE, agreementId: 'AGR-NL-BE' })) as ShareRecord;
      assert.deepEqual(shared.categories, ['goods', 'valuation']);
      assert.deepEqual(shared.fields, fieldsOfCategories(['goods', 'valuation']));
      assert.equal(shared.retainUntil, '2026-04-01T09:00:00.000Z');
      const atBe = await get(BE, l.declaration.ucr);
      assert.deepEqual(Object.keys(atBe.private?.fields ?? {}).sort(), ['customsValue', 'goodsItems', 'invoice']);
      assert.deepEqual(atBe.private?.fields.customsValue, l.declaration.customsValue);
      assert.deepEqual(atBe.private?.sources, [shared.shareId]);
      // A member that is no party sees nothing private.
      assert.equal((await get(DE, l.declaration.ucr)).private, null);
      assert.equal(ledger.privateData.get(DE), undefined);
      // An auditor of the recipient sees the facts, not the data.
      assert.equal((await get(BE, l.declaration.ucr, 'auditor')).private, null);
    });

    it('shares a subset of the agreement\'s categories when asked', async () => {
      const l = await lodge(ledger, NL);
      const shared = expectOk(await share(ledger, l, { from: NL, to: BE, agreementId: 'AGR-NL-BE', categories: ['valuation'] })) as ShareRecord;
      assert.deepEqual(shared.fields, ['customsValue', 'invoice']);
      assert.deepEqual(Object.keys((await get(BE, l.declaration.ucr)).private?.fields ?? {}).sort(), ['customsValue', 'invoice']);
    });

    it('records a purpose-bound access request of the holder, listed under the agreement', async () => {
      const l = await lodge(ledger, NL);
      const shared = expectOk(await share(ledger, l, { from: NL, to: BE, agreementId: 'AGR-NL-BE' })) as ShareRecord;
      const request = expectOk(await ledger.submit('consignment:RequestAccess', { msp: BE, args: [l.declaration.ucr, 'risk-assessment'] })) as {
        agreementIds: string[];
        shareIds: string[];
      };
      assert.deepEqual(request.agreementIds, ['AGR-NL-BE']);
      assert.deepEqual(request.shareIds, [shared.shareId]);
      const activity = expectOk(await ledger.evaluate('consignment:AgreementActivity', { msp: DE, role: 'auditor', args: ['AGR-NL-BE'] })) as {
        shares: ShareRecord[];
        accesses: { by: string }[];
        purges: unknown[];
      };
      assert.equal(activity.shares.length, 1);
      assert.deepEqual(activity.accesses.map((a) => a.by), [BE]);
      assert.equal(activity.purges.length, 0);
    });

    it('purges the holder\'s copy once retention has run out, leaving a receipt', async () => {
      const l = await lodge(ledger, NL);
      const shared = expectOk(await share(ledger, l, { from: NL, to: BE, agreementId: 'AGR-NL-BE' })) as ShareRecord;
      const later = new Date('2026-04-01T09:00:00.000Z');
      const receipt = expectOk(await ledger.submit('consignment:Purge', { msp: BE, args: [l.declaration.ucr, shared.shareId], time: later })) as {
        reason: string;
      };
      assert.equal(receipt.reason, 'retention-elapsed');
      assert.equal((await get(BE, l.declaration.ucr)).private, null);
      assert.equal([...(ledger.privateData.get(BE)?.keys() ?? [])].length, 0);
      const { shares } = expectOk(await ledger.evaluate('consignment:Shares', { msp: NL, args: [l.declaration.ucr] })) as { shares: { purge: { holder: string } | null }[] };
      assert.equal(shares[0]?.purge?.holder, BE);
      // The originator keeps its own declaration.
      assert.ok((await get(NL, l.declaration.ucr)).private);
    });

    it('purges at once when the agreement was terminated', async () => {
      const l = await lodge(ledger, NL);
      const shared = expectOk(await share(ledger, l, { from: NL, to: BE, agreementId: 'AGR-NL-BE' })) as ShareRecord;
      expectOk(await ledger.submit('agreement:Terminate', { msp: NL, role: 'admin', args: ['AGR-NL-BE', 'breach'] }));
      const receipt = expectOk(await ledger.submit('consignment:Purge', { msp: BE, args: [l.declaration.ucr, shared.shareId] })) as { reason: string };
      assert.equal(receipt.reason, 'agreement-terminated');
    });

    it('lets a holder pass data on only where its agreement allows onward sharing', async () => {
      await makeAgreement(ledger, { id: 'AGR-BE-DE', parties: [BE, DE], categories: ['goods', 'valuation'], onwardSharing: true });
      await makeAgreement(ledger, { id: 'AGR-NL-BE-ONWARD', parties: [NL, BE], categories: ['goods'], onwardSharing: true });
      const l = await lodge(ledger, NL);
      expectOk(await share(ledger, l, { from: NL, to: BE, agreementId: 'AGR-NL-BE' }));
      // valuation came under AGR-NL-BE, which forbids onward sharing
      const refused = await share(ledger, l, { from: BE, to: DE, agreementId: 'AGR-BE-DE', categories: ['valuation'] });
      assert.equal(refused.error?.code, 'ONWARD_SHARING_NOT_ALLOWED');
      expectOk(await share(ledger, l, { from: NL, to: BE, agreementId: 'AGR-NL-BE-ONWARD', categories: ['goods'] }));
      const onward = expectOk(await share(ledger, l, { from: BE, to: DE, agreementId: 'AGR-BE-DE', categories: ['goods'] })) as ShareRecord;
      assert.equal(onward.onward, true);
      assert.deepEqual(Object.keys((await get(DE, l.declaration.ucr)).private?.fields ?? {}), ['goodsItems']);
    });
  });

  describe('PurgeRecord', () => {
    it('purges the originator\'s declaration only after the three-year customs retention', async () => {
      const l = await lodge(ledger, NL);
      const early = await ledger.submit('consignment:PurgeRecord', { msp: NL, args: [l.declaration.ucr], time: new Date('2029-03-02T08:59:59.999Z') });
      assert.equal(early.error?.code, 'RETENTION_NOT_REACHED');
      const receipt = expectOk(
        await ledger.submit('consignment:PurgeRecord', { msp: NL, args: [l.declaration.ucr], time: new Date('2029-03-02T09:00:00.000Z') }),
      ) as { reason: string };
      assert.equal(receipt.reason, 'customs-retention-elapsed');
      const view = await get(NL, l.declaration.ucr);
      assert.equal(view.private, null);
      assert.equal(view.record.privatePurgedAt, '2029-03-02T09:00:00.000Z');
      assert.equal(view.record.declarationHash, l.declarationHash, 'the public hash stays for verification');
    });
  });
});
