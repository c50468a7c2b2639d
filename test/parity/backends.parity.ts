/**
 * The same scenarios against three ledgers: the embedded network, and a real
 * Fabric 2.5 network through fabric-network 2.2 and through fabric-gateway.
 * Each target's outcomes (error codes, views with ids and times removed,
 * event names, validation codes) are recorded and compared with the
 * embedded ledger's at the end: a difference there is a bug in the embedded
 * ledger. The Fabric targets run only when .fabric/bin has Fabric and
 * scripts/network.sh can run the network (see test/support/parity-fabric.ts).
 */
import { strict as assert } from 'node:assert';
import { randomBytes } from 'node:crypto';
import { isDeepStrictEqual } from 'node:util';
import { fieldsOfCategories, type RecordView, type ShareRecord } from 'customs-ledger-chaincode/domain';
import { blockSources, replay } from 'customs-ledger-gateway/dist/audit';
import { LedgerError, type SubmitResult } from 'customs-ledger-gateway/dist/ledger';
import { blockHeaderHash } from 'customs-ledger-gateway/dist/fabric-format/block';
import { makeLodgement, newTrader, sampleDeclaration, type Lodgement } from '../support/fixtures';
import { fabricRequired, needFabric, restoreFabric } from '../support/parity-fabric';
import { BE, DE, NL, TARGETS, openEmbedded, openFabric, type ParityTarget, type Role, type TargetName } from '../support/parity-targets';
import { agreementJson, sharedPayload } from '../support/scenario';
import { captureStdout, type StdoutCapture } from '../support/stdout-capture';
import { readBlock, readEnvelope } from 'customs-ledger-gateway/dist/fabric-format/block-reader';

const json = (o: unknown): Uint8Array => Buffer.from(JSON.stringify(o));
const outcomes: Partial<Record<TargetName, Record<string, unknown>>> = {};
const timings: Partial<Record<TargetName, number>> = {};

/** What a ledger call came to: OK, a chaincode refusal's code, or a stage and validation code. */
function outcomeOf(err: unknown): string {
  if (!(err instanceof LedgerError)) {
    return `not a LedgerError: ${String(err)}`;
  }
  if (err.details.validationCode) {
    return `${err.stage}:${err.details.validationCode}`;
  }
  const coded = err.refusal;
  return coded ? `${err.stage}:${coded.code}` : `${err.stage}:${err.message}`;
}

after(async function () {
  this.timeout(180_000);
  await restoreFabric();
  const line = Object.entries(timings).map(([k, v]) => `${k} ${(v / 1000).toFixed(1)} s`).join(', ');
  if (line) {
    console.log(`parity: scenario time per target: ${line}`);
  }
  const counts = TARGETS.map((n) => `${Object.keys(outcomes[n] ?? {}).length} on ${n}`).join(', ');
  const differing = TARGETS.filter((n) => n !== 'embedded' && outcomes[n] !== undefined).flatMap((n) =>
    Object.keys(outcomes.embedded ?? {})
      .filter((k) => !isDeepStrictEqual(outcomes.embedded?.[k], outcomes[n]?.[k]))
      .map((k) => `${n}: ${k}`),
  );
  console.log(`parity: scenarios recorded: ${counts}; ${differing.length === 0 ? 'every outcome identical' : `differing: ${differing.join(', ')}`}`);
});

