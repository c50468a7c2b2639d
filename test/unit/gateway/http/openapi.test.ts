/**
 * The OpenAPI document on its own: every answer precise, every path
 * parameter constrained as the route parses it, every example valid
 * against its own schema. The HTTP suites hold each answer they receive to
 * this document (test/support/spec-check.ts); these cases hold the document
 * to what a client generated from it would need.
 */
import { strict as assert } from 'node:assert';
import { openApiDocument } from 'customs-ledger-gateway/dist/http';
import { SpecChecker } from '../../../support/spec-check';

interface Parameter {
  name: string;
  in: string;
  example?: unknown;
  schema: Record<string, unknown>;
}
interface Operation {
  operationId: string;
  parameters?: Parameter[];
  responses: Record<string, { content?: Record<string, { schema: unknown }> }>;
  security?: unknown[];
}

const document = openApiDocument('NLMSP') as unknown as { paths: Record<string, Record<string, Operation>> };
const checker = new SpecChecker(document);

const operations = Object.entries(document.paths).flatMap(([path, ops]) => Object.entries(ops).map(([method, op]) => ({ path, method, op })));
const escape = (s: string) => s.replaceAll('~', '~0').replaceAll('/', '~1');

/** JSON pointers (relative to `at`) of every object schema that says nothing of its members. */
function bareObjects(schema: unknown, at: string): string[] {
  if (typeof schema !== 'object' || schema === null) {
    return [];
  }
  const s = schema as Record<string, unknown>;
  const members = ['properties', 'additionalProperties', 'patternProperties', 'propertyNames', 'allOf', 'anyOf', 'oneOf', '$ref', 'if'];
  const here = s.type === 'object' && !members.some((k) => k in s) ? [at] : [];
  return [...here, ...Object.entries(s).flatMap(([k, v]) => bareObjects(v, `${at}/${escape(k)}`))];
}

function paramPointer(path: string, method: string, op: Operation, name: string): string {
  const index = (op.parameters ?? []).findIndex((p) => p.name === name);
  assert.ok(index >= 0, `${method.toUpperCase()} ${path} has no parameter ${name}`);
  return `/paths/${escape(path)}/${method}/parameters/${index}/schema`;
}

const accepts = (pointer: string, value: unknown) => checker.validator(pointer)(value);

describe('gateway: the OpenAPI document', () => {
  it('has at least one operation per route group and a unique operationId for each', () => {
    assert.ok(operations.length >= 27, `only ${operations.length} operations`);
    const ids = operations.map(({ op }) => op.operationId);
    assert.equal(new Set(ids).size, ids.length);
  });

  it('describes every successful answer precisely: no object schema leaves its members unsaid', () => {
    const bare = operations.flatMap(({ path, method, op }) =>
      Object.entries(op.responses)
        .filter(([status]) => status.startsWith('2'))
        .flatMap(([status, r]) => Object.entries(r.content ?? {}).flatMap(([type, c]) => bareObjects(c.schema, `${method.toUpperCase()} ${path} ${status} ${type}`))),
    );
    assert.deepEqual(bare, []);
    for (const { path, method, op } of operations) {
      assert.ok(Object.keys(op.responses).some((s) => s.startsWith('2')), `${method.toUpperCase()} ${path} declares no success`);
    }
  });

  it('constrains every path parameter, and every example it gives is valid against its own schema', () => {
    let examples = 0;
    for (const { path, method, op } of operations) {
      const names = [...path.matchAll(/\{([^}]+)\}/g)].map((m) => m[1]!);
      assert.deepEqual(
        (op.parameters ?? []).filter((p) => p.in === 'path').map((p) => p.name),
        names,
        `${method.toUpperCase()} ${path}: path parameters`,
      );
      for (const p of op.parameters ?? []) {
        const pointer = paramPointer(path, method, op, p.name);
        if (p.in === 'path') {
          assert.ok(JSON.stringify(p.schema).includes('"pattern"') || 'enum' in p.schema, `${method.toUpperCase()} ${path}: {${p.name}} has no pattern`);
          assert.equal(accepts(pointer, ''), false, `${method.toUpperCase()} ${path}: {${p.name}} accepts an empty string`);
        }
        if (p.example !== undefined) {
          examples += 1;
          assert.ok(accepts(pointer, p.example), `${method.toUpperCase()} ${path}: the example of ${p.name} (${JSON.stringify(p.example)}) fails its schema`);
        }
      }
    }
    assert.ok(examples >= 10, `only ${examples} examples`);
  });

  it('states what the routes refuse: a UCR without a country, a page of 0 or of 201', () => {
    const record = document.paths['/api/v1/consignments/{ucr}']!.get!;
    const ucr = paramPointer('/api/v1/consignments/{ucr}', 'get', record, 'ucr');
    assert.ok(accepts(ucr, '6NL123456789-C001'));
    for (const bad of ['0AA0', '0', '6XX123', '6nl123456789', `6NL${'1'.repeat(40)}`]) {
      assert.equal(accepts(ucr, bad), false, `UCR ${bad}`);
    }
    const list = document.paths['/api/v1/consignments']!.get!;
    const pageSize = paramPointer('/api/v1/consignments', 'get', list, 'pageSize');
    assert.equal(accepts(pageSize, 0), false);
    assert.ok(accepts(pageSize, 1));
    assert.equal(accepts(pageSize, 201), false);
  });

  it('names the media type of raw blocks, and refusals as the API error for every route behind a token', () => {
    const raw = document.paths['/api/v1/audit/raw-blocks/{n}']!.get!;
    assert.deepEqual(Object.keys(raw.responses['200']?.content ?? {}), ['application/octet-stream']);
    for (const { path, method, op } of operations) {
      const statuses = Object.keys(op.responses);
      if (op.security?.length !== 0 && path.startsWith('/api/')) {
        assert.ok(statuses.includes('401') && statuses.includes('403'), `${method.toUpperCase()} ${path} declares ${statuses.join(', ')}`);
      }
      // outside the API, /healthz answers 503 with its own health body
      for (const status of statuses.filter((s) => /^[45]/.test(s) && path.startsWith('/api/'))) {
        assert.deepEqual(op.responses[status]?.content?.['application/json']?.schema, { $ref: '#/components/schemas/Error' }, `${method.toUpperCase()} ${path} ${status}`);
      }
    }
  });
});
