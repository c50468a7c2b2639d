import { strict as assert } from 'node:assert';
import { MemoryLedger } from '../../../support/memory-ledger';
import { BE, DE, NL, testIdentities } from '../../../support/identities';
import { agreementJson, expectOk, makeAgreement } from '../../../support/scenario';

interface View {
  id: string;
  status: string;
  acceptedBy: string[];
  parties: string[];
  suspension: { by: string; reason: string } | null;
  termination: { by: string } | null;
}

describe('AgreementContract', () => {
  let ledger: MemoryLedger;
  beforeEach(async () => {
    ledger = new MemoryLedger(await testIdentities());
  });

  const get = async (id: string, time?: Date) =>
    expectOk(await ledger.evaluate('agreement:Get', { msp: DE, role: 'auditor', args: [id], ...(time ? { time } : {}) })) as View;

  it('Propose: the proposer\'s proposal is its acceptance; the agreement stays proposed until every party accepts', async () => {
    const proposed = expectOk(
      await ledger.submit('agreement:Propose', { msp: NL, role: 'admin', args: [agreementJson({ id: 'AGR-NL-BE-1', parties: [NL, BE] })] }),
    ) as View;
    assert.equal(proposed.status, 'proposed');
    assert.deepEqual(proposed.acceptedBy, [NL]);
    assert.deepEqual((await get('AGR-NL-BE-1')).acceptedBy, [NL]);
    const accepted = expectOk(await ledger.submit('agreement:Accept', { msp: BE, role: 'admin', args: ['AGR-NL-BE-1'] })) as View;
    assert.equal(accepted.status, 'active');
    assert.equal((await get('AGR-NL-BE-1')).status, 'active');
  });

  it('writes each acceptance under its own key, guarded by that organisation alone', async () => {
    await makeAgreement(ledger, { id: 'AGR-KEYS', parties: [NL, BE, DE] });
    const acceptanceKeys = [...ledger.state.keys()].filter((k) => k.startsWith('\u0000acceptance\u0000AGR-KEYS'));
    assert.equal(acceptanceKeys.length, 3);
    for (const k of acceptanceKeys) {
      assert.ok(ledger.state.get(k)?.validationParameter, `no key-level policy on ${k}`);
    }
    const agreementKey = '\u0000agreement\u0000AGR-KEYS\u0000';
    assert.ok(ledger.state.get(agreementKey)?.validationParameter);
  });

  it('Suspend, Resume and Terminate by any party, each recorded with who and why', async () => {
    await makeAgreement(ledger, { id: 'AGR-LIFE', parties: [NL, BE] });
    const suspended = expectOk(await ledger.submit('agreement:Suspend', { msp: BE, role: 'admin', args: ['AGR-LIFE', 'audit of data handling'] })) as View;
    assert.equal(suspended.status, 'suspended');
    assert.deepEqual([suspended.suspension?.by, suspended.suspension?.reason], [BE, 'audit of data handling']);
    assert.equal((await get('AGR-LIFE')).status, 'suspended');
    expectOk(await ledger.submit('agreement:Resume', { msp: NL, role: 'admin', args: ['AGR-LIFE', 'audit closed'] }));
    assert.equal((await get('AGR-LIFE')).status, 'active');
    const terminated = expectOk(await ledger.submit('agreement:Terminate', { msp: NL, role: 'admin', args: ['AGR-LIFE', 'replaced'] })) as View;
    assert.equal(terminated.status, 'terminated');
    assert.equal((await get('AGR-LIFE')).termination?.by, NL);
  });

  it('expires by transaction time, not by any clock of its own', async () => {
    await makeAgreement(ledger, { id: 'AGR-TIME', parties: [NL, BE], validUntil: '2026-06-30T00:00:00Z' });
    assert.equal((await get('AGR-TIME', new Date('2026-06-29T23:59:59Z'))).status, 'active');
    assert.equal((await get('AGR-TIME', new Date('2026-06-30T00:00:00Z'))).status, 'expired');
  });

  it('List by party and by status', async () => {
    await makeAgreement(ledger, { id: 'AGR-A', parties: [NL, BE] });
    await makeAgreement(ledger, { id: 'AGR-B', parties: [NL, DE] }, { acceptedBy: [] });
    await makeAgreement(ledger, { id: 'AGR-C', parties: [BE, DE] });
    const list = async (party: string, status: string) =>
      (expectOk(await ledger.evaluate('agreement:List', { msp: NL, role: 'admin', args: [party, status] })) as { agreements: View[] }).agreements.map((v) => v.id);
    assert.deepEqual(await list('', ''), ['AGR-A', 'AGR-B', 'AGR-C']);
    assert.deepEqual(await list(NL, ''), ['AGR-A', 'AGR-B']);
    assert.deepEqual(await list(DE, 'active'), ['AGR-C']);
    assert.deepEqual(await list('', 'proposed'), ['AGR-B']);
    assert.deepEqual(await list(NL, 'terminated'), []);
  });

  it('records every change as an event naming the agreement', async () => {
    await makeAgreement(ledger, { id: 'AGR-EV', parties: [NL, BE] });
    expectOk(await ledger.submit('agreement:Terminate', { msp: BE, role: 'admin', args: ['AGR-EV', 'ended'] }));
    const events = ledger.committed.map((c) => c.event?.name).filter((name) => name !== 'MemberRegistered');
    assert.deepEqual(events, ['AgreementProposed', 'AgreementAccepted', 'AgreementTerminated']);
  });
});
