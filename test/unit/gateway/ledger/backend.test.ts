import { strict as assert } from 'node:assert';
import { LedgerRuleError, encodeRuleError } from 'customs-ledger-chaincode/domain';
import { CommitError, EndorseError, LedgerError, isCodedRefusal, ledgerError } from 'customs-ledger-gateway/dist/ledger';

describe('ledger errors', () => {
  it('are one class per stage with the failure underneath as their native cause', () => {
    const cause = new Error('socket closed');
    const err = ledgerError('commit', 'no commit of tx1', 'tx1', { cause });
    assert.ok(err instanceof CommitError && err instanceof LedgerError);
    assert.equal(err.stage, 'commit');
    assert.equal(err.name, 'CommitError');
    assert.equal(err.cause, cause);
    assert.equal(err.refusal, undefined);
    assert.equal(isCodedRefusal(err), false);
  });

  it('decode a chaincode refusal once, into data', () => {
    const wire = encodeRuleError(new LedgerRuleError('UCR_CONFLICT', 'NL1 is lodged already', { ucr: 'NL1' }));
    const err = new EndorseError('refused', 'tx2', { chaincodeMessage: `chaincode response 500, ${wire}` });
    assert.deepEqual(err.refusal, { code: 'UCR_CONFLICT', message: 'NL1 is lodged already', details: { ucr: 'NL1' } });
    assert.equal(isCodedRefusal(err), true);
    assert.equal(new EndorseError('peer down', 'tx3', { chaincodeMessage: 'chaincode response 500, panic' }).refusal, undefined);
  });
});
