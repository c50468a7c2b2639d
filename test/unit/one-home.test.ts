/**
 * Each shared concept is written in one place: the string patterns in the
 * domain's patterns.ts, the state layout, collections and roles in its
 * ledger-layout.ts, the document schemas in its documents.ts. This test
 * reads every source file and names any other that spells one of them out.
 */
import { strict as assert } from 'node:assert';
import { readdirSync, readFileSync } from 'node:fs';
import * as path from 'node:path';

const ROOT = path.resolve(__dirname, '../../..');
const SOURCES = ['chaincode/src', 'gateway/src'];

function sourceFiles(): { file: string; text: string }[] {
  const out: { file: string; text: string }[] = [];
  const walk = (dir: string): void => {
    for (const entry of readdirSync(path.join(ROOT, dir), { withFileTypes: true })) {
      const rel = path.join(dir, entry.name);
      if (entry.isDirectory()) {
        walk(rel);
      } else if (entry.name.endsWith('.ts')) {
        out.push({ file: rel, text: readFileSync(path.join(ROOT, rel), 'utf8') });
      }
    }
  };
  SOURCES.forEach(walk);
  return out;
}

interface Concept {
  what: string;
  home: string;
  /** how the concept looks when it is spelt out */
  spelt: RegExp;
  /** how its home defines it, when that is not how it is spelt elsewhere */
  defined?: RegExp;
}

const CONCEPTS: readonly Concept[] = [
  { what: 'a 32-byte hex pattern', home: 'chaincode/src/domain/patterns.ts', spelt: /\{64\}/ },
  { what: 'an address pattern', home: 'chaincode/src/domain/patterns.ts', spelt: /\{40\}/ },
  { what: 'a signature pattern', home: 'chaincode/src/domain/patterns.ts', spelt: /\{130\}/ },
  { what: 'the implicit collection prefix', home: 'chaincode/src/domain/ledger-layout.ts', spelt: /_implicit_org_/ },
  {
    what: 'the list of roles',
    home: 'chaincode/src/domain/ledger-layout.ts',
    spelt: /\[\s*'(admin|auditor|officer)',\s*'(admin|auditor|officer)',\s*'(admin|auditor|officer)'\s*\]/,
  },
  { what: 'a document schema (docType)', home: 'chaincode/src/domain/documents.ts', spelt: /docType:\s*z\./ },
  {
    what: 'a state key object type as a bare string',
    home: 'chaincode/src/domain/ledger-layout.ts',
    spelt: /(createCompositeKey|partialKeyRange|compositeKey|key)\(\s*(ctx,\s*)?'[a-z-]+'(?!\s*satisfies)/,
    defined: /export const DOCUMENT_KEYS = \{/,
  },
];

describe('one home per concept', () => {
  const files = sourceFiles();

  it('reads the sources it checks', () => {
    assert.ok(files.length > 100, `only ${files.length} source files found under ${SOURCES.join(', ')}`);
    for (const c of CONCEPTS) {
      const home = files.find((f) => f.file === c.home);
      assert.ok(home, `${c.home} is missing`);
      assert.match(home.text, c.defined ?? c.spelt, `${c.home} should define ${c.what}`);
    }
  });

  for (const c of CONCEPTS) {
    it(`${c.what} is spelt out only in ${c.home}`, () => {
      const elsewhere = files.filter((f) => f.file !== c.home && c.spelt.test(f.text)).map((f) => {
        const line = f.text.split('\n').findIndex((l) => c.spelt.test(l));
        return `${f.file}:${line + 1}`;
      });
      assert.deepEqual(elsewhere, [], `${c.what} is written out again at ${elsewhere.join(', ')}`);
    });
  }
});
