/**
 * The replayed state's ranges: a range read once is kept for the blocks
 * after it and must still answer what the database and the block being
 * replayed hold: changes of later blocks, in the range or beside it, in the
 * audited chaincode's namespace or another, deletions, and a checkpoint
 * opened again.
 */
import { strict as assert } from 'node:assert';
import { ReplayState, type ReplayPosition, type StateValue } from 'customs-ledger-gateway/dist/audit/replay-state';
import { createCompositeKey, partialKeyRange } from 'customs-ledger-gateway/dist/fabric-format/keys';
import { scratchDir } from '../../../support/scratch-dir';

const value = (text: string, block: number, tx = 0): StateValue => ({ value: Buffer.from(text), version: { block, tx }, validationParameter: null });
const position = (next: number): ReplayPosition => ({ next, previousHash: '', genesisHash: '', channelId: 'customs' });
const acceptance = (agreement: string, party: string): string => createCompositeKey('acceptance', [agreement, party]);

async function keysIn(state: ReplayState, agreement: string, namespace?: string): Promise<string[]> {
  const { start, end } = partialKeyRange('acceptance', [agreement]);
  return (await state.range(start, end, namespace)).map(({ key, entry }) => `${key.split('\u0000').filter(Boolean).join('/')}@${entry.version.block}`);
}