for (const name of TARGETS) {
  describe(`parity on ${name}`, function () {
    this.timeout(180_000);
    let t: ParityTarget | undefined;
    const run = randomBytes(3).toString('hex').toUpperCase();
    const agreementId = `AGR-PARITY-${run}`;
    const proposedOnly = `AGR-PROPOSED-${run}`;
    const record: Record<string, unknown> = {};
    const ours: { txId: string; what: string }[] = [];
    let signed: Lodgement;
    let unsigned: Lodgement;
    let started = 0;
    let stdout: StdoutCapture | undefined;

    const target = (): ParityTarget => t!;
    const submit = async (msp: string, role: Role, contract: 'agreement' | 'consignment', fn: string, args: string[], extra: { transient?: Record<string, unknown>; endorsingOrgs?: string[]; endorsement?: 'named' } = {}): Promise<SubmitResult> => {
      const result = await target().peer[msp]!.submit({
        identity: target().wallet[msp]![role],
        contract,
        fn,
        args,
        ...(extra.transient ? { transient: Object.fromEntries(Object.entries(extra.transient).map(([k, v]) => [k, json(v)])) } : {}),
        ...(extra.endorsingOrgs ? { endorsingOrgs: extra.endorsingOrgs } : {}),
        ...(extra.endorsement ? { endorsement: extra.endorsement } : {}),
      });
      ours.push({ txId: result.transactionId, what: `${contract}:${fn}` });
      return result;
    };
    const evaluate = async (msp: string, role: Role, contract: 'agreement' | 'consignment', fn: string, args: string[]): Promise<unknown> =>
      JSON.parse((await target().peer[msp]!.evaluate({ identity: target().wallet[msp]![role], contract, fn, args })).toString()) as unknown;
    const get = async (msp: string, ucr: string): Promise<RecordView> => (await evaluate(msp, 'officer', 'consignment', 'Get', [ucr])) as RecordView;
    const refusal = async (call: Promise<unknown>): Promise<string> => {
      try {
        await call;
        return 'OK';
      } catch (err) {
        return outcomeOf(err);
      }
    };
    const shareArgs = (l: Lodgement, agreement: string, categories = ''): string[] => [l.declaration.ucr, BE, agreement, 'risk-assessment', categories];

    before(async function () {
      if (name !== 'embedded') {
        await needFabric(this, `on ${name}`);
      }
      stdout = captureStdout();
      t = name === 'embedded' ? await openEmbedded() : await openFabric(name);
      outcomes[name] = record;
      started = Date.now();
    });
    after(async () => {
      stdout?.stop();
      if (started) {
        timings[name] = Date.now() - started;
      }
      await t?.close();
    });

    it('proposes an agreement and activates it when the other party accepts', async () => {
      await submit(NL, 'admin', 'agreement', 'Propose', [agreementJson({ id: agreementId, parties: [NL, BE] })]);
      await submit(NL, 'admin', 'agreement', 'Propose', [agreementJson({ id: proposedOnly, parties: [NL, BE] })]);
      await submit(BE, 'admin', 'agreement', 'Accept', [agreementId]);
      const view = (await evaluate(DE, 'auditor', 'agreement', 'Get', [agreementId])) as { status: string; parties: string[]; categories: string[] };
      const pending = (await evaluate(DE, 'auditor', 'agreement', 'Get', [proposedOnly])) as { status: string };
      assert.equal(view.status, 'active');
      assert.equal(pending.status, 'proposed');
      record.agreement = { status: view.status, parties: view.parties, categories: view.categories, pending: pending.status };
    });

    it('lodges a declaration signed by its trader and one without a trader signature', async () => {
      signed = await makeLodgement(sampleDeclaration(), NL, newTrader());
      unsigned = await makeLodgement(sampleDeclaration(), NL, null);
      for (const l of [signed, unsigned]) {
        await submit(NL, 'officer', 'consignment', 'StoreDeclaration', l.args, { transient: l.transient, endorsement: 'named' });
        await submit(NL, 'officer', 'consignment', 'Lodge', l.args);
      }
      const a = (await get(NL, signed.declaration.ucr)).record;
      const b = (await get(NL, unsigned.declaration.ucr)).record;
      assert.equal(a.declarationHash, signed.declarationHash);
      assert.equal(b.declarationHash, unsigned.declarationHash);
      record.lodged = { signed: { status: a.status, hasTrader: a.trader !== null }, unsigned: { status: b.status, hasTrader: b.trader !== null } };
    });

    it("gets private fields at the originator only; another member's peer holds only the hash", async () => {
      const atNl = await get(NL, signed.declaration.ucr);
      const atBe = await get(BE, signed.declaration.ucr);
      const atDe = await get(DE, signed.declaration.ucr);
      assert.ok(atNl.private, 'the originator reads its private part');
      assert.equal(atBe.private, null);
      assert.equal(atDe.private, null);
      assert.deepEqual(atBe.record, atNl.record);
      record.get = { nl: Object.keys(atNl.private.fields).sort(), nlSources: atNl.private.sources, be: atBe.private, de: atDe.private };
    });

    it("shares NL→BE under the active agreement, endorsed by both: BE reads exactly the agreement's categories, DE nothing", async () => {
      const result = await submit(NL, 'officer', 'consignment', 'Share', shareArgs(signed, agreementId), {
        transient: { shared: sharedPayload(signed, ['goods', 'valuation']) },
        endorsingOrgs: [NL, BE],
      });
      const share = JSON.parse(result.payload.toString()) as ShareRecord;
      assert.deepEqual(share.categories, ['goods', 'valuation']);
      const atBe = await get(BE, signed.declaration.ucr);
      const atDe = await get(DE, signed.declaration.ucr);
      assert.deepEqual(Object.keys(atBe.private?.fields ?? {}).sort(), fieldsOfCategories(['goods', 'valuation']).sort());
      assert.equal(atDe.private, null);
      record.share = { categories: share.categories, beFields: Object.keys(atBe.private?.fields ?? {}).sort(), beCategories: atBe.private?.categories, de: atDe.private };
    });

    it('refuses with the same error codes: wrong organisation, agreement not active, category not covered, hash mismatch, bad signature', async () => {
      const badHash = await makeLodgement(sampleDeclaration(), NL, null);
      const lodgement = JSON.parse(badHash.args[0]!) as Record<string, unknown>;
      const badSig = await makeLodgement(sampleDeclaration(), NL, newTrader());
      const sigLodgement = JSON.parse(badSig.args[0]!) as Record<string, unknown>;
      const codes = {
        wrongOrganization: await refusal(submit(BE, 'officer', 'consignment', 'UpdateStatus', [signed.declaration.ucr, 'risk-assessed', 'x'])),
        agreementNotActive: await refusal(
          submit(NL, 'officer', 'consignment', 'Share', shareArgs(signed, proposedOnly), { transient: { shared: sharedPayload(signed, ['goods', 'valuation']) }, endorsingOrgs: [NL, BE] }),
        ),
        categoryNotCovered: await refusal(
          submit(NL, 'officer', 'consignment', 'Share', shareArgs(signed, agreementId, JSON.stringify(['parties'])), {
            transient: { shared: sharedPayload(signed, ['parties']) },
            endorsingOrgs: [NL, BE],
          }),
        ),
        hashMismatch: await refusal(
          submit(NL, 'officer', 'consignment', 'StoreDeclaration', [JSON.stringify({ ...lodgement, declarationHash: 'ab'.repeat(32) })], {
            transient: badHash.transient,
            endorsement: 'named',
          }),
        ),
        badSignature: await refusal(
          submit(NL, 'officer', 'consignment', 'Lodge', [JSON.stringify({ ...sigLodgement, trader: newTrader().address })]),
        ),
      };
      record.refusals = codes;
      assert.deepEqual(codes, {
        wrongOrganization: 'endorse:WRONG_ORGANIZATION',
        agreementNotActive: 'endorse:AGREEMENT_NOT_ACTIVE',
        categoryNotCovered: 'endorse:CATEGORY_NOT_COVERED',
        hashMismatch: 'endorse:HASH_MISMATCH',
        badSignature: 'endorse:BAD_SIGNATURE',
      });
    });

    it('moves a record through its status transitions and refuses an invalid one', async () => {
      const ucr = signed.declaration.ucr;
      const seen: string[] = [];
      for (const status of ['risk-assessed', 'held', 'released']) {
        await submit(NL, 'officer', 'consignment', 'UpdateStatus', [ucr, status, `to ${status}`]);
        seen.push((await get(NL, ucr)).record.status);
      }
      const invalid = await refusal(submit(NL, 'officer', 'consignment', 'UpdateStatus', [ucr, 'seized', 'too late']));
      assert.deepEqual(seen, ['risk-assessed', 'held', 'released']);
      assert.equal(invalid, 'endorse:INVALID_TRANSITION');
      const view = await get(BE, ucr);
      record.status = { seen, invalid, history: view.record.statusHistory.map((h) => h.status) };
    });

    it("lists a record's history", async () => {
      const { entries } = (await evaluate(DE, 'auditor', 'consignment', 'History', [signed.declaration.ucr])) as {
        entries: { txId: string; isDelete: boolean; record: { status: string } | null }[];
      };
      const statuses = entries.map((e) => e.record?.status ?? 'deleted');
      assert.deepEqual([...statuses].sort(), ['held', 'lodged', 'released', 'risk-assessed']);
      const lodgeTx = ours.find((o) => o.what === 'consignment:Lodge')!.txId;
      record.history = { statuses, lodgeTxAt: entries.findIndex((e) => e.txId === lodgeTx) };
    });

    it('invalidates a share endorsed by the originator alone (ENDORSEMENT_POLICY_FAILURE)', async () => {
      let failed: LedgerError | undefined;
      try {
        await submit(NL, 'officer', 'consignment', 'Share', shareArgs(signed, agreementId), {
          transient: { shared: sharedPayload(signed, ['goods', 'valuation']) },
          endorsement: 'named',
        });
      } catch (err) {
        failed = err as LedgerError;
      }
      assert.ok(failed instanceof LedgerError, 'the share must fail');
      record.nlAloneShare = outcomeOf(failed);
      assert.equal(record.nlAloneShare, 'commit:ENDORSEMENT_POLICY_FAILURE');
      const status = await target().peer[NL]!.transactionStatus(failed.transactionId!);
      assert.equal(status?.validationCode, 'ENDORSEMENT_POLICY_FAILURE');
      ours.push({ txId: failed.transactionId!, what: 'invalid:Share' });
    });

    it('invalidates one of two concurrent updates of one record (MVCC_READ_CONFLICT)', async () => {
      const update = (reason: string) => submit(NL, 'officer', 'consignment', 'UpdateStatus', [unsigned.declaration.ucr, 'risk-assessed', reason]);
      const results = await Promise.allSettled([update('first'), update('second')]);
      const outcome = results.map((r) => (r.status === 'fulfilled' ? 'OK' : outcomeOf(r.reason))).sort();
      const winner = results.find((r): r is PromiseFulfilledResult<SubmitResult> => r.status === 'fulfilled');
      const loser = results.find((r): r is PromiseRejectedResult => r.status === 'rejected')?.reason as LedgerError | undefined;
      const loserStatus = loser?.transactionId ? await target().peer[NL]!.transactionStatus(loser.transactionId) : undefined;
      if (loser?.transactionId) {
        ours.push({ txId: loser.transactionId, what: 'invalid:UpdateStatus' });
      }
      record.concurrent = outcome;
      console.log(`      ${name}: ${outcome.join(', ')}; winner in block ${winner?.value.blockNumber}, loser in block ${loserStatus?.blockNumber}`);
      assert.equal(winner !== undefined && loser !== undefined, true, 'exactly one of the two commits');
      assert.equal(loserStatus?.validationCode, loser!.details.validationCode);
      // The parity check below compares the code with the embedded ledger's (MVCC_READ_CONFLICT there).
      assert.ok(['commit:MVCC_READ_CONFLICT', 'commit:ENDORSEMENT_POLICY_FAILURE'].includes(outcome[1]!), outcome[1]);
    });

    it('replays contract events from block 0, valid transactions only', async () => {
      const events: { name: string; txId: string; block: number }[] = [];
      const stop = await target().peer[DE]!.onContractEvents(0, (e) => events.push({ name: e.name, txId: e.transactionId, block: e.blockNumber }));
      stop();
      for (let i = 1; i < events.length; i++) {
        assert.ok(events[i]!.block >= events[i - 1]!.block, 'events in ledger order');
      }
      const byTx = new Map(events.map((e) => [e.txId, e.name]));
      const mine = ours.map((o) => ({ what: o.what, event: byTx.get(o.txId) ?? null }));
      assert.ok(mine.filter((m) => m.what.startsWith('invalid:')).every((m) => m.event === null), 'no events of invalid transactions');
      record.events = mine;
    });

    it('serves blocks as Fabric common.Block bytes that decode, chain by header hash and match blockInfo', async () => {
      const nl = target().peer[NL]!;
      const height = await nl.blockHeight();
      let previous: Buffer | undefined;
      const functions = new Map<string, string>();
      const configOrLifecycle: string[] = [];
      for (let n = 0; n < height; n++) {
        const block = readBlock(await nl.blockBytes(n));
        assert.equal(block.number, n);
        const hash = blockHeaderHash(block.number, block.previousHash, block.dataHash);
        if (previous) {
          assert.ok(block.previousHash.equals(previous), `block ${n} chains to block ${n - 1}`);
        }
        previous = hash;
        const info = await nl.blockInfo(n);
        assert.equal(info.headerHash, hash.toString('hex'));
        info.transactions.forEach((tx, i) => {
          functions.set(tx.transactionId, tx.function);
          const decoded = readEnvelope(block.envelopes[i]!);
          if (decoded.chaincode !== 'customs-ledger') {
            configOrLifecycle.push(`${n}:${tx.function}`);
            assert.equal(tx.function, decoded.chaincode === '' ? 'config' : `${decoded.chaincode}:${decoded.args[0]}`);
            assert.match(tx.function, /^(config|_lifecycle:[A-Z][A-Za-z]+)$/);
          }
        });
      }
      record.blockFunctions = ours.map((o) => ({ what: o.what, fn: functions.get(o.txId) ?? null }));
      for (const o of ours) {
        assert.equal(functions.get(o.txId), o.what.replace(/^invalid:/, 'consignment:'));
      }
      console.log(`      ${name}: ${height} blocks; config/lifecycle transactions: ${configOrLifecycle.length}`);
    });

    it("finds no finding when the auditor replays the ledger from the authority's blocks", async function () {
      this.timeout(600_000);
      const report = await replay({ source: blockSources.backend(target().peer[NL]!) });
      record.auditFindings = report.findings.map((f) => `${f.rule}: ${f.message}`);
      const g = report.trustedGenesis;
      console.log(
        `      ${name}: replayed ${report.transactions} transactions (${report.validTransactions} valid) in ${report.blocks} blocks; genesis ${g.hash.slice(0, 16)}… ${g.signedBy ? `signed by ${g.signedBy}` : 'unsigned (trusted by its hash)'}; config blocks after 0: ${report.configBlocks.length}`,
      );
      if (report.findings.length > 0) {
        const rules = new Map<string, number>();
        report.findings.forEach((f) => rules.set(f.rule, (rules.get(f.rule) ?? 0) + 1));
        console.log(`      ${name}: ${report.findings.length} findings by rule: ${JSON.stringify(Object.fromEntries(rules))}`);
        for (const f of report.findings.slice(0, 12)) {
          console.log(`        block ${f.block} tx ${f.tx} ${f.rule}: ${f.message}`);
        }
      }
      assert.deepEqual(report.findings, []);
    });

    it('prints nothing of the Fabric client libraries to stdout, refusals included', () => {
      // fabric-common's winston logger writes "<time> - error: [Transaction]: ..." lines with stacks
      const sdkLines = stdout!.matching(/ - (error|warn|info|debug): \[|^\s+at .*node_modules\/fabric-/);
      assert.deepEqual(sdkLines.slice(0, 5), [], `${sdkLines.length} lines of the Fabric SDK on stdout`);
    });
  });
}

describe('parity: every Fabric outcome equals the embedded ledger’s', () => {
  const keys = ['agreement', 'lodged', 'get', 'share', 'refusals', 'status', 'history', 'nlAloneShare', 'concurrent', 'events', 'blockFunctions'];
  for (const fabricName of ['fabric-network', 'fabric-gateway'] as const) {
    for (const key of keys) {
      it(`${fabricName}: ${key}`, function () {
        const embedded = outcomes.embedded?.[key];
        const real = outcomes[fabricName]?.[key];
        if (real === undefined || embedded === undefined) {
          if (fabricRequired) {
            assert.fail(`no outcome of "${key}" was recorded on ${real === undefined ? fabricName : 'embedded'}`);
          }
          this.skip();
        }
        assert.deepEqual(embedded, real, `embedded differs from ${fabricName} in "${key}"`);
      });
    }
  }
});
