import { strict as assert } from 'node:assert';
import { MemoryLedger } from '../../../support/memory-ledger';
import { testIdentities, NL } from '../../../support/identities';
import { makeLodgement, newTrader, sampleDeclaration } from '../../../support/fixtures';

describe('smoke', () => {
  it('lodges', async () => {
    const ledger = new MemoryLedger(await testIdentities());
    const l = await makeLodgement(sampleDeclaration(), NL, newTrader());
    const r = await ledger.submit('consignment:Lodge', { msp: NL, args: l.args, transient: l.transient });
    assert.equal(r.ok, true, r.message);
    const g = await ledger.evaluate('consignment:Get', { msp: NL, args: [l.declaration.ucr] });
    console.log(g.payload.slice(0, 300));
  });
});