describe('audit replayed state: ranges', () => {
  const scratch = scratchDir('customs-audit-state-');

  it('answers a range read before with the changes of every later block and of the block being replayed', async () => {
    const state = await ReplayState.open(scratch.path);
    state.put(acceptance('A1', 'NL'), value('nl', 0));
    state.put(acceptance('A2', 'BE'), value('be', 0));
    await state.commitBlock(position(1), []);
    assert.deepEqual(await keysIn(state, 'A1'), ['acceptance/A1/NL@0']);

    // the block being replayed is seen before it is committed, and after
    state.put(acceptance('A1', 'DE'), value('de', 1));
    state.put(createCompositeKey('agreement', ['A1']), value('agreement', 1));
    assert.deepEqual(await keysIn(state, 'A1'), ['acceptance/A1/DE@1', 'acceptance/A1/NL@0']);
    await state.commitBlock(position(2), []);
    assert.deepEqual(await keysIn(state, 'A1'), ['acceptance/A1/DE@1', 'acceptance/A1/NL@0']);

    // a change beside the range leaves it as it was; a deletion and a new version in it show
    state.put(acceptance('A2', 'NL'), value('nl', 2));
    state.put(acceptance('A10', 'NL'), value('nl', 2));
    await state.commitBlock(position(3), []);
    assert.deepEqual(await keysIn(state, 'A1'), ['acceptance/A1/DE@1', 'acceptance/A1/NL@0']);
    assert.deepEqual(await keysIn(state, 'A2'), ['acceptance/A2/BE@0', 'acceptance/A2/NL@2']);
    state.put(acceptance('A1', 'DE'), null);
    state.put(acceptance('A1', 'NL'), value('nl again', 3));
    assert.deepEqual(await keysIn(state, 'A1'), ['acceptance/A1/NL@3']);
    await state.commitBlock(position(4), []);
    assert.deepEqual(await keysIn(state, 'A1'), ['acceptance/A1/NL@3']);

    // another namespace keeps its own keys
    state.put(acceptance('A1', 'BE'), value('be', 4), '_lifecycle');
    await state.commitBlock(position(5), []);
    assert.deepEqual(await keysIn(state, 'A1'), ['acceptance/A1/NL@3']);
    assert.deepEqual(await keysIn(state, 'A1', '_lifecycle'), ['acceptance/A1/BE@4']);
    state.put(acceptance('A1', 'DE'), value('de', 5), '_lifecycle');
    await state.commitBlock(position(6), []);
    assert.deepEqual(await keysIn(state, 'A1', '_lifecycle'), ['acceptance/A1/BE@4', 'acceptance/A1/DE@5']);
    assert.deepEqual(await keysIn(state, 'A1'), ['acceptance/A1/NL@3']);
    await state.close();

    // the checkpoint, opened again, reads the same from its database
    const reopened = await ReplayState.open(scratch.path);
    assert.deepEqual(await keysIn(reopened, 'A1'), ['acceptance/A1/NL@3']);
    assert.deepEqual(await keysIn(reopened, 'A2'), ['acceptance/A2/BE@0', 'acceptance/A2/NL@2']);
    assert.deepEqual(await keysIn(reopened, 'A1', '_lifecycle'), ['acceptance/A1/BE@4', 'acceptance/A1/DE@5']);
    reopened.put(acceptance('A1', 'BE'), value('be', 6));
    await reopened.commitBlock(position(7), []);
    assert.deepEqual(await keysIn(reopened, 'A1'), ['acceptance/A1/BE@6', 'acceptance/A1/NL@3']);
    await reopened.close();
  });

  it('reads open-ended ranges and ranges without a common prefix as it did', async () => {
    const state = await ReplayState.open(scratch.path);
    state.put('a', value('a', 0));
    state.put('b', value('b', 0));
    await state.commitBlock(position(1), []);
    const keys = async (start: string, end: string): Promise<string[]> => (await state.range(start, end)).map(({ key }) => key);
    assert.deepEqual(await keys('a', ''), ['a', 'b']);
    assert.deepEqual(await keys('a', 'c'), ['a', 'b']);
    state.put('c', value('c', 1));
    state.put('ab', value('ab', 1));
    await state.commitBlock(position(2), []);
    assert.deepEqual(await keys('a', ''), ['a', 'ab', 'b', 'c']);
    assert.deepEqual(await keys('a', 'c'), ['a', 'ab', 'b']);
    await state.close();
  });
  it('reads the blocks of a batch written in the background as they were replayed, and resumes after them', async () => {
    let state = await ReplayState.open(scratch.path);
    await state.commitBlock(position(1), []);
    await state.close();
    // opened again: the state is no longer known to be all in memory, so reads may go to the database
    state = await ReplayState.open(scratch.path);
    const blocks = 128; // a batch is written every 128 blocks
    for (let n = 1; n <= blocks; n++) {
      state.put(acceptance(`A${n}`, 'NL'), value(`v${n}`, n));
      state.recordTransaction(`tx${n}`, { block: n, tx: 0 });
      state.putPrivateHash('_implicit_org_NLCustomsMSP', `${n}`.padStart(64, '0'), { valueHash: Buffer.from([n]), version: { block: n, tx: 0 } });
      await state.commitBlock(position(n + 1), [{ block: n, tx: null, txId: null, rule: 'data-hash', message: `finding ${n}` }]);
    }
    // the last commit started the batch's write and did not wait for it
    assert.deepEqual(await state.position(), position(blocks + 1));
    assert.equal(state.peek(acceptance('A1', 'NL'))?.value.toString(), 'v1');
    assert.deepEqual(await state.transactionLocation('tx64'), { block: 64, tx: 0 });
    assert.deepEqual((await state.getPrivateHash('_implicit_org_NLCustomsMSP', '128'.padStart(64, '0')))?.version, { block: 128, tx: 0 });
    assert.deepEqual(await keysIn(state, 'A7'), ['acceptance/A7/NL@7']);
    assert.equal((await state.findings()).length, blocks);
    await state.close();
    state = await ReplayState.open(scratch.path);
    try {
      assert.deepEqual(await state.position(), position(blocks + 1));
      assert.equal((await state.get(acceptance('A128', 'NL')))?.value.toString(), 'v128');
      assert.deepEqual(await state.transactionLocation('tx1'), { block: 1, tx: 0 });
      assert.equal((await state.findings()).length, blocks);
    } finally {
      await state.close();
    }
  });
});
