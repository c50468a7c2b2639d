/**
 * Every refusal of every contract function: the stable error code, and that
 * nothing was written on any peer.
 */
import { strict as assert } from 'node:assert';
import type { ErrorCode, ShareRecord } from 'customs-ledger-chaincode/domain';
import { createCompositeKey } from 'customs-ledger-gateway/dist/fabric-format/keys';
import { MemoryLedger, type CallResult } from '../../../support/memory-ledger';
import { BE, DE, NL, testIdentities } from '../../../support/identities';
import { makeLodgement, newTrader, randomSalts, sampleDeclaration, type Lodgement } from '../../../support/fixtures';
import { agreementJson, expectOk, lodge, lodgeIn, makeAgreement, share, sharedPayload } from '../../../support/scenario';

interface World {
  ledger: MemoryLedger;
  r: Lodgement;
  rBe: Lodgement;
  rSuspended: Lodgement;
  purged: { ucr: string; shareId: string };
  held: ShareRecord;
  /** a record whose originator purged its declaration after the retention minimum */
  purgedRecord: Lodgement;
  /** a declaration stored in NL's collection, never lodged */
  storedOnly: Lodgement;
  /** a record its originator NL overwrote, through its own chaincode, with bytes that are no record */
  garbled: Lodgement;
}

async function buildWorld(): Promise<World> {
  const ledger = new MemoryLedger(await testIdentities());
  const early = new Date('2026-01-10T10:00:00Z');
  await makeAgreement(ledger, { id: 'AGR-ACTIVE', parties: [NL, BE], retentionDays: 30 }, { time: early });
  await makeAgreement(ledger, { id: 'AGR-PROPOSED', parties: [NL, BE] }, { acceptedBy: [] });
  await makeAgreement(ledger, { id: 'AGR-SUSPENDED', parties: [NL, BE] });
  expectOk(await ledger.submit('agreement:Suspend', { msp: BE, role: 'admin', args: ['AGR-SUSPENDED', 'review'] }));
  await makeAgreement(ledger, { id: 'AGR-TERMINATED', parties: [NL, BE] });
  expectOk(await ledger.submit('agreement:Terminate', { msp: NL, role: 'admin', args: ['AGR-TERMINATED', 'ended'] }));
  await makeAgreement(ledger, { id: 'AGR-EXPIRED', parties: [NL, BE], validUntil: '2026-02-01T00:00:00Z' }, { time: early });
  await makeAgreement(ledger, { id: 'AGR-PENDING', parties: [NL, BE], validFrom: '2026-06-01T00:00:00Z' });
  await makeAgreement(ledger, { id: 'AGR-BE-DE', parties: [BE, DE], onwardSharing: true });
  await makeAgreement(ledger, { id: 'AGR-PROP-TERM', parties: [NL, BE] }, { acceptedBy: [] });
  expectOk(await ledger.submit('agreement:Terminate', { msp: NL, role: 'admin', args: ['AGR-PROP-TERM', 'withdrawn'] }));
  await makeAgreement(ledger, { id: 'AGR-LATER-SUSPENDED', parties: [NL, BE] });

  const r = await lodge(ledger, NL);
  const rBe = await lodge(ledger, BE, { office: 'BEANR', destinationCountry: 'BE' });
  const held = expectOk(await share(ledger, r, { from: NL, to: BE, agreementId: 'AGR-ACTIVE' })) as ShareRecord;

  const rSuspended = await lodge(ledger, NL);
  expectOk(await share(ledger, rSuspended, { from: NL, to: BE, agreementId: 'AGR-LATER-SUSPENDED' }));
  expectOk(await ledger.submit('agreement:Suspend', { msp: NL, role: 'admin', args: ['AGR-LATER-SUSPENDED', 'incident'] }));

  const old = await makeLodgement(sampleDeclaration(), NL, null);
  expectOk(await lodgeIn(ledger, NL, old, { time: early }));
  const oldShare = expectOk(await share(ledger, old, { from: NL, to: BE, agreementId: 'AGR-ACTIVE', time: early })) as ShareRecord;
  expectOk(await ledger.submit('consignment:Purge', { msp: BE, args: [old.declaration.ucr, oldShare.shareId], time: new Date('2026-02-10T10:00:00Z') }));

  const ancient = await makeLodgement(sampleDeclaration(), NL, null);
  expectOk(await lodgeIn(ledger, NL, ancient, { time: new Date('2022-01-10T10:00:00Z') }));
  expectOk(await ledger.submit('consignment:PurgeRecord', { msp: NL, args: [ancient.declaration.ucr], time: new Date('2026-02-10T10:00:00Z') }));
  const storedOnly = await makeLodgement(sampleDeclaration(), NL, null);
  expectOk(await ledger.submit('consignment:StoreDeclaration', { msp: NL, args: storedOnly.args, transient: storedOnly.transient }));

  const garbled = await lodge(ledger, NL);
  ledger.ownerWrite(NL, createCompositeKey('consignment', [garbled.declaration.ucr]), Buffer.from('{"docType":"consignment","ucr":'));

  return { ledger, r, rBe, rSuspended, purged: { ucr: old.declaration.ucr, shareId: oldShare.shareId }, held, purgedRecord: ancient, storedOnly, garbled };
}

