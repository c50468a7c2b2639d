/**
 * The contract metadata as a peer serves it (org.hyperledger.fabric:GetMetadata),
 * compared with the committed snapshot: an API change shows as a diff.
 * UPDATE_SNAPSHOTS=1 npm test rewrites the snapshot.
 */
import { strict as assert } from 'node:assert';
import { existsSync, readFileSync, writeFileSync } from 'node:fs';
import { resolve } from 'node:path';
import { MemoryLedger } from '../../../support/memory-ledger';
import { NL, testIdentities } from '../../../support/identities';

const SNAPSHOT = resolve(__dirname, '../../../../snapshots/contract-metadata.json');

describe('contract metadata snapshot', () => {
  it('matches test/snapshots/contract-metadata.json', async () => {
    const ledger = new MemoryLedger(await testIdentities());
    const result = await ledger.evaluate('org.hyperledger.fabric:GetMetadata', { msp: NL });
    assert.equal(result.ok, true, result.message);
    const metadata = `${JSON.stringify(JSON.parse(result.payload), null, 2)}\n`;
    if (process.env.UPDATE_SNAPSHOTS === '1' || !existsSync(SNAPSHOT)) {
      writeFileSync(SNAPSHOT, metadata);
    }
    assert.equal(metadata, readFileSync(SNAPSHOT, 'utf8'), 'contract metadata changed: review, then UPDATE_SNAPSHOTS=1 npm test');
  });

  it('exposes exactly the decorated transactions, queries marked as such', async () => {
    const ledger = new MemoryLedger(await testIdentities());
    const metadata = JSON.parse((await ledger.evaluate('org.hyperledger.fabric:GetMetadata', { msp: NL })).payload) as {
      contracts: Record<string, { transactions: { name: string; tag?: string[] }[] }>;
    };
    const list = (c: string) =>
      metadata.contracts[c]!.transactions.map((t) => `${t.name}${t.tag?.includes('SUBMIT') || t.tag?.includes('submitTx') ? '' : '?'}`).sort();
    assert.deepEqual(list('agreement'), ['Accept', 'Get?', 'List?', 'Propose', 'Resume', 'Suspend', 'Terminate']);
    assert.deepEqual(list('consignment'), [
      'AgreementActivity?', 'Get?', 'History?', 'List?', 'Lodge', 'Purge', 'PurgeRecord', 'RequestAccess', 'Share', 'Shares?', 'StoreDeclaration', 'UpdateStatus',
    ]);
  });
});
