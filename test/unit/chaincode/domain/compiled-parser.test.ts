import { strict as assert } from 'node:assert';
import type { z } from 'zod';
import { compileParser, NOT_PARSED } from 'customs-ledger-chaincode/domain';
import {
  agreementActivitySchema,
  agreementListSchema,
  agreementViewSchema,
  consignmentRecordSchema,
  historySchema,
  recordPageSchema,
  recordViewSchema,
  shareListSchema,
} from 'customs-ledger-gateway/dist/service/ledger-views';
import { BE, DE, NL, testIdentities } from '../../../support/identities';
import { MemoryLedger } from '../../../support/memory-ledger';
import { expectOk, lodge, makeAgreement, share } from '../../../support/scenario';
import type { Role } from 'customs-ledger-chaincode/domain';

type Json = null | boolean | number | string | Json[] | { [key: string]: Json };

const REPLACEMENTS: Json[] = [null, 0, 1, -1, 1.5, 1e21, '', 'x', 'NOT-HEX', true, false, [], {}, ['x']];

/** The value with the node at `path` replaced (or, with `undefined`, removed). */
function withAt(value: Json, path: (string | number)[], replacement: Json | undefined): Json {
  if (path.length === 0) {
    return replacement === undefined ? null : replacement;
  }
  const [head, ...rest] = path;
  if (Array.isArray(value)) {
    const copy = [...value];
    if (replacement === undefined && rest.length === 0) {
      copy.splice(head as number, 1);
    } else {
      copy[head as number] = withAt(value[head as number]!, rest, replacement);
    }
    return copy;
  }
  const copy = { ...(value as Record<string, Json>) };
  if (replacement === undefined && rest.length === 0) {
    delete copy[head as string];
  } else {
    copy[head as string] = withAt((value as Record<string, Json>)[head as string]!, rest, replacement);
  }
  return copy;
}

/** Every path of a JSON value, the root included. */
function paths(value: Json, prefix: (string | number)[] = []): (string | number)[][] {
  const out = [prefix];
  if (Array.isArray(value)) {
    value.forEach((item, i) => out.push(...paths(item, [...prefix, i])));
  } else if (value !== null && typeof value === 'object') {
    for (const [k, v] of Object.entries(value)) {
      out.push(...paths(v, [...prefix, k]));
    }
  }
  return out;
}

/** The answer and its variants: each node removed, replaced by values of every JSON kind, changed a little; objects with an unknown key. */
function variants(answer: Json): Json[] {
  const out: Json[] = [answer];
  for (const path of paths(answer)) {
    const node = path.reduce<Json>((v, k) => (v as Record<string, Json>)[k as string]!, answer);
    if (path.length > 0) {
      out.push(withAt(answer, path, undefined));
    }
    for (const r of REPLACEMENTS) {
      out.push(withAt(answer, path, r));
    }
    if (typeof node === 'string') {
      out.push(withAt(answer, path, node.toUpperCase()), withAt(answer, path, `${node}\u0000`), withAt(answer, path, node.slice(1)));
    } else if (typeof node === 'number') {
      out.push(withAt(answer, path, node + 0.5), withAt(answer, path, -node - 1));
    } else if (Array.isArray(node) && node.length > 0) {
      out.push(withAt(answer, path, [...node, node[0]!]), withAt(answer, path, [...node].reverse()));
    } else if (node !== null && typeof node === 'object') {
      out.push(withAt(answer, path, { ...node, unknownField: 'x' }));
    }
  }
  return out;
}

