import { strict as assert } from 'node:assert';
import { spawn } from 'node:child_process';
import { mkdtemp, rm, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import {
  addDays,
  canonicalBytes,
  commitDeclaration,
  splitDeclaration,
  type ConsignmentRecord,
  type RecordView,
} from 'customs-ledger-chaincode/domain';
import {
  agreementReport,
  blockSources,
  closeSignatureWorkers,
  formatAgreementReport,
  formatFindings,
  peerStoreState,
  replay,
  startSignatureWorkers,
  stateAt,
  type Finding,
} from 'customs-ledger-gateway/dist/audit';
import { createCompositeKey } from 'customs-ledger-gateway/dist/fabric-format/keys';
import type { Signer } from 'customs-ledger-gateway/dist/fabric-format/identity';
import { BE, CHANNEL_ID, DE, NL, blocksOf, buildAuditLedger, type AuditLedger } from '../../../support/audit-ledger';
import { appendBlock, emptyRwset, forgeEnvelope, forgeNamespacesEnvelope, rechain, resign, withEnvelopes, withUnsignedGenesis } from '../../../support/audit-forgery';
import { tamperedCopies } from '../../../support/audit-tampering';
import { makeLodgement, newTrader, sampleDeclaration } from '../../../support/fixtures';
import { readBlock, readEnvelope } from 'customs-ledger-gateway/dist/fabric-format/block-reader';

const key = (type: string, ...attrs: string[]): string => createCompositeKey(type, attrs);
const bytes = (o: unknown): Uint8Array => canonicalBytes(o);
const rules = (findings: readonly Finding[]): string[] => [...new Set(findings.map((f) => f.rule))].sort();

describe('auditor replay of the whole ledger', function () {
  this.timeout(300_000);
  let ledger: AuditLedger;
  let clean: Uint8Array[];
  let orderer: Signer;

  before(async () => {
    ledger = await buildAuditLedger();
    clean = await blocksOf(ledger.backends[NL]!);
    orderer = await ledger.orderer();
  });
  after(async () => {
    await ledger.close();
    await closeSignatureWorkers();
  });

  /** The findings of a replay with the default worker threads, which must equal those of a replay on the main thread alone. */
  const findingsOf = async (blocks: Uint8Array[]): Promise<Finding[]> => {
    const onMainThread = (await replay({ source: blockSources.memory(blocks), workers: 0 })).findings;
    const withWorkers = (await replay({ source: blockSources.memory(blocks) })).findings;
    assert.deepEqual(withWorkers, onMainThread, 'worker threads and the main thread find the same');
    return withWorkers;
  };

  /** a transaction of NL endorsed by NL's and DE's peers: a colluding majority */
  const nlWithDe = async (role: 'admin1' | 'officer1') => ({
    channelId: CHANNEL_ID,
    creator: await ledger.signer(NL, role),
    endorsers: [await ledger.signer(NL, 'peer0'), await ledger.signer(DE, 'peer0')],
  });

  it('replays a clean ledger with zero findings, and its state equals every peer\'s', async () => {
    const started = process.hrtime.bigint();
    const report = await replay({ source: blockSources.backend(ledger.backends[NL]!), compareWith: peerStoreState(ledger.network.peer(NL).store) });
    const ms = Number(process.hrtime.bigint() - started) / 1e6;
    assert.deepEqual(report.findings, [], formatFindings(report.findings));
    assert.equal(report.blocks, clean.length);
    const invalid = report.transactions - report.validTransactions;
    assert.ok(invalid >= 2, 'the ledger holds an MVCC-invalidated update and a refused share');
    // the same counts as the peer's own validation codes, the genesis CONFIG transaction among the valid ones
    const codes: string[] = [];
    for (let n = 0; n < clean.length; n++) {
      codes.push(...(await ledger.backends[NL]!.blockInfo(n)).transactions.map((t) => t.validationCode));
    }
    assert.equal(report.transactions, codes.length);
    assert.equal(report.validTransactions, codes.filter((c) => c === 'VALID').length);
    console.log(`      replayed ${report.transactions} transactions in ${report.blocks} blocks in ${ms.toFixed(0)} ms (${((report.transactions * 1000) / ms).toFixed(0)} tx/s, every signature checked)`);
    for (const msp of [BE, DE]) {
      const other = await replay({ source: blockSources.memory(clean), compareWith: peerStoreState(ledger.network.peer(msp).store) });
      assert.deepEqual(other.findings, [], formatFindings(other.findings));
    }
  });

  it('continues from a checkpoint where the last replay stopped, with the same result', async () => {
    const dir = await mkdtemp(join(tmpdir(), 'customs-audit-checkpoint-'));
    try {
      const half = Math.floor(clean.length / 2);
      const first = await replay({ source: blockSources.memory(clean), checkpoint: dir, to: half });
      assert.equal(first.toBlock, half);
      const second = await replay({ source: blockSources.memory(clean), checkpoint: dir, compareWith: peerStoreState(ledger.network.peer(NL).store) });
      assert.equal(second.fromBlock, half + 1);
      assert.deepEqual(second.findings, []);
      const whole = await replay({ source: blockSources.memory(clean) });
      assert.equal(second.headHash, whole.headHash);
      const third = await replay({ source: blockSources.memory(clean), checkpoint: dir });
      assert.equal(third.blocks, 0);
    } finally {
      await rm(dir, { recursive: true, force: true });
    }
  });

  it('rebuilds the state at any block', async () => {
    const ucr = ledger.lodged[0]!.declaration.ucr;
    // The block whose transaction wrote the record: the four lodgements are sent at once, but how the
    // orderer batches them depends on timing.
    const recordKey = createCompositeKey('consignment', [ucr]);
    const writesRecord = (envelope: Uint8Array): boolean => {
      try {
        return readEnvelope(envelope).rwset.writes.some((w) => w.key === recordKey);
      } catch {
        return false; // the genesis block's configuration
      }
    };
    const lodgeBlock = clean.findIndex((b) => readBlock(b).envelopes.some(writesRecord));
    assert.ok(lodgeBlock > 0, 'the record was lodged in a block after the genesis block');
    const at = await stateAt({ source: blockSources.memory(clean), objectType: 'consignment' }, lodgeBlock);
    const record = at.entries.find((e) => e.attributes[0] === ucr);
    assert.equal((record?.value as ConsignmentRecord | undefined)?.status, 'lodged');
    const before = await stateAt({ source: blockSources.memory(clean), objectType: 'consignment' }, lodgeBlock - 1);
    assert.equal(before.entries.find((e) => e.attributes[0] === ucr), undefined);
    assert.ok(before.entries.length < at.entries.length);
    const now = await stateAt({ source: blockSources.memory(clean), objectType: 'consignment' }, clean.length - 1);
    assert.equal((now.entries.find((e) => e.attributes[0] === ucr)?.value as ConsignmentRecord).status, 'risk-assessed');
  });

  it('reports shares, access requests and purges per agreement, as JSON and as a table', async () => {
    const nlBe = await agreementReport({ source: blockSources.memory(clean) }, 'AGR-NL-BE');
    assert.equal(nlBe.status, 'active');
    assert.equal(nlBe.shares.length, 1);
    assert.equal(nlBe.accesses.length, 1);
    assert.equal(nlBe.accesses[0]!.by, BE);
    assert.equal(nlBe.purges.length, 0);
    const nlDe = await agreementReport({ source: blockSources.memory(clean) }, 'AGR-NL-DE');
    assert.equal(nlDe.status, 'terminated');
    assert.equal(nlDe.purges.length, 1);
    assert.equal(nlDe.purges[0]!.reason, 'agreement-terminated');
    assert.equal(nlDe.shares[0]!.purgedAt, nlDe.purges[0]!.purgedAt);
    assert.deepEqual(nlDe.overdue, []);
    const text = formatAgreementReport(nlDe);
    assert.match(text, /Agreement AGR-NL-DE: terminated/);
    assert.match(text, /agreement-terminated/);
    const late = await agreementReport({ source: blockSources.memory(clean), asOf: new Date('2028-06-01T00:00:00Z') }, 'AGR-NL-BE');
    assert.equal(late.overdue.length, 1, 'a copy past its retention and never purged is reported');
  });

  it('detects every one of at least 200 systematically tampered copies, at the right block, with no finding before it', async () => {
    const foreign = [await ledger.signer(DE, 'officer1'), await ledger.signer(NL, 'officer1')];
    let count = 0;
    const missed: string[] = [];
    const kinds = new Map<string, number>();
    for (const copy of tamperedCopies(clean, foreign, orderer)) {
      count += 1;
      const findings = await findingsOf(copy.blocks);
      const hit = findings.some(
        (f) => f.block === copy.expect.block && (copy.expect.tx === undefined || f.tx === copy.expect.tx) && (copy.expect.rule === undefined || f.rule === copy.expect.rule),
      );
      const early = findings.filter((f) => f.block !== null && f.block < copy.expect.block);
      if (!hit || early.length > 0) {
        missed.push(`${copy.name}: ${hit ? 'false finding before the damage' : 'not found'}\n${formatFindings(findings)}`);
      }
      const kind = copy.name.replace(/^block \d+( tx \d+)?: /, '').replace(/ at \d+%/, '').replace(/[A-Z_]+ → [A-Z_]+/, 'flipped');
      kinds.set(kind, (kinds.get(kind) ?? 0) + 1);
    }
    console.log(`      ${count} tampered copies: ${[...kinds].map(([k, v]) => `${v} × ${k}`).join('; ')}`);
    assert.ok(count >= 200, `only ${count} tampered copies`);
    assert.deepEqual(missed, []);
  });

  describe('what a real Fabric ledger holds besides the chaincode\'s transactions', () => {
    const SEQUENCE = 'namespaces/fields/customs-ledger/Sequence';
    const cut = (chain: Uint8Array[], ...envelopes: { envelope: Uint8Array }[]): Uint8Array[] =>
      envelopes.reduce((c, e) => appendBlock(c, [e.envelope], ['VALID'], orderer), chain);
    const approve = async (msp: string) =>
      forgeNamespacesEnvelope({
        channelId: CHANNEL_ID,
        creator: await ledger.signer(msp, 'admin1'),
        endorsers: [await ledger.signer(msp, 'peer0'), await ledger.signer(msp === DE ? BE : DE, 'peer0')],
        chaincode: '_lifecycle',
        args: ['ApproveChaincodeDefinitionForMyOrg'],
        namespaces: [
          { namespace: '_lifecycle', rwset: { ...emptyRwset(), reads: [{ key: SEQUENCE, version: null }], privateWrites: [{ collection: `_implicit_org_${msp}`, key: 'namespaces/metadata/customs-ledger#1', value: bytes({ approved: msp }) }] } },
          { namespace: 'lscc', rwset: { ...emptyRwset(), reads: [{ key: 'customs-ledger', version: null }] } },
        ],
      });
    const commit = async (endorsing: string[]) =>
      forgeNamespacesEnvelope({
        channelId: CHANNEL_ID,
        creator: await ledger.signer(NL, 'admin1'),
        endorsers: await Promise.all(endorsing.map((m) => ledger.signer(m, 'peer0'))),
        chaincode: '_lifecycle',
        args: ['CommitChaincodeDefinition'],
        namespaces: [{ namespace: '_lifecycle', rwset: { ...emptyRwset(), reads: [{ key: SEQUENCE, version: null }], writes: [{ key: SEQUENCE, value: bytes({ sequence: 1 }) }] } }],
      });
    /** A chaincode transaction that, as on Fabric, also reads the chaincode's definition in `_lifecycle`. */
    const invoke = async (sequenceVersion: { block: number; tx: number } | null, lifecycleWrites = false) =>
      forgeNamespacesEnvelope({
        ...(await nlWithDe('officer1')),
        chaincode: 'customs-ledger',
        args: ['consignment:Get', 'X'],
        namespaces: [
          { namespace: '_lifecycle', rwset: { ...emptyRwset(), reads: [{ key: SEQUENCE, version: sequenceVersion }], ...(lifecycleWrites ? { writes: [{ key: SEQUENCE, value: bytes({ sequence: 9 }) }] } : {}) } },
          { namespace: 'customs-ledger', rwset: { ...emptyRwset(), reads: [{ key: SEQUENCE, version: null }] } },
        ],
      });

    it('trusts an unsigned genesis block as configtxgen writes it, by its hash, and the report says which', async () => {
      // the embedded ledger's genesis block is made as configtxgen makes it
      const embedded = await replay({ source: blockSources.memory(clean) });
      assert.deepEqual(embedded.trustedGenesis, { hash: embedded.genesisHash, pinned: false, signedBy: null });
      const blocks = withUnsignedGenesis(clean, orderer);
      const unsigned = await replay({ source: blockSources.memory(blocks) });
      assert.deepEqual(unsigned.findings, [], formatFindings(unsigned.findings));
      assert.deepEqual(unsigned.trustedGenesis, { hash: unsigned.genesisHash, pinned: false, signedBy: null });
      const pinned = await replay({ source: blockSources.memory(blocks), expectedGenesisHash: unsigned.genesisHash });
      assert.deepEqual(pinned.findings, []);
      assert.equal(pinned.trustedGenesis.pinned, true);
      const other = await replay({ source: blockSources.memory(blocks), expectedGenesisHash: Buffer.alloc(32, 1).toString('hex') });
      assert.deepEqual(rules(other.findings), ['genesis-config']);
    });

    it('validates lifecycle transactions as system transactions and keeps their writes in their own namespace', async () => {
      const base = clean.length;
      const blocks = cut(clean, await approve(NL), await approve(BE), await commit([NL, BE]), await invoke({ block: base + 2, tx: 0 }));
      const report = await replay({ source: blockSources.memory(blocks), compareWith: peerStoreState(ledger.network.peer(NL).store) });
      assert.deepEqual(report.findings, [], formatFindings(report.findings));
      const before = await replay({ source: blockSources.memory(clean) });
      assert.equal(report.validTransactions - before.validTransactions, 4);
    });

    it('finds a later CONFIG block whose config update no member admin signed', async () => {
      const genesisConfig = readBlock(clean[0]!).envelopes[0]!;
      const findings = await findingsOf(appendBlock(clean, [genesisConfig], ['VALID'], orderer));
      assert.ok(findings.every((f) => f.block === clean.length));
      assert.deepEqual(rules(findings), ['config-update', 'validation-code']);
    });

    it('finds a chaincode definition committed without MAJORITY of the members (LifecycleEndorsement)', async () => {
      const blocks = cut(clean, await commit([NL]));
      const findings = await findingsOf(blocks);
      assert.ok(findings.every((f) => f.block === clean.length));
      assert.deepEqual(rules(findings), ['endorsement-policy', 'validation-code']);
    });

    it('checks a chaincode transaction\'s reads of _lifecycle against the replayed _lifecycle writes, not its own keys', async () => {
      const stale = cut(clean, await commit([NL, BE]), await invoke(null));
      const findings = await findingsOf(stale);
      assert.ok(findings.every((f) => f.block === clean.length + 1));
      assert.deepEqual(rules(findings), ['mvcc-read', 'validation-code']);
      assert.match(findings.find((f) => f.rule === 'mvcc-read')!.message, /_lifecycle: /);
    });

    it('finds a chaincode transaction that writes into _lifecycle', async () => {
      const blocks = cut(clean, await commit([NL, BE]), await invoke({ block: clean.length, tx: 0 }, true));
      const findings = await findingsOf(blocks);
      assert.deepEqual(rules(findings), ['transaction-format', 'validation-code']);
    });
  });

  describe('transactions an orderer cut and a corrupt peer marked VALID', () => {
    const forged = async (tx: Parameters<typeof forgeEnvelope>[0]): Promise<{ findings: Finding[]; block: number }> => {
      const { envelope } = forgeEnvelope(tx);
      const blocks = appendBlock(clean, [envelope], ['VALID'], orderer);
      return { findings: await findingsOf(blocks), block: clean.length };
    };
    const recordOf = async (ucr: string): Promise<ConsignmentRecord> =>
      (JSON.parse((await ledger.backends[NL]!.evaluate({ identity: ledger.wallets[NL]!.auditor, contract: 'consignment', fn: 'Get', args: [ucr] })).toString()) as RecordView).record;

    it('a write to another authority\'s record, endorsed only by the writer', async () => {
      const ucr = ledger.lodged[0]!.declaration.ucr;
      const record = await recordOf(ucr);
      const { findings, block } = await forged({
        channelId: CHANNEL_ID,
        creator: await ledger.signer(BE, 'officer1'),
        endorsers: [await ledger.signer(BE, 'peer0')],
        args: ['consignment:UpdateStatus', ucr, 'seized', 'taken over'],
        rwset: () => ({ ...emptyRwset(), writes: [{ key: key('consignment', ucr), value: bytes({ ...record, status: 'seized' }) }] }),
      });
      assert.ok(findings.every((f) => f.block === block));
      assert.deepEqual(rules(findings), ['endorsement-policy', 'foreign-record-write', 'originator-endorsement', 'validation-code']);
    });

    it('a share under an expired agreement, endorsed by both colluding authorities (honest peers would accept it)', async () => {
      const l = ledger.lodged[2]!;
      const at = new Date('2028-03-01T00:00:00Z');
      const { findings } = await forged({
        channelId: CHANNEL_ID,
        creator: await ledger.signer(NL, 'officer1'),
        endorsers: [await ledger.signer(NL, 'peer0'), await ledger.signer(BE, 'peer0')],
        args: ['consignment:Share', l.declaration.ucr, BE, 'AGR-NL-BE', 'risk-assessment', '["goods"]'],
        timestamp: at,
        rwset: (txId) => ({
          ...emptyRwset(),
          writes: [
            {
              key: key('share', l.declaration.ucr, txId),
              value: bytes({
                docType: 'share', shareId: txId, ucr: l.declaration.ucr, from: NL, to: BE, agreementId: 'AGR-NL-BE', purpose: 'risk-assessment',
                categories: ['goods'], fields: ['goodsItems'], payloadHash: 'a'.repeat(64), sharedAt: at.toISOString(), retainUntil: addDays(at.toISOString(), 90), onward: false,
              }),
            },
            { key: key('share-agreement', 'AGR-NL-BE', l.declaration.ucr, txId), value: Uint8Array.of(0) },
          ],
          privateWrites: [{ collection: `_implicit_org_${BE}`, key: key('shared', l.declaration.ucr, txId), value: bytes({ goodsItems: l.declaration.goodsItems }) }],
        }),
      });
      assert.deepEqual(rules(findings), ['share-agreement']);
      assert.match(findings[0]!.message, /while it was expired/);
    });

    it('a share written into the recipient\'s collection without the recipient\'s endorsement', async () => {
      const l = ledger.lodged[2]!;
      const at = new Date();
      const { findings } = await forged({
        channelId: CHANNEL_ID,
        creator: await ledger.signer(NL, 'officer1'),
        endorsers: [await ledger.signer(NL, 'peer0')],
        args: ['consignment:Share', l.declaration.ucr, BE, 'AGR-NL-BE', 'risk-assessment', '["goods"]'],
        timestamp: at,
        rwset: (txId) => ({
          ...emptyRwset(),
          writes: [
            {
              key: key('share', l.declaration.ucr, txId),
              value: bytes({
                docType: 'share', shareId: txId, ucr: l.declaration.ucr, from: NL, to: BE, agreementId: 'AGR-NL-BE', purpose: 'statistics',
                categories: ['goods', 'security'], fields: ['dangerousGoods', 'goodsItems', 'seals'], payloadHash: 'a'.repeat(64), sharedAt: at.toISOString(), retainUntil: addDays(at.toISOString(), 90), onward: false,
              }),
            },
          ],
          privateWrites: [{ collection: `_implicit_org_${BE}`, key: key('shared', l.declaration.ucr, txId), value: bytes({}) }],
        }),
      });
      assert.deepEqual(rules(findings), ['endorsement-policy', 'share-categories', 'share-endorsement', 'share-purpose', 'validation-code']);
    });

    it('a lodgement carrying a forged trader signature, endorsed by its own (corrupt) originator', async () => {
      const declaration = sampleDeclaration();
      const claimed = newTrader();
      const signedByOther = await makeLodgement(declaration, NL, newTrader());
      const commitment = commitDeclaration(declaration, signedByOther.salts);
      const { publicPart } = splitDeclaration(declaration);
      const { findings } = await forged({
        ...(await nlWithDe('officer1')),
        args: ['consignment:Lodge', signedByOther.args[0]!],
        rwset: (txId) => {
          const now = new Date().toISOString();
          const record: ConsignmentRecord = {
            docType: 'consignment', ...publicPart, originator: NL, declarationVersion: 1, declarationHash: commitment.declarationHash, fieldRoot: commitment.fieldRoot,
            fieldHashes: commitment.fieldHashes, trader: claimed.address.toLowerCase(), traderSignature: (JSON.parse(signedByOther.args[0]!) as { traderSignature: string }).traderSignature,
            status: 'lodged', statusHistory: [{ status: 'lodged', at: now, reason: 'lodged', by: NL, txId }], lodgedAt: now, lodgeTxId: txId, updatedAt: now, privatePurgedAt: null,
          };
          const indexes = [key('consignment-status', 'lodged', declaration.ucr), key('consignment-office', declaration.office, declaration.ucr), key('consignment-day', now.slice(0, 10), declaration.ucr)];
          return { ...emptyRwset(), writes: [{ key: key('consignment', declaration.ucr), value: bytes(record) }, ...indexes.map((k) => ({ key: k, value: Uint8Array.of(0) }))] };
        },
      });
      assert.deepEqual(rules(findings), ['trader-signature']);
    });

    it('a status index entry deleted by the record\'s own originator, with a colluding witness: the record drops out of its listing', async () => {
      const ucr = ledger.lodged[0]!.declaration.ucr;
      const record = await recordOf(ucr);
      const { findings } = await forged({
        ...(await nlWithDe('officer1')),
        args: ['consignment:UpdateStatus', ucr, 'risk-assessed', 'hidden'],
        rwset: () => ({ ...emptyRwset(), writes: [{ key: key('consignment-status', record.status, ucr), value: null }] }),
      });
      assert.deepEqual(rules(findings), ['index-entry'], formatFindings(findings));
      assert.match(findings[0]!.message, new RegExp(`^consignment/${ucr} lacks its index entry consignment-status/${record.status}/${ucr}.*\\(missing\\)$`));
      assert.equal(findings[0]!.block, null, 'a finding about the replayed state');
    });

    it('an index entry that names no record, endorsed by a colluding majority: listed, but not there', async () => {
      const ghost = sampleDeclaration().ucr;
      const { findings } = await forged({
        ...(await nlWithDe('officer1')),
        args: ['consignment:Lodge', '{}'],
        rwset: () => ({ ...emptyRwset(), writes: [{ key: key('consignment-office', 'NLRTM', ghost), value: Uint8Array.of(0) }] }),
      });
      assert.deepEqual(rules(findings), ['index-entry', 'record-write'], formatFindings(findings));
      assert.ok(findings.some((f) => f.rule === 'index-entry' && f.message === `index entry consignment-office/NLRTM/${ghost} names consignment/${ghost}, which is not on the ledger (orphaned)`));
    });

    it('a member registered by another, with a colluding majority: a member registers only itself', async () => {
      const { findings } = await forged({
        ...(await nlWithDe('admin1')),
        args: ['membership:Register'],
        rwset: () => ({
          ...emptyRwset(),
          writes: [{ key: key('member', 'FRCustomsMSP'), value: bytes({ docType: 'member', msp: 'FRCustomsMSP', registeredAt: '2026-03-02T09:00:00.000Z', txId: 'x' }) }],
        }),
      });
      assert.deepEqual(rules(findings), ['member-registry'], formatFindings(findings));
      assert.match(findings[0]!.message, /NLCustomsMSP registered FRCustomsMSP under the key of FRCustomsMSP/);
    });

    it('a member\'s registration deleted by a colluding majority', async () => {
      const { findings } = await forged({
        ...(await nlWithDe('admin1')),
        args: ['membership:Register'],
        rwset: () => ({ ...emptyRwset(), writes: [{ key: key('member', BE), value: null }] }),
      });
      assert.deepEqual(rules(findings), ['member-registry'], formatFindings(findings));
    });

    it('an agreement naming an authority that is no member, with a colluding majority', async () => {
      const id = 'AGR-NL-FR-FORGED';
      const agreement = {
        docType: 'agreement', id, parties: [NL, 'FRCustomsMSP'].sort(), categories: ['goods'], purposes: ['risk-assessment'], legalBasis: 'x',
        validFrom: '2026-01-01T00:00:00.000Z', validUntil: '2027-01-01T00:00:00.000Z', retentionDays: 30, onwardSharing: false,
        proposer: NL, proposedAt: '2026-03-02T09:00:00.000Z', proposeTxId: 'x', suspension: null, termination: null,
      };
      const { findings } = await forged({
        ...(await nlWithDe('admin1')),
        args: ['agreement:Propose', '{}'],
        rwset: () => ({ ...emptyRwset(), writes: [{ key: key('agreement', id), value: bytes(agreement) }] }),
      });
      assert.ok(
        findings.some((f) => f.rule === 'agreement-party' && f.message === `agreement ${id} names FRCustomsMSP, which is not a registered member of the channel`),
        formatFindings(findings),
      );
    });

    it('a purge of a shared copy before its retention ran out', async () => {
      const share = ledger.shares[0]!;
      const at = new Date();
      const { findings } = await forged({
        timestamp: at,
        channelId: CHANNEL_ID,
        creator: await ledger.signer(BE, 'officer1'),
        endorsers: [await ledger.signer(BE, 'peer0'), await ledger.signer(DE, 'peer0')],
        args: ['consignment:Purge', share.ucr, share.shareId],
        rwset: (txId) => ({
          ...emptyRwset(),
          writes: [
            {
              key: key('purge', share.ucr, share.shareId),
              value: bytes({ docType: 'purge', ucr: share.ucr, shareId: share.shareId, agreementId: share.agreementId, holder: BE, reason: 'retention-elapsed', purgedAt: at.toISOString(), txId }),
            },
            { key: key('purge-agreement', share.agreementId, share.ucr, share.shareId), value: Uint8Array.of(0) },
          ],
          purges: [{ collection: `_implicit_org_${BE}`, key: key('shared', share.ucr, share.shareId) }],
        }),
      });
      assert.deepEqual(rules(findings), ['purge-retention'], formatFindings(findings));
    });
  });

  describe('signature checks on worker threads', () => {
    const forgedTraderSignature = async (): Promise<Uint8Array[]> => {
      const declaration = sampleDeclaration();
      const lodgement = await makeLodgement(declaration, NL, newTrader());
      const commitment = commitDeclaration(declaration, lodgement.salts);
      const { publicPart } = splitDeclaration(declaration);
      const { envelope } = forgeEnvelope({
        ...(await nlWithDe('officer1')),
        args: ['consignment:Lodge', lodgement.args[0]!],
        rwset: (txId) => {
          const now = new Date().toISOString();
          const record: ConsignmentRecord = {
            docType: 'consignment', ...publicPart, originator: NL, declarationVersion: 1, declarationHash: commitment.declarationHash, fieldRoot: commitment.fieldRoot,
            fieldHashes: commitment.fieldHashes, trader: newTrader().address.toLowerCase(), traderSignature: (JSON.parse(lodgement.args[0]!) as { traderSignature: string }).traderSignature,
            status: 'lodged', statusHistory: [{ status: 'lodged', at: now, reason: 'lodged', by: NL, txId }], lodgedAt: now, lodgeTxId: txId, updatedAt: now, privatePurgedAt: null,
          };
          return { ...emptyRwset(), writes: [{ key: key('consignment', declaration.ucr), value: bytes(record) }] };
        },
      });
      return appendBlock(clean, [envelope], ['VALID'], orderer);
    };

    it('find what the main thread finds, in the same order: a foreign re-signature under a re-cut chain and a forged trader signature', async () => {
      const n = clean.findIndex((b) => readBlock(b).envelopes.length >= 2);
      const block = readBlock(clean[n]!);
      const foreign = await ledger.signer(DE, 'officer1');
      const resigned = rechain(clean.map((b, i) => (i === n ? withEnvelopes(b, block.envelopes.map((e, k) => (k === 1 ? resign(e, foreign) : e))) : b)), n, orderer);
      const forged = await forgedTraderSignature();
      for (const [blocks, expected] of [
        [resigned, { block: n, tx: 1, rule: 'creator-signature' }],
        [forged, { block: clean.length, tx: 0, rule: 'trader-signature' }],
      ] as const) {
        const onMainThread = await replay({ source: blockSources.memory(blocks), workers: 0 });
        for (const workers of [1, 2]) {
          // started first: a replay this short would otherwise be over before they are
          await startSignatureWorkers(workers);
          const withWorkers = await replay({ source: blockSources.memory(blocks), workers });
          assert.deepEqual(withWorkers.findings, onMainThread.findings, `${workers} workers`);
          assert.deepEqual(withWorkers.validTransactions, onMainThread.validTransactions);
        }
        assert.ok(onMainThread.findings.some((f) => f.block === expected.block && f.tx === expected.tx && f.rule === expected.rule), formatFindings(onMainThread.findings));
      }
    });

    it('refuses a negative or fractional number of workers', async () => {
      for (const workers of [-1, 1.5, Number.NaN]) {
        await assert.rejects(replay({ source: blockSources.memory(clean), workers }), RangeError);
      }
    });

    it('end with the replay: a process that replays with workers exits by itself, at once', async () => {
      const dir = await mkdtemp(join(tmpdir(), 'customs-audit-workers-'));
      try {
        const file = join(dir, 'blocks.json');
        await writeFile(file, JSON.stringify(clean.map((b) => Buffer.from(b).toString('base64'))));
        const script = [
          "const { replay, blockSources } = require('customs-ledger-gateway/dist/audit');",
          `const blocks = require(${JSON.stringify(file)}).map((b) => Buffer.from(b, 'base64'));`,
          'replay({ source: blockSources.memory(blocks), workers: 2 }).then((r) => {',
          '  const done = performance.now();',
          "  process.on('exit', () => process.stdout.write(JSON.stringify({ findings: r.findings.length, exitAfterMs: performance.now() - done })));",
          '});',
        ].join('\n');
        const child = spawn(process.execPath, ['-e', script], { cwd: process.cwd(), stdio: ['ignore', 'pipe', 'inherit'] });
        let out = '';
        child.stdout.on('data', (d: Buffer) => (out += d.toString()));
        const code = await new Promise<number | null>((resolve) => child.on('exit', resolve));
        assert.equal(code, 0);
        const result = JSON.parse(out) as { findings: number; exitAfterMs: number };
        assert.equal(result.findings, 0);
        // The idle workers are kept 5 s for another replay, but never keep the process alive.
        assert.ok(result.exitAfterMs < 2_000, `the process exited ${result.exitAfterMs.toFixed(0)} ms after the replay`);
      } finally {
        await rm(dir, { recursive: true, force: true });
      }
    });
  });
});
