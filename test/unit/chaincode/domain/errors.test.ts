import { strict as assert } from 'node:assert';
import { ERROR_CODES, LedgerRuleError, decodeRuleError, encodeRuleError } from 'customs-ledger-chaincode/domain';

describe('coded refusals', () => {
  it('carry their sentence as the message and their code and details as data', () => {
    const err = new LedgerRuleError('RECORD_NOT_FOUND', 'no record NL1', { ucr: 'NL1' });
    assert.equal(err.message, 'no record NL1');
    assert.deepEqual(err.toRefusal(), { code: 'RECORD_NOT_FOUND', message: 'no record NL1', details: { ucr: 'NL1' } });
  });

  it('are written as canonical JSON only in their wire form, and read back wherever a peer wrapped it', () => {
    const err = new LedgerRuleError('NOT_A_PARTY', 'BE is not a party', { party: 'BE', parties: ['DE', 'NL'] });
    const wire = encodeRuleError(err);
    assert.equal(wire, '{"code":"NOT_A_PARTY","details":{"parties":["DE","NL"],"party":"BE"},"message":"BE is not a party"}');
    assert.deepEqual(decodeRuleError(`chaincode response 500, ${wire} (peer0)`), err.toRefusal());
  });

  it('decode only the codes the chaincode defines', () => {
    assert.equal(decodeRuleError('{"code":"SOMETHING_ELSE","message":"m","details":{}}'), undefined);
    assert.equal(decodeRuleError('not a refusal'), undefined);
    for (const code of ERROR_CODES) {
      assert.equal(decodeRuleError(encodeRuleError(new LedgerRuleError(code, 'x')))?.code, code);
    }
  });
});