/** The compiled parser answers as zod does, or leaves the answer to zod; for these schemas it never needs to. */
function assertLikeZod<T>(schema: z.ZodType<T>, answers: Json[]): number {
  const compiled = compileParser(schema);
  let compared = 0;
  for (const answer of answers) {
    for (const input of variants(answer)) {
      const where = JSON.stringify(input).slice(0, 200);
      let theirs: ReturnType<typeof schema.safeParse>;
      try {
        theirs = schema.safeParse(input);
      } catch {
        // zod throws on some invalid values (a refinement that assumes its format check passed): then the
        // compiled parser must not answer for it, so that answerParser meets the same error.
        let ours: unknown = NOT_PARSED;
        try {
          ours = compiled(input);
        } catch {
          // the same refinement threw
        }
        assert.equal(ours, NOT_PARSED, `the compiled parser accepts what zod throws on: ${where}`);
        compared += 1;
        continue;
      }
      const ours = compiled(input);
      if (theirs.success) {
        assert.notEqual(ours, NOT_PARSED, `zod accepts what the compiled parser does not: ${where}`);
        assert.equal(JSON.stringify(ours), JSON.stringify(theirs.data), `a different value (or key order) for ${where}`);
        assert.deepEqual(ours, theirs.data);
      } else {
        assert.equal(ours, NOT_PARSED, `the compiled parser accepts what zod refuses: ${where}`);
      }
      compared += 1;
    }
  }
  return compared;
}

describe('compiled answer parser', function () {
  this.timeout(120_000);
  const answers = new Map<string, Json[]>();
  const add = (name: string, payload: unknown) => answers.set(name, [...(answers.get(name) ?? []), payload as Json]);

  before(async () => {
    const ledger = new MemoryLedger(await testIdentities());
    await makeAgreement(ledger, { id: 'AGR-NL-BE', parties: [NL, BE] });
    const lodged = await lodge(ledger, NL);
    const unsigned = await lodge(ledger, NL, {}, null);
    expectOk(await share(ledger, lodged, { from: NL, to: BE, agreementId: 'AGR-NL-BE' }));
    expectOk(await ledger.submit('consignment:UpdateStatus', { msp: NL, args: [lodged.declaration.ucr, 'risk-assessed', 'profile match'] }));
    const evaluate = async (fn: string, msp: string, role: Role, args: string[]) =>
      expectOk(await ledger.evaluate(fn, { msp, role, args }));
    for (const [msp, role] of [[NL, 'officer'], [BE, 'officer'], [DE, 'auditor']] as const) {
      add('view', await evaluate('consignment:Get', msp, role, [lodged.declaration.ucr]));
    }
    add('view', await evaluate('consignment:Get', NL, 'admin', [unsigned.declaration.ucr]));
    add('page', await evaluate('consignment:List', NL, 'officer', [JSON.stringify({ by: 'office', value: 'NLRTM', pageSize: 1, bookmark: '' })]));
    add('history', await evaluate('consignment:History', DE, 'auditor', [lodged.declaration.ucr]));
    add('shares', await evaluate('consignment:Shares', NL, 'officer', [lodged.declaration.ucr]));
    add('agreement', await evaluate('agreement:Get', DE, 'auditor', ['AGR-NL-BE']));
    add('agreements', await evaluate('agreement:List', NL, 'admin', [JSON.stringify({ party: NL })]).catch(() => []));
    add('activity', await evaluate('consignment:AgreementActivity', NL, 'officer', ['AGR-NL-BE']));
  });

  const cases: [string, z.ZodType<unknown>][] = [
    ['view', recordViewSchema],
    ['page', recordPageSchema],
    ['history', historySchema],
    ['shares', shareListSchema],
    ['agreement', agreementViewSchema],
    ['activity', agreementActivitySchema],
  ];
  for (const [name, schema] of cases) {
    it(`parses ${name} answers, and every variant of them, as zod does`, () => {
      const samples = answers.get(name) ?? [];
      assert.ok(samples.length > 0);
      assert.ok(assertLikeZod(schema, samples) > 100);
    });
  }

  it('parses records inside other answers as zod does, and agreement lists', () => {
    const record = (answers.get('view')![0] as { record: Json }).record;
    assertLikeZod(consignmentRecordSchema, [record]);
    const agreement = answers.get('agreement')![0]!;
    assertLikeZod(agreementListSchema, [[agreement], []]);
  });

  it('refuses what is not JSON-shaped at all', () => {
    const compiled = compileParser(recordViewSchema);
    for (const input of [undefined, 'x', 1, [], new Date(), { record: undefined, private: null }]) {
      assert.equal(compiled(input), NOT_PARSED);
    }
  });
});
