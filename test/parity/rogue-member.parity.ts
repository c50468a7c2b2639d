/**
 * A hostile member: the Netherlands' authority runs its own build of the
 * chaincode on its own peer — the honest contracts plus raw writes with no
 * authorisation check (test/support/rogue-contract.ts) — installed on that
 * peer only (on Fabric: `network.sh install-variant`, i.e. install and
 * approveformyorg of the committed definition with its own package; on the
 * embedded ledger: that peer's contracts). With it, it tries to forge or
 * erase the other members' data, endorsed by its own peer alone and, where
 * that could help, by its own peer and one honest peer. Every attempt must
 * be invalidated by the ledger or refused by the honest endorser; afterwards
 * the honest authorities' data is as it was, their gateways keep answering,
 * and the auditor's replay finds no accepted forgery.
 */
import { strict as assert } from 'node:assert';
import { cp, mkdtemp, readFile, rm, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { contracts } from 'customs-ledger-chaincode';
import { canonicalJson, type RecordView, type ShareRecord } from 'customs-ledger-chaincode/domain';
import { blockSources, replay, type Finding } from 'customs-ledger-gateway/dist/audit';
import { backends, EmbeddedNetwork, LedgerError, type ContractName, type LedgerBackend } from 'customs-ledger-gateway/dist/ledger';
import { lodgeOn, makeLodgement, sampleDeclaration, type Lodgement } from '../support/fixtures';
import { ROOT, needFabric, networkScript } from '../support/parity-fabric';
import { BE, DE, NL, PARITY_MEMBERS, openFabric, type ParityTarget, type Role } from '../support/parity-targets';
import { RogueContract } from '../support/rogue-contract';
import { agreementJson, sharedPayload } from '../support/scenario';


interface Attempt {
  what: string;
  fn: 'Put' | 'Delete' | 'SetPolicy' | 'PutPrivate' | 'PurgePrivate';
  args: string[];
  /** the honest peers asked to endorse besides the rogue one */
  with?: string[];
}

type Outcome = 'invalidated' | 'refused' | 'committed';

const k = (type: string, ...attributes: string[]): string => JSON.stringify({ type, attributes });
const orgs = (...o: string[]): string => JSON.stringify({ orgs: o });
const collection = (mspId: string): string => `_implicit_org_${mspId}`;


/** The chaincode package as a member builds it for itself: the honest build with the raw-write contract added. */
async function rogueChaincodeDir(dir: string): Promise<string> {
  const out = join(dir, 'rogue-chaincode');
  const chaincode = join(ROOT, 'chaincode');
  await cp(join(chaincode, 'dist'), join(out, 'dist'), { recursive: true });
  await cp(join(chaincode, 'package.json'), join(out, 'package.json'));
  await cp(join(ROOT, 'test', 'dist', 'support', 'rogue-contract.js'), join(out, 'dist', 'rogue-contract.js'));
  const index = join(out, 'dist', 'index.js');
  await writeFile(index, `${await readFile(index, 'utf8')}\nexports.contracts = [...exports.contracts, require('./rogue-contract').RogueContract];\n`);
  return out;
}

async function openEmbeddedWithRogue(dir: string, endorsementPolicy: 'majority' | 'any' = 'majority'): Promise<ParityTarget> {
  const embedded = await EmbeddedNetwork.start({
    dataDir: join(dir, 'ledger'),
    channelId: 'customs',
    members: [...PARITY_MEMBERS],
    syncWrites: false,
    chaincode: { endorsementPolicy },
    peerContracts: { [NL]: [...contracts, RogueContract] },
  });
  const peer: Record<string, LedgerBackend> = {};
  const wallet: ParityTarget['wallet'] = {};
  for (const msp of PARITY_MEMBERS) {
    peer[msp] = backends.embedded(embedded, msp);
    wallet[msp] = embedded.wallet(msp);
  }
  return { name: 'embedded', peer, wallet, close: () => embedded.close() };
}

describe('rogue member against a chaincode policy of ANY member (Fabric\'s weakest)', () => {
  it('commits a record forged in another member\'s name: what the MAJORITY policy prevents', async () => {
    const dir = await mkdtemp(join(tmpdir(), 'customs-rogue-any-'));
    const t = await openEmbeddedWithRogue(dir, 'any');
    try {
      const ucr = sampleDeclaration({ office: 'BEANR', destinationCountry: 'BE' }).ucr;
      const result = await t.peer[NL]!.submit({
        identity: t.wallet[NL]!.officer,
        contract: 'rogue' as ContractName,
        fn: 'Put',
        args: [k('consignment', ucr), JSON.stringify({ docType: 'consignment', ucr, originator: BE }), orgs(BE)],
        endorsement: 'named',
      });
      assert.ok(result.blockNumber > 0, 'the forgery committed as VALID');
    } finally {
      await t.close();
      await rm(dir, { recursive: true, force: true });
    }
  });
});

for (const backendName of ['embedded', 'fabric'] as const) {
  describe(`rogue member on ${backendName === 'embedded' ? 'the embedded ledger' : 'real Fabric'}: NL runs its own chaincode`, function () {
    this.timeout(600_000);
    let dir: string;
    let t: ParityTarget | undefined;
    let rogueInstalled = false;
    const runId = Date.now().toString(36).toUpperCase();
    const agreementId = `AGR-ROGUE-${runId}`;
    const proposedId = `AGR-ROGUE-P-${runId}`;
    let rBe: Lodgement;
    let rNl: Lodgement;
    let share: ShareRecord;
    /** the transactions of the attempts the rogue peer endorsed alone, for the auditor's list */
    const soloAttempts: string[] = [];
    const baseline: Record<string, string> = {};
    /** the chain's height before this run: a Fabric network may hold an earlier run's own-key rewrites, which the replay rightly reports */
    let startHeight = 0;
    const thisRun = (findings: Finding[]): Finding[] => findings.filter((f) => f.block === null || f.block >= startHeight);

    const submit = (msp: string, role: Role, contract: ContractName, fn: string, args: string[], extra: { transient?: Record<string, unknown>; endorsingOrgs?: string[] } = {}) =>
      t!.peer[msp]!.submit({
        identity: t!.wallet[msp]![role],
        contract,
        fn,
        args,
        ...(extra.transient ? { transient: Object.fromEntries(Object.entries(extra.transient).map(([key, v]) => [key, Buffer.from(JSON.stringify(v))])) } : {}),
        ...(extra.endorsingOrgs ? { endorsingOrgs: extra.endorsingOrgs } : {}),
      });
    const view = async (msp: string, ucr: string): Promise<string> =>
      canonicalJson(JSON.parse((await t!.peer[msp]!.evaluate({ identity: t!.wallet[msp]!.officer, contract: 'consignment', fn: 'Get', args: [ucr] })).toString()) as RecordView);
    const agreementView = async (msp: string, id: string): Promise<string> =>
      (await t!.peer[msp]!.evaluate({ identity: t!.wallet[msp]!.admin, contract: 'agreement', fn: 'Get', args: [id] })).toString();

    before(async function () {
      dir = await mkdtemp(join(tmpdir(), 'customs-rogue-'));
      if (backendName === 'fabric') {
        await needFabric(this, 'on real Fabric');
        await networkScript(['install-variant', NL, await rogueChaincodeDir(dir)]);
        rogueInstalled = true;
        t = await openFabric('fabric-gateway');
      } else {
        t = await openEmbeddedWithRogue(dir);
      }
      startHeight = await t.peer[DE]!.blockHeight();
      // The honest authorities' data the rogue member goes after.
      await submit(NL, 'admin', 'agreement', 'Propose', [agreementJson({ id: agreementId, parties: [NL, BE] })]);
      await submit(BE, 'admin', 'agreement', 'Accept', [agreementId]);
      await submit(NL, 'admin', 'agreement', 'Propose', [agreementJson({ id: proposedId, parties: [NL, DE] })]);
      rBe = await makeLodgement(sampleDeclaration({ office: 'BEANR', destinationCountry: 'BE' }), BE, null);
      await lodgeOn(t.peer[BE]!, t.wallet[BE]!.officer, rBe);
      rNl = await makeLodgement(sampleDeclaration(), NL, null);
      await lodgeOn(t.peer[NL]!, t.wallet[NL]!.officer, rNl);
      share = JSON.parse(
        (
          await submit(NL, 'officer', 'consignment', 'Share', [rNl.declaration.ucr, BE, agreementId, 'risk-assessment', ''], {
            transient: { shared: sharedPayload(rNl, ['goods', 'valuation']) },
            endorsingOrgs: [BE],
          })
        ).payload.toString(),
      ) as ShareRecord;
      baseline.beRecord = await view(BE, rBe.declaration.ucr);
      baseline.beSees = await view(BE, rNl.declaration.ucr);
      baseline.agreement = await agreementView(BE, agreementId);
      baseline.proposed = await agreementView(DE, proposedId);
    });

    after(async () => {
      await t?.close();
      if (rogueInstalled) {
        await networkScript(['install-variant', NL, join(ROOT, 'chaincode')]);
      }
      if (dir) {
        await rm(dir, { recursive: true, force: true });
      }
    });

    it('has every forgery and erasure invalidated or refused, and the honest members\' data as it was', async () => {
      const beUcr = rBe.declaration.ucr;
      const nlUcr = rNl.declaration.ucr;
      const forgedRecord = JSON.stringify({ ...(JSON.parse(baseline.beRecord!) as RecordView).record, status: 'seized' });
      const squatted = sampleDeclaration({ office: 'BEANR', destinationCountry: 'BE' }).ucr;
      const alone: Omit<Attempt, 'with'>[] = [
        { what: 'a record in BE\'s name (a new key)', fn: 'Put', args: [k('consignment', squatted), JSON.stringify({ docType: 'consignment', ucr: squatted, originator: BE }), orgs(BE)] },
        { what: 'a UCR squatted before its owner, policed by the squatter', fn: 'Put', args: [k('consignment', squatted), JSON.stringify({ docType: 'consignment', ucr: squatted, originator: NL }), orgs(NL)] },
        { what: 'BE\'s record overwritten (status seized)', fn: 'Put', args: [k('consignment', beUcr), forgedRecord, ''] },
        { what: 'BE\'s record deleted', fn: 'Delete', args: [k('consignment', beUcr)] },
        { what: 'BE\'s record re-policed to NL', fn: 'SetPolicy', args: [k('consignment', beUcr), orgs(NL)] },
        { what: 'BE\'s status index entry deleted', fn: 'Delete', args: [k('consignment-status', 'lodged', beUcr)] },
        { what: 'BE\'s office index entry re-policed', fn: 'SetPolicy', args: [k('consignment-office', 'BEANR', beUcr), orgs(NL)] },
        { what: 'a forged index entry in BE\'s listing', fn: 'Put', args: [k('consignment-status', 'released', beUcr), '\u0000', ''] },
        { what: 'an acceptance in DE\'s name', fn: 'Put', args: [k('acceptance', proposedId, DE), JSON.stringify({ docType: 'acceptance', agreementId: proposedId, party: DE }), orgs(DE)] },
        { what: 'BE\'s acceptance deleted', fn: 'Delete', args: [k('acceptance', agreementId, BE)] },
        { what: 'the agreement\'s terms rewritten by one party', fn: 'Put', args: [k('agreement', agreementId), baseline.agreement!.replace('"goods"', '"parties","goods"'), ''] },
        { what: 'the agreement deleted by one party', fn: 'Delete', args: [k('agreement', agreementId)] },
        { what: 'an agreement id squatted before its proposer', fn: 'Put', args: [k('agreement', `AGR-BE-DE-${runId}`), JSON.stringify({ docType: 'agreement', id: `AGR-BE-DE-${runId}`, parties: [BE, DE] }), orgs(NL)] },
        { what: 'an agreement-party index entry deleted', fn: 'Delete', args: [k('agreement-party', BE, agreementId)] },
        { what: 'a share between BE and DE', fn: 'Put', args: [k('share', beUcr, 'forged'), JSON.stringify({ docType: 'share', ucr: beUcr, from: BE, to: DE }), orgs(BE, DE)] },
        { what: 'the share NL→BE deleted', fn: 'Delete', args: [k('share', nlUcr, share.shareId)] },
        { what: 'a share-agreement index entry deleted', fn: 'Delete', args: [k('share-agreement', agreementId, nlUcr, share.shareId)] },
        { what: 'an access request in BE\'s name', fn: 'Put', args: [k('access', nlUcr, 'forged'), JSON.stringify({ docType: 'access', ucr: nlUcr, by: BE }), orgs(BE)] },
        { what: 'a purge receipt in BE\'s name', fn: 'Put', args: [k('purge', nlUcr, share.shareId), JSON.stringify({ docType: 'purge', ucr: nlUcr, holder: BE }), orgs(BE)] },
        { what: 'a write into BE\'s implicit collection', fn: 'PutPrivate', args: [collection(BE), k('shared', nlUcr, 'forged'), '{"fields":{}}'] },
        { what: 'BE\'s received copy purged from its collection', fn: 'PurgePrivate', args: [collection(BE), k('shared', nlUcr, share.shareId)] },
        { what: 'BE\'s own declaration overwritten in its collection', fn: 'PutPrivate', args: [collection(BE), k('declaration', beUcr), '{}'] },
      ];
      // The same, endorsed by the rogue peer and one honest peer: the honest chaincode has no raw writes.
      const withHonest: Attempt[] = [
        { what: 'a record in BE\'s name, with DE\'s peer asked too', fn: 'Put', args: alone[0]!.args, with: [DE] },
        { what: 'BE\'s record overwritten, with DE\'s peer asked too', fn: 'Put', args: alone[2]!.args, with: [DE] },
        { what: 'an acceptance in DE\'s name, with DE\'s peer asked too', fn: 'Put', args: alone[8]!.args, with: [DE] },
        { what: 'the agreement rewritten, with BE\'s peer asked too', fn: 'Put', args: alone[10]!.args, with: [BE] },
        { what: 'a write into BE\'s collection, with BE\'s peer asked too', fn: 'PutPrivate', args: alone[19]!.args, with: [BE] },
      ];
      const attempts: Attempt[] = [...alone, ...withHonest];
      const outcomes: { what: string; outcome: Outcome; detail: string; txId?: string }[] = [];
      for (const a of attempts) {
        let outcome: Outcome;
        let detail: string;
        let txId: string | undefined;
        try {
          await t!.peer[NL]!.submit({
            identity: t!.wallet[NL]!.officer,
            contract: 'rogue' as ContractName,
            fn: a.fn,
            args: a.args,
            ...(a.with ? { endorsingOrgs: a.with } : {}),
            endorsement: 'named',
            onTransactionId: (id) => (txId = id),
          });
          outcome = 'committed';
          detail = 'VALID';
        } catch (err) {
          assert.ok(err instanceof LedgerError, String(err));
          outcome = err.details.validationCode !== undefined ? 'invalidated' : 'refused';
          detail = err.details.validationCode ?? `${err.stage}: ${err.message.slice(0, 120)}`;
        }
        outcomes.push({ what: a.what, outcome, detail, ...(txId !== undefined ? { txId } : {}) });
      }
      const committed = outcomes.filter((o) => o.outcome === 'committed');
      console.log(
        `      rogue member: ${attempts.length} forgery attempts, ${attempts.length - committed.length} invalidated or refused, ${committed.length} committed valid`,
      );
      for (const o of outcomes) {
        console.log(`        ${o.outcome.padEnd(11)} ${o.what} (${o.detail})`);
      }
      assert.deepEqual(committed, [], 'no forgery may commit as VALID');
      assert.ok(outcomes.slice(0, alone.length).every((o) => o.outcome === 'invalidated'), 'what the rogue peer endorses alone is invalidated');
      soloAttempts.push(...outcomes.slice(0, alone.length).map((o) => o.txId!));

      // The honest members' data is as it was, and their gateways keep answering.
      const recordOf = (v: string): string => canonicalJson((JSON.parse(v) as RecordView).record);
      assert.ok((await view(BE, beUcr)) === baseline.beRecord, 'BE\'s record, as BE sees it, is unchanged');
      assert.ok(recordOf(await view(DE, beUcr)) === recordOf(baseline.beRecord), 'BE\'s record, as DE sees it, is unchanged');
      assert.ok((await view(BE, nlUcr)) === baseline.beSees, 'what BE received from NL is unchanged');
      assert.ok((await agreementView(BE, agreementId)) === baseline.agreement, 'the agreement is unchanged');
      assert.ok((await agreementView(DE, proposedId)) === baseline.proposed, 'the proposed agreement is unchanged');
      await submit(BE, 'officer', 'consignment', 'UpdateStatus', [beUcr, 'risk-assessed', 'after the attacks']);
      assert.equal((JSON.parse(await view(DE, beUcr)) as RecordView).record.status, 'risk-assessed');
    });

    it('leaves the auditor\'s replay of an honest member\'s blocks without finding: no forgery was accepted', async () => {
      const report = await replay({ source: blockSources.backend(t!.peer[DE]!) });
      const invalid = report.transactions - report.validTransactions;
      console.log(`      replay of DE's blocks: ${report.transactions} transactions, ${invalid} invalid (the attempts among them), ${thisRun(report.findings).length} findings in this run`);
      assert.deepEqual(thisRun(report.findings), []);
      assert.ok(invalid >= 22, `${invalid} invalid transactions`);
      // every attempt the rogue peer endorsed alone (in this run: the Fabric network may hold earlier ones) is listed as a refused write by NL
      const byRogue = report.refusedWrites.filter((r) => soloAttempts.includes(r.txId));
      assert.equal(byRogue.length, soloAttempts.length, JSON.stringify(report.refusedWrites.slice(0, 3)));
      assert.equal(soloAttempts.length, 22);
      assert.ok(byRogue.every((r) => r.creator === NL && r.fn.startsWith('rogue:')));
      assert.ok(byRogue.every((r) => r.endorsedBy.join() === NL && r.reason.length > 0));
      console.log(`      the replay lists ${report.refusedWrites.length} refused writes, e.g. ${byRogue[0]!.fn}: ${byRogue[0]!.reason}`);
    });

    it('lets NL rewrite only what it owns, and every honest reader skips what it wrote there and names it; the auditor reports it', async () => {
      // NL's own record and its own acceptance: keys whose key-level policy names NL alone, so Fabric commits these.
      const rOwn = await makeLodgement(sampleDeclaration(), NL, null);
      await lodgeOn(t!.peer[NL]!, t!.wallet[NL]!.officer, rOwn);
      const ucr = rOwn.declaration.ucr;
      const ownWrites = [
        { what: 'its own record, as bytes that are no record', args: [k('consignment', ucr), '{"docType":"consignment","ucr":', ''] },
        {
          what: 'its own acceptance, rewritten to name BE\'s',
          args: [k('acceptance', agreementId, NL), JSON.stringify({ docType: 'acceptance', agreementId, party: BE, acceptedAt: '2026-01-01T00:00:00.000Z', txId: 'x' }), ''],
        },
      ];
      const txIds: string[] = [];
      for (const w of ownWrites) {
        await t!.peer[NL]!.submit({
          identity: t!.wallet[NL]!.officer,
          contract: 'rogue' as ContractName,
          fn: 'Put',
          args: w.args,
          endorsement: 'named',
          onTransactionId: (id) => txIds.push(id),
        });
      }
      const ask = async (msp: string, role: Role, contract: ContractName, fn: string, args: string[]): Promise<unknown> =>
        JSON.parse((await t!.peer[msp]!.evaluate({ identity: t!.wallet[msp]![role], contract, fn, args })).toString()) as unknown;
      for (const msp of [BE, DE]) {
        // A listing skips the record and names it.
        let found: { key: string; reason: string } | undefined;
        let bookmark = '';
        for (let page = 0; page < 100 && found === undefined; page++) {
          const answer = (await ask(msp, 'officer', 'consignment', 'List', [JSON.stringify({ by: 'office', value: rOwn.declaration.office, pageSize: 200, bookmark })])) as {
            records: { ucr: string }[];
            bookmark: string;
            skipped: { key: string; reason: string }[];
          };
          assert.ok(!answer.records.some((r) => r.ucr === ucr));
          found = answer.skipped.find((sk) => sk.key === `consignment/${ucr}`);
          if (answer.records.length + answer.skipped.length < 200) {
            break;
          }
          bookmark = answer.bookmark;
        }
        assert.ok(found && /not JSON/.test(found.reason), `${msp}'s listing names the record it left out`);
        // A read of it alone is a coded refusal, not a failure.
        await assert.rejects(
          t!.peer[msp]!.evaluate({ identity: t!.wallet[msp]!.officer, contract: 'consignment', fn: 'Get', args: [ucr] }),
          (err: unknown) => err instanceof LedgerError && err.refusal?.code === 'MALFORMED_DOCUMENT',
        );
        // The acceptance naming BE counts for nobody: the agreement waits for NL again.
        const agreement = (await ask(msp, 'admin', 'agreement', 'Get', [agreementId])) as { acceptedBy: string[]; status: string };
        assert.deepEqual(agreement.acceptedBy, [BE]);
        assert.equal(agreement.status, 'proposed');
        const activity = (await ask(msp, 'auditor', 'consignment', 'AgreementActivity', [agreementId])) as { shares: unknown[]; skipped: unknown[] };
        assert.equal(activity.shares.length, 1);
      }
      const report = await replay({ source: blockSources.backend(t!.peer[DE]!) });
      const findings = thisRun(report.findings).filter((f) => f.txId !== null && txIds.includes(f.txId));
      console.log(
        `      rogue member's own keys: ${ownWrites.length} rewrites committed (allowed: it owns them), skipped by every honest reader; the replay reports ${findings.map((f) => f.rule).join(', ')}`,
      );
      assert.deepEqual(thisRun(report.findings).filter((f) => !findings.includes(f)), [], 'no other finding');
      for (const txId of txIds) {
        assert.ok(findings.some((f) => f.txId === txId), `the replay reports transaction ${txId}`);
      }
    });
  });
}