type Case = [name: string, code: ErrorCode, run: (w: World) => Promise<CallResult>];

/** StoreDeclaration alone: the checks of the private part against the commitments. */
const storeWith = (w: World, msp: string, l: Lodgement, extra: { peers?: string[]; role?: 'admin' | 'auditor' | 'none' } = {}) =>
  w.ledger.submit('consignment:StoreDeclaration', { msp, args: l.args, transient: l.transient, ...extra });
/** Lodge alone: the checks every endorser makes from public data. */
const lodgeWith = (w: World, msp: string, l: Lodgement, extra: { peers?: string[]; role?: 'admin' | 'auditor' | 'none' } = {}) =>
  w.ledger.submit('consignment:Lodge', { msp, args: l.args, ...extra });
const withLodgementArg = (l: Lodgement, change: Record<string, unknown>): Lodgement => ({
  ...l,
  args: [JSON.stringify({ ...(JSON.parse(l.args[0]!) as Record<string, unknown>), ...change })],
});
const fresh = () => makeLodgement(sampleDeclaration(), NL, newTrader());
const status = (w: World, msp: string, args: string[], role?: 'admin') =>
  w.ledger.submit('consignment:UpdateStatus', { msp, args, ...(role ? { role } : {}) });
const agreementCall = (w: World, fn: string, msp: string, args: string[], role: 'admin' | 'officer' = 'admin', peers?: string[]) =>
  w.ledger.submit(`agreement:${fn}`, { msp, role, args, ...(peers ? { peers } : {}) });

