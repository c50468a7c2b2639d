import { strict as assert } from 'node:assert';
import { SharedWork } from 'customs-ledger-gateway/dist/ledger/embedded/shared-work';
import { signLowS } from 'customs-ledger-gateway/dist/fabric-format/signing';
import { NL, testIdentities } from '../../../support/identities';

describe('the embedded peers\' shared signature verdicts', () => {
  it('remembers a verdict for the split it was given, and another split of the same bytes is verified anew', async () => {
    const officer = (await testIdentities()).user(NL, 'officer');
    const [a, b] = [Buffer.from('proposal response payload '.repeat(100)), Buffer.from('endorser identity')];
    const signature = signLowS(officer.privateKeyPem, Buffer.concat([a, b]));
    const shared = new SharedWork();
    assert.equal(shared.verify(officer.certificatePem, [a, b], signature), true);
    // the same bytes, the signature's first byte moved to the message: not the verdict remembered for the split above
    const moved = Buffer.concat([b, signature.subarray(0, 1)]);
    assert.equal(shared.verify(officer.certificatePem, [a, moved], signature.subarray(1)), false);
    assert.equal(shared.verify(officer.certificatePem, Buffer.concat([a, b]), signature), true);
  });
});
