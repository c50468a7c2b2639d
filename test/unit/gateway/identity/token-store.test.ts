import { strict as assert } from 'node:assert';
import { readFile, readdir } from 'node:fs/promises';
import { join } from 'node:path';
import { createHash } from 'node:crypto';
import { FileTokenStore } from 'customs-ledger-gateway/dist/identity/token-store';
import { scratchDir } from '../../../support/scratch-dir';

describe('FileTokenStore', () => {
  const scratch = scratchDir('tokens-');

  const holders = [
    { label: 'officer1', role: 'officer' as const },
    { label: 'admin1', role: 'admin' as const },
  ];

  it('issues 32-byte tokens once and stores only their SHA-256 hashes', async () => {
    const path = join(scratch.path, 'nested', 'tokens.json');
    const { store, issued } = await FileTokenStore.open(path, holders);
    assert.equal(issued.length, 2);
    for (const t of issued) {
      assert.equal(Buffer.from(t.token, 'base64url').length, 32);
    }
    const text = await readFile(path, 'utf8');
    for (const t of issued) {
      assert.ok(!text.includes(t.token), 'the token itself is not stored');
      assert.ok(text.includes(createHash('sha256').update(t.token).digest('hex')));
    }
    assert.deepEqual(store.authenticate(issued[0]!.token), { label: 'officer1', role: 'officer' });
    assert.deepEqual(await readdir(join(scratch.path, 'nested')), ['tokens.json'], 'no temporary file left behind');
  });

  it('reads the same file back on the next start without issuing new tokens', async () => {
    const path = join(scratch.path, 'tokens.json');
    const first = await FileTokenStore.open(path, holders);
    const second = await FileTokenStore.open(path, holders);
    assert.deepEqual(second.issued, []);
    assert.deepEqual(second.store.authenticate(first.issued[1]!.token), { label: 'admin1', role: 'admin' });
  });

  it('refuses a wrong, truncated or malformed token', async () => {
    const { store, issued } = await FileTokenStore.open(join(scratch.path, 'tokens.json'), holders);
    const token = issued[0]!.token;
    assert.equal(store.authenticate(`${token.slice(0, -1)}${token.endsWith('A') ? 'B' : 'A'}`), undefined);
    assert.equal(store.authenticate(token.slice(1)), undefined);
    assert.equal(store.authenticate(''), undefined);
    assert.equal(store.authenticate(`${token} `), undefined);
  });

  it('refuses a token file that is not what it should be, naming the field', async () => {
    const path = join(scratch.path, 'tokens.json');
    const { writeFile } = await import('node:fs/promises');
    await writeFile(path, JSON.stringify({ version: 1, tokens: [{ label: 'x', role: 'root', sha256: '00' }] }));
    await assert.rejects(FileTokenStore.open(path, holders), /tokens\.tokens\.0\.role/);
  });
});