const cases: Case[] = [
  // ---- StoreDeclaration (the private part, checked against the commitments by the originator's own peer)
  ['StoreDeclaration by an auditor', 'FORBIDDEN_ROLE', async (w) => storeWith(w, NL, await fresh(), { role: 'auditor' })],
  ['StoreDeclaration with an argument that is not JSON', 'INVALID_ARGUMENT', async (w) => storeWith(w, NL, { ...(await fresh()), args: ['{"ucr":'] })],
  ['StoreDeclaration without transient data', 'MISSING_TRANSIENT', async (w) => storeWith(w, NL, { ...(await fresh()), transient: {} })],
  ['StoreDeclaration with transient data that is not JSON', 'INVALID_ARGUMENT', async (w) => storeWith(w, NL, { ...(await fresh()), transient: { declaration: '{oops' } })],
  ['StoreDeclaration with a malformed HS code in the private part', 'INVALID_ARGUMENT', async (w) => {
    const l = await fresh();
    const fields = structuredClone((l.transient.declaration as { fields: { goodsItems: { hsCode: string }[] } }).fields);
    fields.goodsItems[0]!.hsCode = '12';
    return storeWith(w, NL, { ...l, transient: { declaration: { fields, salts: l.salts } } });
  }],
  ['StoreDeclaration with missing salts', 'INVALID_ARGUMENT', async (w) => {
    const l = await fresh();
    return storeWith(w, NL, { ...l, transient: { declaration: { fields: (l.transient.declaration as { fields: unknown }).fields } } });
  }],
  ['StoreDeclaration with a declarationHash that is not the declaration\'s', 'HASH_MISMATCH', async (w) => storeWith(w, NL, withLodgementArg(await fresh(), { declarationHash: 'ab'.repeat(32) }))],
  ['StoreDeclaration whose private part differs from what was hashed', 'HASH_MISMATCH', async (w) => {
    const l = await fresh();
    const fields = structuredClone((l.transient.declaration as { fields: { customsValue: { amount: string } } }).fields);
    fields.customsValue.amount = '1.00';
    return storeWith(w, NL, { ...l, transient: { declaration: { fields, salts: l.salts } } });
  }],
  ['StoreDeclaration with salts that do not give the fieldRoot', 'FIELD_ROOT_MISMATCH', async (w) => {
    const l = await fresh();
    return storeWith(w, NL, { ...l, transient: { declaration: { fields: (l.transient.declaration as { fields: unknown }).fields, salts: randomSalts() } } });
  }],
  ['StoreDeclaration of a lodged UCR with another declaration', 'UCR_CONFLICT', async (w) => storeWith(w, NL, await makeLodgement(sampleDeclaration({ ucr: w.r.declaration.ucr, office: 'NLAMS' }), NL, newTrader()))],
  ['StoreDeclaration of another authority\'s UCR with the same declaration', 'UCR_CONFLICT', async (w) => storeWith(w, BE, await makeLodgement(w.r.declaration, BE, null, w.r.salts))],
  ['StoreDeclaration of a record whose declaration was purged', 'ALREADY_PURGED', async (w) => storeWith(w, NL, w.purgedRecord)],
  // ---- Lodge (the public record, checked from public data by every endorser)
  ['Lodge by an auditor', 'FORBIDDEN_ROLE', async (w) => lodgeWith(w, NL, await fresh(), { role: 'auditor' })],
  ['Lodge by an identity without a role', 'FORBIDDEN_ROLE', async (w) => lodgeWith(w, NL, await fresh(), { role: 'none' })],
  ['Lodge before its private part is stored', 'DECLARATION_NOT_STORED', async (w) => lodgeWith(w, NL, await fresh())],
  ['Lodge by another authority of a declaration stored by NL', 'DECLARATION_NOT_STORED', async (w) => lodgeWith(w, BE, await makeLodgement(w.storedOnly.declaration, BE, null, w.storedOnly.salts))],
  ['Lodge with an argument that is not JSON', 'INVALID_ARGUMENT', async (w) => lodgeWith(w, NL, { ...(await fresh()), args: ['{"ucr":'] })],
  ['Lodge with an unknown public field', 'INVALID_ARGUMENT', async (w) => lodgeWith(w, NL, withLodgementArg(await fresh(), { vessel: 'X' }))],
  ['Lodge with a malformed UCR', 'INVALID_ARGUMENT', async (w) => lodgeWith(w, NL, withLodgementArg(await fresh(), { ucr: 'ABC' }))],
  ['Lodge with a float in the arguments', 'INVALID_ARGUMENT', async (w) => lodgeWith(w, NL, withLodgementArg(await fresh(), { fieldRoot: 1.5 }))],
  ['Lodge with a field hash missing', 'INVALID_ARGUMENT', async (w) => {
    const l = await fresh();
    const { goodsItems: _dropped, ...fieldHashes } = (JSON.parse(l.args[0]!) as { fieldHashes: Record<string, string> }).fieldHashes;
    return lodgeWith(w, NL, withLodgementArg(l, { fieldHashes }));
  }],
  ['Lodge whose field hashes do not give its fieldRoot', 'FIELD_ROOT_MISMATCH', async (w) => lodgeWith(w, NL, withLodgementArg(await fresh(), { fieldRoot: 'cd'.repeat(32) }))],
  ['Lodge signed by a key other than the named trader\'s', 'BAD_SIGNATURE', async (w) => lodgeWith(w, NL, withLodgementArg(await fresh(), { trader: newTrader().address }))],
  ['Lodge with a signature replayed from another record', 'BAD_SIGNATURE', async (w) => {
    const a = await fresh();
    const b = await makeLodgement(sampleDeclaration(), NL, newTrader());
    const sigA = JSON.parse(a.args[0]!) as { trader: string; traderSignature: string };
    return lodgeWith(w, NL, withLodgementArg(b, { trader: sigA.trader, traderSignature: sigA.traderSignature }));
  }],
  ['Lodge with a signature made for another authority', 'BAD_SIGNATURE', async (w) => lodgeWith(w, NL, await makeLodgement(sampleDeclaration(), BE, newTrader()))],
  ['Lodge with a signature made for another version', 'BAD_SIGNATURE', async (w) => lodgeWith(w, NL, await makeLodgement(sampleDeclaration(), NL, newTrader(), randomSalts(), 2))],
  ['Lodge naming a trader without a signature', 'INVALID_ARGUMENT', async (w) => lodgeWith(w, NL, withLodgementArg(await fresh(), { traderSignature: null }))],
  ['Lodge of a lodged UCR with another declaration', 'UCR_CONFLICT', async (w) => lodgeWith(w, NL, await makeLodgement(sampleDeclaration({ ucr: w.r.declaration.ucr, office: 'NLAMS' }), NL, newTrader()))],
  ['Lodge of another authority\'s UCR with the same declaration', 'UCR_CONFLICT', async (w) => lodgeWith(w, BE, await makeLodgement(w.r.declaration, BE, null, w.r.salts))],
  // ---- UpdateStatus
  ['UpdateStatus of another authority\'s record', 'WRONG_ORGANIZATION', (w) => status(w, BE, [w.r.declaration.ucr, 'risk-assessed', 'x'])],
  ['UpdateStatus lodged → released', 'INVALID_TRANSITION', (w) => status(w, NL, [w.r.declaration.ucr, 'released', 'x'])],
  ['UpdateStatus lodged → seized', 'INVALID_TRANSITION', (w) => status(w, NL, [w.r.declaration.ucr, 'seized', 'x'])],
  ['UpdateStatus to an unknown status', 'INVALID_ARGUMENT', (w) => status(w, NL, [w.r.declaration.ucr, 'lost', 'x'])],
  ['UpdateStatus without a reason', 'INVALID_ARGUMENT', (w) => status(w, NL, [w.r.declaration.ucr, 'risk-assessed', ''])],
  ['UpdateStatus of an unknown record', 'RECORD_NOT_FOUND', (w) => status(w, NL, ['6NL999999999-NONE', 'risk-assessed', 'x'])],
  ['UpdateStatus by an admin', 'FORBIDDEN_ROLE', (w) => status(w, NL, [w.r.declaration.ucr, 'risk-assessed', 'x'], 'admin')],
  // ---- Share
  ['Share under an agreement not yet accepted', 'AGREEMENT_NOT_ACTIVE', (w) => share(w.ledger, w.r, { from: NL, to: BE, agreementId: 'AGR-PROPOSED' })],
  ['Share under a suspended agreement', 'AGREEMENT_NOT_ACTIVE', (w) => share(w.ledger, w.r, { from: NL, to: BE, agreementId: 'AGR-SUSPENDED' })],
  ['Share under a terminated agreement', 'AGREEMENT_NOT_ACTIVE', (w) => share(w.ledger, w.r, { from: NL, to: BE, agreementId: 'AGR-TERMINATED' })],
  ['Share under an expired agreement', 'AGREEMENT_NOT_ACTIVE', (w) => share(w.ledger, w.r, { from: NL, to: BE, agreementId: 'AGR-EXPIRED' })],
  ['Share under an agreement not yet valid', 'AGREEMENT_NOT_ACTIVE', (w) => share(w.ledger, w.r, { from: NL, to: BE, agreementId: 'AGR-PENDING' })],
  ['Share under an unknown agreement', 'AGREEMENT_NOT_FOUND', (w) => share(w.ledger, w.r, { from: NL, to: BE, agreementId: 'AGR-NOPE' })],
  ['Share to a recipient that is no party', 'RECIPIENT_NOT_PARTY', (w) => share(w.ledger, w.r, { from: NL, to: DE, agreementId: 'AGR-ACTIVE' })],
  ['Share by an originator that is no party', 'NOT_A_PARTY', (w) => share(w.ledger, w.r, { from: NL, to: DE, agreementId: 'AGR-BE-DE' })],
  ['Share of a category the agreement does not cover', 'CATEGORY_NOT_COVERED', (w) => share(w.ledger, w.r, { from: NL, to: BE, agreementId: 'AGR-ACTIVE', categories: ['parties'] })],
  ['Share carrying a field outside the shared categories', 'CATEGORY_NOT_COVERED', (w) =>
    share(w.ledger, w.r, { from: NL, to: BE, agreementId: 'AGR-ACTIVE', payload: sharedPayload(w.r, ['goods', 'valuation', 'parties']) })],
  ['Share for a purpose the agreement does not allow', 'PURPOSE_NOT_ALLOWED', (w) => share(w.ledger, w.r, { from: NL, to: BE, agreementId: 'AGR-ACTIVE', purpose: 'enforcement' })],
  ['Share with a field value that is not the lodged one', 'SHARED_FIELD_MISMATCH', (w) => {
    const p = sharedPayload(w.r, ['goods', 'valuation']);
    p.fields.customsValue = { amount: '10.00', currency: 'EUR' };
    return share(w.ledger, w.r, { from: NL, to: BE, agreementId: 'AGR-ACTIVE', payload: p });
  }],
  ['Share with a field missing', 'SHARED_FIELD_MISMATCH', (w) => share(w.ledger, w.r, { from: NL, to: BE, agreementId: 'AGR-ACTIVE', payload: sharedPayload(w.r, ['goods']) })],
  ['Share without transient data', 'MISSING_TRANSIENT', (w) =>
    w.ledger.submit('consignment:Share', { msp: NL, peers: [NL, BE], args: [w.r.declaration.ucr, BE, 'AGR-ACTIVE', 'risk-assessment', ''] })],
  ['Share by an authority that neither lodged nor holds the record', 'NO_SHARED_COPY', (w) => share(w.ledger, w.r, { from: DE, to: BE, agreementId: 'AGR-BE-DE' })],
  ['Share onward of data received under an agreement without onward sharing', 'ONWARD_SHARING_NOT_ALLOWED', (w) => share(w.ledger, w.r, { from: BE, to: DE, agreementId: 'AGR-BE-DE' })],
  ['Share back to the originator', 'INVALID_ARGUMENT', (w) => share(w.ledger, w.r, { from: NL, to: NL, agreementId: 'AGR-ACTIVE' })],
  ['Share with categories that are not JSON', 'INVALID_ARGUMENT', (w) =>
    w.ledger.submit('consignment:Share', { msp: NL, peers: [NL, BE], args: [w.r.declaration.ucr, BE, 'AGR-ACTIVE', 'risk-assessment', '[goods'], transient: { shared: sharedPayload(w.r, ['goods']) } })],
  // ---- RequestAccess
  ['RequestAccess by an authority holding no copy', 'NO_SHARED_COPY', (w) => w.ledger.submit('consignment:RequestAccess', { msp: DE, args: [w.r.declaration.ucr, 'risk-assessment'] })],
  ['RequestAccess for a purpose the agreement does not allow', 'PURPOSE_NOT_ALLOWED', (w) => w.ledger.submit('consignment:RequestAccess', { msp: BE, args: [w.r.declaration.ucr, 'enforcement'] })],
  ['RequestAccess when the agreement was suspended after the share', 'AGREEMENT_NOT_ACTIVE', (w) => w.ledger.submit('consignment:RequestAccess', { msp: BE, args: [w.rSuspended.declaration.ucr, 'risk-assessment'] })],
  ['RequestAccess for an unknown purpose', 'INVALID_ARGUMENT', (w) => w.ledger.submit('consignment:RequestAccess', { msp: BE, args: [w.r.declaration.ucr, 'gossip'] })],
  // ---- Purge / PurgeRecord
  ['Purge before the retention ran out', 'RETENTION_NOT_REACHED', (w) => w.ledger.submit('consignment:Purge', { msp: BE, args: [w.r.declaration.ucr, w.held.shareId] })],
  ['Purge of another authority\'s copy', 'WRONG_ORGANIZATION', (w) => w.ledger.submit('consignment:Purge', { msp: NL, args: [w.r.declaration.ucr, w.held.shareId], time: new Date('2027-01-01T00:00:00Z') })],
  ['Purge of an unknown share', 'SHARE_NOT_FOUND', (w) => w.ledger.submit('consignment:Purge', { msp: BE, args: [w.r.declaration.ucr, 'f00d'] })],
  ['Purge of a copy already purged', 'ALREADY_PURGED', (w) => w.ledger.submit('consignment:Purge', { msp: BE, args: [w.purged.ucr, w.purged.shareId] })],
  ['PurgeRecord before three years', 'RETENTION_NOT_REACHED', (w) => w.ledger.submit('consignment:PurgeRecord', { msp: NL, args: [w.r.declaration.ucr], time: new Date('2028-12-31T00:00:00Z') })],
  ['PurgeRecord of another authority\'s record', 'WRONG_ORGANIZATION', (w) => w.ledger.submit('consignment:PurgeRecord', { msp: NL, args: [w.rBe.declaration.ucr], time: new Date('2031-01-01T00:00:00Z') })],
  // ---- Agreements
  ['Propose by an authority that is no party', 'NOT_A_PARTY', (w) => agreementCall(w, 'Propose', DE, [agreementJson({ id: 'AGR-X', parties: [NL, BE] })])],
  ['Propose an id that exists', 'AGREEMENT_EXISTS', (w) => agreementCall(w, 'Propose', NL, [agreementJson({ id: 'AGR-ACTIVE', parties: [NL, BE] })])],
  ['Propose by an officer', 'FORBIDDEN_ROLE', (w) => agreementCall(w, 'Propose', NL, [agreementJson({ id: 'AGR-X', parties: [NL, BE] })], 'officer')],
  ['Propose with malformed JSON', 'INVALID_ARGUMENT', (w) => agreementCall(w, 'Propose', NL, ['{"id":'])],
  ['Propose naming an authority that is no member of the channel', 'UNKNOWN_MEMBER', (w) =>
    agreementCall(w, 'Propose', NL, [agreementJson({ id: 'AGR-X', parties: [NL, 'FRCustomsMSP'] })])],
  ['Propose with a member named twice', 'INVALID_ARGUMENT', (w) =>
    agreementCall(w, 'Propose', NL, [agreementJson({ id: 'AGR-X', parties: [NL, BE] }).replace('{', '{"legalBasis":"other",')])],
  ['Propose with a lone surrogate in a string', 'INVALID_ARGUMENT', (w) =>
    agreementCall(w, 'Propose', NL, [agreementJson({ id: 'AGR-X', parties: [NL, BE] }).replace(/"legalBasis":"/, '"legalBasis":"\\ud800')])],
  ['Propose with a number beyond a double', 'INVALID_ARGUMENT', (w) =>
    agreementCall(w, 'Propose', NL, [agreementJson({ id: 'AGR-X', parties: [NL, BE] }).replace(/"retentionDays":\d+/, '"retentionDays":1e400')])],
  ['Register by an officer', 'FORBIDDEN_ROLE', (w) => w.ledger.submit('membership:Register', { msp: NL, role: 'officer' })],
  ['Propose with one party', 'INVALID_ARGUMENT', (w) => agreementCall(w, 'Propose', NL, [agreementJson({ id: 'AGR-X', parties: [NL] })])],
  ['Accept twice', 'ALREADY_ACCEPTED', (w) => agreementCall(w, 'Accept', BE, ['AGR-ACTIVE'])],
  ['Accept by an authority that is no party', 'NOT_A_PARTY', (w) => agreementCall(w, 'Accept', DE, ['AGR-PROPOSED'])],
  ['Accept a withdrawn proposal', 'INVALID_AGREEMENT_STATE', (w) => agreementCall(w, 'Accept', BE, ['AGR-PROP-TERM'])],
  ['Accept an unknown agreement', 'AGREEMENT_NOT_FOUND', (w) => agreementCall(w, 'Accept', BE, ['AGR-NOPE'])],
  ['Accept with a malformed id', 'INVALID_ARGUMENT', (w) => agreementCall(w, 'Accept', BE, ['agr nope'])],
  ['Suspend a proposed agreement', 'INVALID_AGREEMENT_STATE', (w) => agreementCall(w, 'Suspend', NL, ['AGR-PROPOSED', 'x'])],
  ['Resume an active agreement', 'INVALID_AGREEMENT_STATE', (w) => agreementCall(w, 'Resume', NL, ['AGR-ACTIVE', 'x'])],
  ['Terminate a terminated agreement', 'INVALID_AGREEMENT_STATE', (w) => agreementCall(w, 'Terminate', BE, ['AGR-TERMINATED', 'x'])],
  ['Suspend by an authority that is no party', 'NOT_A_PARTY', (w) => agreementCall(w, 'Suspend', DE, ['AGR-ACTIVE', 'x'])],
  ['Suspend without a reason', 'INVALID_ARGUMENT', (w) => agreementCall(w, 'Suspend', NL, ['AGR-ACTIVE', ''])],
  ['Terminate by an officer', 'FORBIDDEN_ROLE', (w) => agreementCall(w, 'Terminate', NL, ['AGR-ACTIVE', 'x'], 'officer')],
  // ---- queries
  ['Get of an unknown record', 'RECORD_NOT_FOUND', (w) => w.ledger.evaluate('consignment:Get', { msp: NL, args: ['6NL999999999-NONE'] })],
  ['Get by an identity without a role', 'FORBIDDEN_ROLE', (w) => w.ledger.evaluate('consignment:Get', { msp: NL, role: 'none', args: [w.r.declaration.ucr] })],
  ['Get of a record its originator overwrote with bytes that are no record', 'MALFORMED_DOCUMENT', (w) => w.ledger.evaluate('consignment:Get', { msp: BE, args: [w.garbled.declaration.ucr] })],
  ['UpdateStatus of a record that is no record', 'MALFORMED_DOCUMENT', (w) => status(w, NL, [w.garbled.declaration.ucr, 'risk-assessed', 'x'])],
  ['History of a record never lodged', 'RECORD_NOT_FOUND', (w) => w.ledger.evaluate('consignment:History', { msp: NL, args: ['6NL999999999-NONE'] })],
  ['List with an office that is no UN/LOCODE', 'INVALID_ARGUMENT', (w) => w.ledger.evaluate('consignment:List', { msp: NL, args: [JSON.stringify({ by: 'office', value: 'rotterdam' })] })],
  ['List with a page size over 200', 'INVALID_ARGUMENT', (w) => w.ledger.evaluate('consignment:List', { msp: NL, args: [JSON.stringify({ by: 'status', value: 'lodged', pageSize: 1000 })] })],
  ['List by an unknown index', 'INVALID_ARGUMENT', (w) => w.ledger.evaluate('consignment:List', { msp: NL, args: [JSON.stringify({ by: 'trader', value: 'x' })] })],
  ['agreement List with a malformed party', 'INVALID_ARGUMENT', (w) => w.ledger.evaluate('agreement:List', { msp: NL, args: ['not an msp!', ''] })],
  ['AgreementActivity of an unknown agreement', 'AGREEMENT_NOT_FOUND', (w) => w.ledger.evaluate('consignment:AgreementActivity', { msp: NL, args: ['AGR-NOPE'] })],
];

describe('refusals: every rule, its code, and nothing written', () => {
  let world: World;
  before(async () => {
    world = await buildWorld();
  });

  for (const [name, code, run] of cases) {
    it(`${name} → ${code}`, async () => {
      const before = world.ledger.fingerprint();
      const result = await run(world);
      assert.equal(result.ok, false, `${name} was accepted`);
      assert.equal(result.error?.code, code, `${name}: ${result.message}`);
      assert.ok(result.error.message.length > 0);
      assert.equal(world.ledger.fingerprint(), before, `${name} left something behind`);
    });
  }

  it('covers every error code the chaincode defines', async () => {
    const { ERROR_CODES } = await import('customs-ledger-chaincode/domain');
    const covered = new Set(cases.map(([, code]) => code));
    assert.deepEqual(ERROR_CODES.filter((c) => !covered.has(c)), []);
  });

  it('refuses an unknown transaction name', async () => {
    const r = await world.ledger.evaluate('consignment:DropTable', { msp: NL });
    assert.equal(r.ok, false);
    assert.match(r.message, /DropTable/);
  });
});
