import { strict as assert } from 'node:assert';
import {
  checkLodgement,
  checkStoredPart,
  isSameLodgement,
  lodgedRecord,
  lodgementSchema,
  recordInconsistency,
  requireOriginator,
  withStatus,
  type Lodgement,
} from 'customs-ledger-chaincode/domain';
import { makeLodgement, newTrader, newUcr, randomSalts, sampleDeclaration } from '../../../support/fixtures';
import { CHANNEL } from '../../../support/memory-ledger';
import { BE, NL } from '../../../support/identities';
import { refusedWith } from '../../../support/decisions';


async function lodgement(trader = newTrader()) {
  const declaration = sampleDeclaration({ ucr: newUcr() });
  const made = await makeLodgement(declaration, NL, trader);
  return { ...made, lodgement: lodgementSchema.parse(JSON.parse(made.args[0]!)) };
}

describe('lodging decisions', () => {
  it('take the private part whose commitments are the lodgement\'s, and refuse another declaration or other salts', async () => {
    const { lodgement: l, declaration, salts } = await lodgement();
    assert.equal(checkStoredPart(l, declaration, salts).fieldRoot, l.fieldRoot);
    refusedWith('HASH_MISMATCH', () => checkStoredPart(l, { ...declaration, transportMode: 'air' }, salts));
    refusedWith('FIELD_ROOT_MISMATCH', () => checkStoredPart(l, declaration, randomSalts()));
  });

  it('check the field root and the trader signature from public data alone', async () => {
    const { lodgement: l } = await lodgement();
    assert.doesNotThrow(() => checkLodgement(l, CHANNEL, NL));
    refusedWith('BAD_SIGNATURE', () => checkLodgement(l, CHANNEL, BE));
    refusedWith('BAD_SIGNATURE', () => checkLodgement(l, 'another-channel', NL));
    const [first, second] = Object.keys(l.fieldHashes) as (keyof Lodgement['fieldHashes'])[];
    const swapped = { ...l.fieldHashes, [first!]: l.fieldHashes[second!], [second!]: l.fieldHashes[first!] };
    refusedWith('FIELD_ROOT_MISMATCH', () => checkLodgement({ ...l, fieldHashes: swapped }, CHANNEL, NL));
  });

  it('write a consistent first record, the same lodgement again is that record, anything else a conflict', async () => {
    const { lodgement: l } = await lodgement();
    const record = lodgedRecord(l, NL, '2026-03-02T09:00:00.000Z', 'tx1');
    assert.equal(recordInconsistency(record), undefined);
    assert.equal(record.trader, l.trader!.toLowerCase());
    assert.equal(isSameLodgement(record, l.declarationHash, NL), true);
    refusedWith('UCR_CONFLICT', () => isSameLodgement(record, l.declarationHash, BE));
    refusedWith('UCR_CONFLICT', () => isSameLodgement(record, 'f'.repeat(64), NL));
  });

  it('move a record only along its transitions and only for its originator', async () => {
    const { lodgement: l } = await lodgement();
    const record = lodgedRecord(l, NL, '2026-03-02T09:00:00.000Z', 'tx1');
    const released = withStatus(withStatus(record, 'risk-assessed', 'check', NL, '2026-03-02T10:00:00.000Z', 'tx2'), 'released', 'ok', NL, '2026-03-02T11:00:00.000Z', 'tx3');
    assert.deepEqual(released.statusHistory.map((h) => h.status), ['lodged', 'risk-assessed', 'released']);
    assert.equal(recordInconsistency(released), undefined);
    refusedWith('INVALID_TRANSITION', () => withStatus(released, 'lodged', 'again', NL, '2026-03-02T12:00:00.000Z', 'tx4'));
    refusedWith('WRONG_ORGANIZATION', () => requireOriginator(record, BE));
  });
});
