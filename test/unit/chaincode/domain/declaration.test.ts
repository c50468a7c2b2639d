import { strict as assert } from 'node:assert';
import { Ajv2020 } from 'ajv/dist/2020';
import { z } from 'zod';
import {
  DECLARATION_FIELDS,
  ISO_COUNTRIES,
  ISO_CURRENCIES,
  LedgerRuleError,
  PRIVATE_FIELDS,
  PRIVATE_FIELD_CATEGORY,
  fieldsOfCategories,
  isIso6346,
  parseDeclaration,
  locodeSchema,
  parseSalts,
  privateDeclarationSchema,
  publicDeclarationSchema,
  splitDeclaration,
  ucrSchema,
} from 'customs-ledger-chaincode/domain';
import { randomSalts, sampleDeclaration } from '../../../support/fixtures';

function refusal(input: unknown): { field: string; message: string } {
  try {
    parseDeclaration(input);
  } catch (err) {
    assert.ok(err instanceof LedgerRuleError, `expected a coded refusal, got ${String(err)}`);
    assert.equal(err.code, 'INVALID_ARGUMENT');
    return { field: String(err.details.field), message: err.message };
  }
  assert.fail('the declaration was accepted');
}

describe('domain/declaration', () => {
  it('accepts a complete declaration and splits it into public and private parts', () => {
    const d = sampleDeclaration();
    assert.deepEqual(parseDeclaration(d), d);
    const { publicPart, privatePart } = splitDeclaration(d);
    assert.deepEqual(Object.keys(publicPart).sort(), ['destinationCountry', 'office', 'type', 'ucr']);
    assert.deepEqual(Object.keys(privatePart).sort(), PRIVATE_FIELDS);
    assert.equal(DECLARATION_FIELDS.length, 4 + PRIVATE_FIELDS.length);
  });

  it('puts every private field in exactly one category, and every category has fields', () => {
    const seen = new Set<string>();
    for (const category of ['goods', 'parties', 'security', 'transport', 'valuation'] as const) {
      const fields = fieldsOfCategories([category]);
      assert.ok(fields.length > 0, `${category} has no fields`);
      fields.forEach((f) => {
        assert.ok(!seen.has(f), `${f} is in two categories`);
        seen.add(f);
        assert.equal(PRIVATE_FIELD_CATEGORY[f], category);
      });
    }
    assert.deepEqual([...seen].sort(), PRIVATE_FIELDS);
  });

  const cases: [string, (d: Record<string, unknown>) => void, string, RegExp][] = [
    ['a UCR without year digit', (d) => (d.ucr = 'NL123-A'), 'declaration.ucr', /WCO UCR/],
    ['a UCR with an unknown country', (d) => (d.ucr = '6XX123456-A'), 'declaration.ucr', /ISO country/],
    ['a UCR over 35 characters', (d) => (d.ucr = `6NL${'1'.repeat(33)}`), 'declaration.ucr', /at most 35/],
    ['a lower-case UCR', (d) => (d.ucr = '6nl123456-a'), 'declaration.ucr', /WCO UCR/],
    ['an unknown declaration type', (d) => (d.type = 'smuggling'), 'declaration.type', /./],
    ['an office that is no UN/LOCODE', (d) => (d.office = 'ROTTERDAM'), 'declaration.office', /UN\/LOCODE/],
    ['an office in an unknown country', (d) => (d.office = 'QQRTM'), 'declaration.office', /ISO country/],
    ['an unknown destination country', (d) => (d.destinationCountry = 'EU'), 'declaration.destinationCountry', /ISO 3166/],
    ['a 7-digit HS code', (d) => ((d.goodsItems as { hsCode: string }[])[0]!.hsCode = '9405401'), 'declaration.goodsItems.0.hsCode', /HS code/],
    ['an HS code with letters', (d) => ((d.goodsItems as { hsCode: string }[])[0]!.hsCode = '94054A'), 'declaration.goodsItems.0.hsCode', /HS code/],
    ['an unknown currency', (d) => ((d.customsValue as { currency: string }).currency = 'EURO'), 'declaration.customsValue.currency', /ISO 4217/],
    ['a float customs value', (d) => ((d.customsValue as { amount: unknown }).amount = 48250.5), 'declaration.customsValue.amount', /string/],
    ['a negative mass', (d) => ((d.goodsItems as { grossMassKg: string }[])[0]!.grossMassKg = '-1'), 'declaration.goodsItems.0.grossMassKg', /decimal/],
    ['a container with a wrong check digit', (d) => (d.containers = ['CSQU3054384']), 'declaration.containers.0', /ISO 6346/],
    ['a non-calendar invoice date', (d) => ((d.invoice as { date: string }).date = '2026-02-30'), 'declaration.invoice.date', /calendar/],
    ['an invoice date that is no date', (d) => ((d.invoice as { date: string }).date = 'x'), 'declaration.invoice.date', /YYYY-MM-DD/],
    ['an invoice date in month 13', (d) => ((d.invoice as { date: string }).date = '2026-13-45'), 'declaration.invoice.date', /calendar/],
    ['an unknown field', (d) => (d.colour = 'red'), 'declaration', /unknown field.*colour/],
    ['a missing field', (d) => delete d.seals, 'declaration.seals', /./],
    ['goods items out of sequence', (d) => ((d.goodsItems as { sequence: number }[])[0]!.sequence = 2), 'declaration.goodsItems', /sequence/],
    ['no goods items', (d) => (d.goodsItems = []), 'declaration.goodsItems', /at least one/],
    ['a declarant without id', (d) => ((d.declarant as { id: unknown }).id = null), 'declaration.declarant.id', /./],
    ['a control character in a description', (d) => ((d.goodsItems as { description: string }[])[0]!.description = 'a\u0007b'), 'declaration.goodsItems.0.description', /control/],
    ['a malformed UN number', (d) => (d.dangerousGoods = ['1203']), 'declaration.dangerousGoods.0', /UN number/],
  ];
  for (const [name, mutate, field, message] of cases) {
    it(`refuses ${name}, naming ${field}`, () => {
      const d = structuredClone(sampleDeclaration()) as unknown as Record<string, unknown>;
      mutate(d);
      const r = refusal(d);
      assert.equal(r.field, field);
      assert.match(r.message, message);
    });
  }

  it('refuses a __proto__ key from JSON instead of merging it', () => {
    const text = JSON.stringify(sampleDeclaration()).replace('{', '{"__proto__":{"polluted":true},');
    const r = refusal(JSON.parse(text));
    assert.match(r.message, /__proto__/);
    assert.equal(({} as Record<string, unknown>).polluted, undefined);
  });

  it('refuses non-objects', () => {
    for (const input of [null, 'x', 42, [], undefined]) {
      assert.equal(refusal(input).field, 'declaration');
    }
  });

  it('checks salts: one per field, 32 bytes of lowercase hex', () => {
    const salts = randomSalts();
    assert.deepEqual(parseSalts(salts), salts);
    assert.throws(() => parseSalts({ ...salts, ucr: 'ab' }), /salts\.ucr: must be 32 bytes/);
    const { seals: _seals, ...missing } = salts;
    assert.throws(() => parseSalts(missing), /salts\.seals/);
  });

  it('knows ISO 6346 check digits', () => {
    assert.equal(isIso6346('CSQU3054383'), true);
    assert.equal(isIso6346('MSCU1234566'), true);
    assert.equal(isIso6346('MSCU1234567'), false);
    assert.equal(isIso6346('CSQ3054383'), false);
  });

  it('states its code checks as patterns, so their JSON Schema accepts exactly what the parser accepts', () => {
    const ajv = new Ajv2020({ strict: true });
    const agree = (name: string, schema: z.ZodType, values: string[]) => {
      const validate = ajv.compile(z.toJSONSchema(schema, { io: 'input' }));
      for (const value of values) {
        assert.equal(validate(value), schema.safeParse(value).success, `${name} ${JSON.stringify(value)}`);
      }
    };
    const countries = [...ISO_COUNTRIES];
    agree('ucr', ucrSchema, ['6NL123456789-C001', '0AA0', '0ZZ1', '6XX1', '6nl1', '9DE1-A', 'NL1', ...countries.map((c) => `6${c}1`)]);
    agree('office', locodeSchema, ['NLRTM', 'AAAAA', 'XXRTM', 'BEANR', 'NLRT1', ...countries.map((c) => `${c}ABC`)]);
    agree('country', publicDeclarationSchema.shape.destinationCountry, ['NL', 'XX', 'nl', 'NLD', '', ...countries]);
    agree('currency', privateDeclarationSchema.shape.customsValue.shape.currency, ['EUR', 'XXX', 'eur', 'EU', ...ISO_CURRENCIES]);
    assert.equal(ucrSchema.safeParse('0AA0').success, false, 'AA is no country');
    assert.match(refusal({ ...sampleDeclaration(), ucr: '0AA0' }).message, /^declaration.ucr: must carry an ISO country code after its year digit/);
  });
});
