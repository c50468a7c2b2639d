/**
 * Malformed and hostile requests, table-driven: each must get a 4xx with a
 * coded error and a message (never a 5xx), and nothing may be written to the
 * ledger (its fingerprint is the same before and after).
 */
import { strict as assert } from 'node:assert';
import type { Role } from 'customs-ledger-gateway/dist/http';
import type { Declaration } from 'customs-ledger-chaincode/domain';
import { randomSalts, sampleDeclaration } from '../../../support/fixtures';
import { MSP, startGateways, type Authority, type TestGateways } from '../../../support/gateways';
import { API, client, expectStatus, lodgeVia, makeAgreement } from '../../../support/http-client';
import { checkedRequest } from '../../../support/spec-check';

interface Case {
  name: string;
  /** gateway that receives the request (default NL) */
  via?: Authority;
  method?: 'GET' | 'POST' | 'PUT' | 'DELETE' | 'PATCH' | 'TRACE';
  /** path under /api/v1 ({ucr}, {agreement}, {share} are filled in), or from the root when it starts with "//" */
  path: string;
  /** role whose token is sent; "none" sends none; a string starting with "Authorization:" is sent as that header */
  as?: Role | 'none' | `Authorization:${string}`;
  body?: unknown;
  /** sent verbatim as the body */
  raw?: string | Buffer;
  contentType?: string;
  /** the exact status expected, when it matters */
  status?: number;
  /** the field the error must name */
  field?: string;
}

const decl = (overrides: Record<string, unknown> = {}): Record<string, unknown> => ({ ...sampleDeclaration(), ...overrides });
const lodge = (overrides: Record<string, unknown> = {}, extra: Record<string, unknown> = {}): Case['body'] => ({ declaration: decl(overrides), ...extra });
const goods = (item: Record<string, unknown>) => [{ ...sampleDeclaration().goodsItems[0], ...item }];
const proposal = (overrides: Record<string, unknown> = {}): Record<string, unknown> => ({
  id: 'AGR-BAD-INPUT-001',
  parties: [MSP.NL, MSP.BE],
  categories: ['goods'],
  purposes: ['risk-assessment'],
  legalBasis: 'Art. 4',
  validFrom: '2026-01-01T00:00:00Z',
  validUntil: '2027-01-01T00:00:00Z',
  retentionDays: 30,
  onwardSharing: false,
  ...overrides,
});
const without = (o: Record<string, unknown>, key: string) => Object.fromEntries(Object.entries(o).filter(([k]) => k !== key));

/** Every string leaf of a document, by its path. */
function stringPaths(value: unknown, path: (string | number)[] = []): (string | number)[][] {
  if (typeof value === 'string') {
    return [path];
  }
  if (Array.isArray(value)) {
    return value.flatMap((v, i) => stringPaths(v, [...path, i]));
  }
  if (typeof value === 'object' && value !== null) {
    return Object.entries(value).flatMap(([k, v]) => stringPaths(v, [...path, k]));
  }
  return [];
}

/** The body's JSON with the string at `path` replaced by `bytes` (inside its quotes). */
function withString(body: unknown, path: (string | number)[], bytes: Buffer): Buffer {
  const copy = JSON.parse(JSON.stringify(body)) as Record<string | number, unknown>;
  let at = copy;
  for (const part of path.slice(0, -1)) {
    at = at[part] as Record<string | number, unknown>;
  }
  at[path[path.length - 1]!] = '\u0000MARK\u0000';
  const [before, after] = JSON.stringify(copy).split('"\\u0000MARK\\u0000"') as [string, string];
  return Buffer.concat([Buffer.from(`${before}"`), bytes, Buffer.from(`"${after}`)]);
}

/** The body's JSON with the member `name` of the object at `path` written twice, the first time as `first`. */
function withDuplicate(body: unknown, path: string[], name: string, first: unknown): string {
  const marker = '__duplicate_marker__';
  const copy = JSON.parse(JSON.stringify(body)) as Record<string, unknown>;
  let at = copy;
  for (const part of path) {
    at = at[part] as Record<string, unknown>;
  }
  const entries = Object.entries(at);
  for (const key of Object.keys(at)) {
    delete at[key];
  }
  at[marker] = null;
  for (const [key, v] of entries) {
    at[key] = v;
  }
  return JSON.stringify(copy).replace(`"${marker}":null`, `${JSON.stringify(name)}:${JSON.stringify(first)}`);
}

const BAD_STRINGS: [string, Buffer][] = [
  ['invalid UTF-8 (0xFF)', Buffer.from([0x44, 0xff, 0x45])],
  ['a CESU-8 surrogate', Buffer.from([0x44, 0xed, 0xa0, 0x80, 0x45])],
  ['a truncated UTF-8 sequence', Buffer.from([0x44, 0xc3, 0x20])],
  ['an overlong UTF-8 encoding', Buffer.from([0xc0, 0xaf])],
  ['a lone high surrogate escape', Buffer.from('D\\ud800E')],
  ['a lone low surrogate escape', Buffer.from('\\udc00')],
];

/** Every string field of a lodgement and of an agreement proposal, with each kind of bad string: 400 naming the field. */
const STRING_CASES: Case[] = [
  ...stringPaths({ declaration: sampleDeclaration() }).flatMap((path) =>
    BAD_STRINGS.map(([what, bytes]): Case => ({
      name: `${what} in ${path.join('.')}`,
      method: 'POST',
      path: '/consignments',
      as: 'officer',
      raw: withString({ declaration: sampleDeclaration() }, path, bytes),
      status: 400,
      field: path.join('.'),
    })),
  ),
  ...stringPaths(proposal()).flatMap((path) =>
    BAD_STRINGS.slice(0, 2).concat(BAD_STRINGS.slice(4, 5)).map(([what, bytes]): Case => ({
      name: `${what} in the agreement's ${path.join('.')}`,
      method: 'POST',
      path: '/agreements',
      as: 'admin',
      raw: withString(proposal(), path, bytes),
      status: 400,
      field: path.join('.'),
    })),
  ),
  { name: 'invalid UTF-8 in a status reason', method: 'POST', path: '/consignments/{ucr}/status', as: 'officer', raw: withString({ status: 'risk-assessed', reason: 'x' }, ['reason'], Buffer.from([0xff])), status: 400, field: 'reason' },
  { name: 'invalid UTF-8 in a verified declaration', method: 'POST', path: '/verify', raw: withString({ declaration: sampleDeclaration() }, ['declaration', 'consignee', 'name'], Buffer.from([0xff])), status: 400, field: 'declaration.consignee.name' },
  { name: 'a lone surrogate in a member name', method: 'POST', path: '/consignments', as: 'officer', raw: `{"declaration":${JSON.stringify(sampleDeclaration()).replace('{', '{"\\udfff":1,')}}`, status: 400, field: 'declaration.\udfff' },
];

/** A member named twice, at every depth of each body: 400 naming it, whichever value comes first. */
const DUPLICATE_CASES: Case[] = [
  { name: 'declaration twice', path: [], member: 'declaration', first: sampleDeclaration({ office: 'BEANR', destinationCountry: 'BE' }) },
  { name: 'ucr twice', path: ['declaration'], member: 'ucr', first: sampleDeclaration().ucr },
  { name: 'customsValue twice', path: ['declaration'], member: 'customsValue', first: { amount: '1.00', currency: 'EUR' } },
  { name: 'amount twice in customsValue', path: ['declaration', 'customsValue'], member: 'amount', first: '1.00' },
  { name: 'name twice in the consignee', path: ['declaration', 'consignee'], member: 'name', first: 'Someone Else' },
  { name: 'packages twice in a goods item', path: ['declaration', 'goodsItems', '0'], member: 'packages', first: 1 },
].map(
  (d): Case => ({
    name: `a lodgement with ${d.name}`,
    method: 'POST',
    path: '/consignments',
    as: 'officer',
    raw: withDuplicate({ declaration: sampleDeclaration() }, d.path, d.member, d.first),
    status: 400,
    field: [...d.path, d.member].join('.'),
  }),
);
DUPLICATE_CASES.push(
  { name: 'a verify body with customsValue twice', method: 'POST', path: '/verify', raw: withDuplicate({ declaration: sampleDeclaration() }, ['declaration'], 'customsValue', { amount: '1.00', currency: 'EUR' }), status: 400, field: 'declaration.customsValue' },
  { name: 'an agreement with parties twice', method: 'POST', path: '/agreements', as: 'admin', raw: withDuplicate(proposal(), [], 'parties', [MSP.NL, MSP.DE]), status: 400, field: 'parties' },
  { name: 'an agreement with legalBasis twice', method: 'POST', path: '/agreements', as: 'admin', raw: withDuplicate(proposal(), [], 'legalBasis', 'none'), status: 400, field: 'legalBasis' },
  { name: 'a status body with status twice', method: 'POST', path: '/consignments/{ucr}/status', as: 'officer', raw: withDuplicate({ status: 'risk-assessed', reason: 'r' }, [], 'status', 'released'), status: 400, field: 'status' },
  { name: 'a share body with recipient twice', method: 'POST', path: '/consignments/{ucr}/shares', as: 'officer', raw: withDuplicate({ recipient: MSP.BE, agreementId: '{agreement}', purpose: 'risk-assessment' }, [], 'recipient', MSP.DE), status: 400, field: 'recipient' },
);

/** Numbers a double cannot carry exactly. */
const NUMBER_CASES: Case[] = [
  ['1e400', 'declaration.goodsItems.0.packages'],
  ['-1e400', 'declaration.goodsItems.0.packages'],
  ['12345678901234567890', 'declaration.goodsItems.0.packages'],
  ['1e309', 'declaration.goodsItems.0.sequence'],
].map(([literal, field]): Case => ({
  name: `${literal} in ${field}`,
  method: 'POST',
  path: '/consignments',
  as: 'officer',
  raw: JSON.stringify({ declaration: sampleDeclaration() }).replace(`"${field!.split('.').pop()!}":${field!.endsWith('packages') ? 120 : 1}`, `"${field!.split('.').pop()!}":${literal!}`),
  status: 400,
  field: field!,
}));
NUMBER_CASES.push({ name: '1e400 in an agreement\'s retentionDays', method: 'POST', path: '/agreements', as: 'admin', raw: JSON.stringify(proposal()).replace('"retentionDays":30', '"retentionDays":1e400'), status: 400, field: 'retentionDays' });

const CASES: Case[] = [
  ...STRING_CASES,
  ...DUPLICATE_CASES,
  ...NUMBER_CASES,
  { name: 'an agreement naming an authority that is no member of the channel', method: 'POST', path: '/agreements', as: 'admin', body: proposal({ id: 'AGR-NOT-MEMBER', parties: [MSP.NL, 'FRCustomsMSP'] }), status: 400, field: 'parties' },
  // ---- malformed JSON and media types ------------------------------------------------------
  ...['{', '{"declaration":', 'nul', '[1,2', "{'declaration':1}", '{"a":1,}', 'undefined', '"just a string"', '123', 'true', 'null', '\u0000', '{"a":1}{"b":2}'].map(
    (raw): Case => ({ name: `bad JSON ${JSON.stringify(raw)}`, method: 'POST', path: '/consignments', as: 'officer', raw, contentType: 'application/json', status: 400 }),
  ),
  { name: 'an empty JSON array as body', method: 'POST', path: '/consignments', as: 'officer', raw: '[]', contentType: 'application/json', status: 400 },
  { name: 'a text/plain body', method: 'POST', path: '/consignments', as: 'officer', raw: 'declaration', contentType: 'text/plain', status: 415 },
  { name: 'an XML body', method: 'POST', path: '/consignments', as: 'officer', raw: '<declaration/>', contentType: 'application/xml', status: 415 },
  { name: 'a form body', method: 'POST', path: '/consignments', as: 'officer', raw: 'declaration=1', contentType: 'application/x-www-form-urlencoded', status: 415 },
  { name: 'JSON in UTF-16', method: 'POST', path: '/consignments', as: 'officer', raw: '{}', contentType: 'application/json; charset=utf-16', status: 415 },
  { name: 'a body over 256 KiB', method: 'POST', path: '/consignments', as: 'officer', body: lodge({ seals: ['x'.repeat(300 * 1024)] }), status: 413 },
  { name: 'a huge array of goods items', method: 'POST', path: '/consignments', as: 'officer', raw: JSON.stringify({ declaration: decl({ goodsItems: new Array(40_000).fill(sampleDeclaration().goodsItems[0]) }) }), contentType: 'application/json', status: 413 },
  { name: 'an oversized verify body', method: 'POST', path: '/verify', raw: JSON.stringify({ declaration: 'y'.repeat(400 * 1024) }), contentType: 'application/json', status: 413 },
  { name: 'deeply nested JSON', method: 'POST', path: '/consignments', as: 'officer', raw: `${'['.repeat(5000)}${']'.repeat(5000)}`, contentType: 'application/json', status: 400 },

  // ---- prototype pollution ------------------------------------------------------------------------
  { name: '__proto__ at the top of a lodgement', method: 'POST', path: '/consignments', as: 'officer', raw: `{"__proto__":{"polluted":true},"declaration":${JSON.stringify(sampleDeclaration())}}`, contentType: 'application/json', status: 400, field: '__proto__' },
  { name: '__proto__ inside the declaration', method: 'POST', path: '/consignments', as: 'officer', raw: `{"declaration":${JSON.stringify(sampleDeclaration()).replace(/^\{/, '{"__proto__":{"polluted":true},')}}`, contentType: 'application/json', status: 400 },
  { name: '__proto__ inside a goods item', method: 'POST', path: '/consignments', as: 'officer', raw: `{"declaration":${JSON.stringify(sampleDeclaration()).replace('"sequence":1', '"__proto__":{"polluted":true},"sequence":1')}}`, contentType: 'application/json', status: 400 },
  { name: 'constructor key in a lodgement', method: 'POST', path: '/consignments', as: 'officer', body: lodge({}, { constructor: { prototype: { polluted: true } } }), status: 400, field: 'constructor' },
  { name: 'prototype key in the declaration', method: 'POST', path: '/consignments', as: 'officer', body: lodge({ prototype: {} }), status: 400 },
  { name: '__proto__ in an agreement proposal', method: 'POST', path: '/agreements', as: 'admin', raw: JSON.stringify(proposal()).replace(/^\{/, '{"__proto__":{"admin":true},'), contentType: 'application/json', status: 400 },
  { name: '__proto__ in a status body', method: 'POST', path: '/consignments/{ucr}/status', as: 'officer', raw: '{"__proto__":{"x":1},"status":"risk-assessed","reason":"r"}', contentType: 'application/json', status: 400 },
  { name: '__proto__ in a query string', method: 'GET', path: '/consignments?by=status&value=lodged&__proto__=x', as: 'officer', status: 400 },
  { name: 'constructor in a query string', method: 'GET', path: '/agreements?constructor=x', as: 'officer', status: 400 },

  // ---- lodgement shape ----------------------------------------------------------------------------
  { name: 'lodgement without declaration', method: 'POST', path: '/consignments', as: 'officer', body: {}, status: 400, field: 'declaration' },
  { name: 'declaration null', method: 'POST', path: '/consignments', as: 'officer', body: { declaration: null }, status: 400, field: 'declaration' },
  { name: 'declaration as an array', method: 'POST', path: '/consignments', as: 'officer', body: { declaration: [] }, status: 400, field: 'declaration' },
  { name: 'declaration as a string', method: 'POST', path: '/consignments', as: 'officer', body: { declaration: 'x' }, status: 400, field: 'declaration' },
  { name: 'unknown top-level field', method: 'POST', path: '/consignments', as: 'officer', body: lodge({}, { originator: MSP.BE }), status: 400, field: 'originator' },
  { name: 'unknown declaration field', method: 'POST', path: '/consignments', as: 'officer', body: lodge({ riskScore: 9 }), status: 400, field: 'declaration.riskScore' },
  { name: 'missing private field', method: 'POST', path: '/consignments', as: 'officer', body: { declaration: without(decl(), 'consignee') }, status: 400, field: 'declaration.consignee' },
  { name: 'lower-case UCR', method: 'POST', path: '/consignments', as: 'officer', body: lodge({ ucr: '6nl123456789-c001' }), status: 400, field: 'declaration.ucr' },
  { name: 'UCR too long', method: 'POST', path: '/consignments', as: 'officer', body: lodge({ ucr: `6NL${'1'.repeat(40)}` }), status: 400, field: 'declaration.ucr' },
  { name: 'UCR with unknown country', method: 'POST', path: '/consignments', as: 'officer', body: lodge({ ucr: '6XX123456789' }), status: 400, field: 'declaration.ucr' },
  { name: 'empty UCR', method: 'POST', path: '/consignments', as: 'officer', body: lodge({ ucr: '' }), status: 400, field: 'declaration.ucr' },
  { name: 'UCR as a number', method: 'POST', path: '/consignments', as: 'officer', body: lodge({ ucr: 6123 }), status: 400, field: 'declaration.ucr' },
  { name: 'unknown declaration type', method: 'POST', path: '/consignments', as: 'officer', body: lodge({ type: 'smuggling' }), status: 400, field: 'declaration.type' },
  { name: 'office that is no UN/LOCODE', method: 'POST', path: '/consignments', as: 'officer', body: lodge({ office: 'Rotterdam' }), status: 400, field: 'declaration.office' },
  { name: 'destination that is no country', method: 'POST', path: '/consignments', as: 'officer', body: lodge({ destinationCountry: 'XX' }), status: 400, field: 'declaration.destinationCountry' },
  { name: 'no goods items', method: 'POST', path: '/consignments', as: 'officer', body: lodge({ goodsItems: [] }), status: 400, field: 'declaration.goodsItems' },
  { name: 'goods item sequence out of order', method: 'POST', path: '/consignments', as: 'officer', body: lodge({ goodsItems: goods({ sequence: 2 }) }), status: 400, field: 'declaration.goodsItems' },
  { name: 'HS code with letters', method: 'POST', path: '/consignments', as: 'officer', body: lodge({ goodsItems: goods({ hsCode: '94A540' }) }), status: 400, field: 'declaration.goodsItems.0.hsCode' },
  { name: 'gross mass as a number', method: 'POST', path: '/consignments', as: 'officer', body: lodge({ goodsItems: goods({ grossMassKg: 1840.5 }) }), status: 400, field: 'declaration.goodsItems.0.grossMassKg' },
  { name: 'fractional package count', method: 'POST', path: '/consignments', as: 'officer', body: lodge({ goodsItems: goods({ packages: 1.5 }) }), status: 400, field: 'declaration.goodsItems.0.packages' },
  { name: 'negative package count', method: 'POST', path: '/consignments', as: 'officer', body: lodge({ goodsItems: goods({ packages: -1 }) }), status: 400, field: 'declaration.goodsItems.0.packages' },
  { name: 'package count beyond safe integers', method: 'POST', path: '/consignments', as: 'officer', raw: JSON.stringify({ declaration: decl() }).replace('"packages":120', '"packages":1e400'), contentType: 'application/json', status: 400 },
  { name: 'unknown currency', method: 'POST', path: '/consignments', as: 'officer', body: lodge({ customsValue: { amount: '1.00', currency: 'ABC' } }), status: 400, field: 'declaration.customsValue.currency' },
  { name: 'amount in exponent notation', method: 'POST', path: '/consignments', as: 'officer', body: lodge({ customsValue: { amount: '1e5', currency: 'EUR' } }), status: 400, field: 'declaration.customsValue.amount' },
  { name: 'invoice dated 30 February', method: 'POST', path: '/consignments', as: 'officer', body: lodge({ invoice: { number: 'I-1', date: '2026-02-30' } }), status: 400, field: 'declaration.invoice.date' },
  { name: 'container with a wrong check digit', method: 'POST', path: '/consignments', as: 'officer', body: lodge({ containers: ['CSQU3054384'] }), status: 400, field: 'declaration.containers.0' },
  { name: 'malformed UN number', method: 'POST', path: '/consignments', as: 'officer', body: lodge({ dangerousGoods: ['UN12'] }), status: 400, field: 'declaration.dangerousGoods.0' },
  { name: 'control character in a description', method: 'POST', path: '/consignments', as: 'officer', body: lodge({ goodsItems: goods({ description: 'lamps\u0007' }) }), status: 400, field: 'declaration.goodsItems.0.description' },
  { name: 'consignor in no country', method: 'POST', path: '/consignments', as: 'officer', body: lodge({ consignor: { id: null, name: 'X', country: 'ZZ' } }), status: 400, field: 'declaration.consignor.country' },
  { name: 'declarant without id', method: 'POST', path: '/consignments', as: 'officer', body: lodge({ declarant: { id: null, name: 'X', country: 'NL' } }), status: 400, field: 'declaration.declarant.id' },
  { name: 'party name over 70 characters', method: 'POST', path: '/consignments', as: 'officer', body: lodge({ consignee: { id: null, name: 'n'.repeat(71), country: 'NL' } }), status: 400, field: 'declaration.consignee.name' },
  { name: 'unknown transport mode', method: 'POST', path: '/consignments', as: 'officer', body: lodge({ transportMode: 'teleport' }), status: 400, field: 'declaration.transportMode' },
  { name: 'salts for only some fields', method: 'POST', path: '/consignments', as: 'officer', body: lodge({}, { salts: { ucr: 'a'.repeat(64) } }), status: 400 },
  { name: 'upper-case hex salts', method: 'POST', path: '/consignments', as: 'officer', body: lodge({}, { salts: { ...randomSalts(), ucr: 'A'.repeat(64) } }), status: 400, field: 'salts.ucr' },
  { name: 'salts with an extra field', method: 'POST', path: '/consignments', as: 'officer', body: lodge({}, { salts: { ...randomSalts(), extra: 'a'.repeat(64) } }), status: 400, field: 'salts.extra' },
  { name: 'short salt', method: 'POST', path: '/consignments', as: 'officer', body: lodge({}, { salts: { ...randomSalts(), goodsItems: 'ab' } }), status: 400, field: 'salts.goodsItems' },
  { name: 'trader signature without salts', method: 'POST', path: '/consignments', as: 'officer', body: lodge({}, { trader: { address: `0x${'1'.repeat(40)}`, signature: `0x${'2'.repeat(130)}` } }), status: 400, field: 'salts' },
  { name: 'trader address malformed', method: 'POST', path: '/consignments', as: 'officer', body: lodge({}, { salts: randomSalts(), trader: { address: '0x1234', signature: `0x${'2'.repeat(130)}` } }), status: 400, field: 'trader.address' },
  { name: 'trader signature too short', method: 'POST', path: '/consignments', as: 'officer', body: lodge({}, { salts: randomSalts(), trader: { address: `0x${'1'.repeat(40)}`, signature: '0x12' } }), status: 400, field: 'trader.signature' },
  { name: 'forged trader signature', method: 'POST', path: '/consignments', as: 'officer', body: lodge({}, { salts: randomSalts(), trader: { address: `0x${'1'.repeat(40)}`, signature: `0x${'2'.repeat(128)}1b` } }), status: 400 },
  { name: 'trader with an extra field', method: 'POST', path: '/consignments', as: 'officer', body: lodge({}, { salts: randomSalts(), trader: { address: `0x${'1'.repeat(40)}`, signature: `0x${'2'.repeat(130)}`, name: 'x' } }), status: 400, field: 'trader.name' },
  { name: 'a second declaration under a lodged UCR', method: 'POST', path: '/consignments', as: 'officer', body: { declaration: '{lodgedDeclarationChanged}' }, status: 409 },
  { name: 'the lodged UCR lodged by another authority', via: 'BE', method: 'POST', path: '/consignments', as: 'officer', body: { declaration: '{lodgedDeclaration}' }, status: 409 },

  // ---- agreements --------------------------------------------------------------------------------
  { name: 'empty proposal', method: 'POST', path: '/agreements', as: 'admin', body: {}, status: 400 },
  { name: 'proposal without parties', method: 'POST', path: '/agreements', as: 'admin', body: without(proposal(), 'parties'), status: 400, field: 'parties' },
  { name: 'proposal with one party', method: 'POST', path: '/agreements', as: 'admin', body: proposal({ parties: [MSP.NL] }), status: 400, field: 'parties' },
  { name: 'proposal repeating a party', method: 'POST', path: '/agreements', as: 'admin', body: proposal({ parties: [MSP.NL, MSP.NL] }), status: 400, field: 'parties' },
  { name: 'proposal with a malformed MSP id', method: 'POST', path: '/agreements', as: 'admin', body: proposal({ parties: [MSP.NL, 'x'] }), status: 400, field: 'parties.1' },
  { name: 'proposal with an unknown category', method: 'POST', path: '/agreements', as: 'admin', body: proposal({ categories: ['everything'] }), status: 400, field: 'categories.0' },
  { name: 'proposal with an unknown purpose', method: 'POST', path: '/agreements', as: 'admin', body: proposal({ purposes: ['curiosity'] }), status: 400, field: 'purposes.0' },
  { name: 'proposal ending before it starts', method: 'POST', path: '/agreements', as: 'admin', body: proposal({ validUntil: '2025-01-01T00:00:00Z' }), status: 400, field: 'validUntil' },
  { name: 'proposal with a local time', method: 'POST', path: '/agreements', as: 'admin', body: proposal({ validFrom: '2026-01-01T00:00:00+02:00' }), status: 400, field: 'validFrom' },
  { name: 'zero retention', method: 'POST', path: '/agreements', as: 'admin', body: proposal({ retentionDays: 0 }), status: 400, field: 'retentionDays' },
  { name: 'fractional retention', method: 'POST', path: '/agreements', as: 'admin', body: proposal({ retentionDays: 1.5 }), status: 400, field: 'retentionDays' },
  { name: 'retention as a string', method: 'POST', path: '/agreements', as: 'admin', body: proposal({ retentionDays: '90' }), status: 400, field: 'retentionDays' },
  { name: 'onward sharing as a string', method: 'POST', path: '/agreements', as: 'admin', body: proposal({ onwardSharing: 'yes' }), status: 400, field: 'onwardSharing' },
  { name: 'proposal with an unknown field', method: 'POST', path: '/agreements', as: 'admin', body: proposal({ autoAccept: true }), status: 400, field: 'autoAccept' },
  { name: 'proposal with an empty legal basis', method: 'POST', path: '/agreements', as: 'admin', body: proposal({ legalBasis: '' }), status: 400, field: 'legalBasis' },
  { name: 'lower-case agreement id', method: 'POST', path: '/agreements', as: 'admin', body: proposal({ id: 'agr-1' }), status: 400, field: 'id' },
  { name: 'proposal for two other authorities', method: 'POST', path: '/agreements', as: 'admin', body: proposal({ parties: [MSP.BE, MSP.DE] }), status: 403 },
  { name: 'proposal reusing an agreement id', method: 'POST', path: '/agreements', as: 'admin', body: proposal({ id: '{agreement}' }), status: 409 },
  { name: 'accepting an unknown agreement', method: 'POST', path: '/agreements/AGR-UNKNOWN-1/accept', as: 'admin', status: 404 },
  { name: 'accepting a malformed agreement id', method: 'POST', path: '/agreements/bad%20id/accept', as: 'admin', status: 400, field: 'id' },
  { name: 'accepting with a body', method: 'POST', path: '/agreements/{agreement}/accept', as: 'admin', body: { force: true }, status: 400, field: 'force' },
  { name: 'accepting twice', via: 'BE', method: 'POST', path: '/agreements/{agreement}/accept', as: 'admin', status: 409 },
  { name: 'suspending without reason', method: 'POST', path: '/agreements/{agreement}/suspend', as: 'admin', body: {}, status: 400, field: 'reason' },
  { name: 'suspending with an empty reason', method: 'POST', path: '/agreements/{agreement}/suspend', as: 'admin', body: { reason: '' }, status: 400, field: 'reason' },
  { name: 'suspending with a 501-character reason', method: 'POST', path: '/agreements/{agreement}/suspend', as: 'admin', body: { reason: 'r'.repeat(501) }, status: 400, field: 'reason' },
  { name: 'terminating with a numeric reason', method: 'POST', path: '/agreements/{agreement}/terminate', as: 'admin', body: { reason: 7 }, status: 400, field: 'reason' },
  { name: 'resuming an active agreement', method: 'POST', path: '/agreements/{agreement}/resume', as: 'admin', body: { reason: 'r' }, status: 409 },
  { name: 'suspending another parties\' agreement', via: 'DE', method: 'POST', path: '/agreements/{agreement}/suspend', as: 'admin', body: { reason: 'mine now' }, status: 403 },
  { name: 'agreement list by unknown status', method: 'GET', path: '/agreements?status=forever', as: 'admin', status: 400, field: 'status' },
  { name: 'agreement list by malformed party', method: 'GET', path: '/agreements?party=%20', as: 'admin', status: 400, field: 'party' },
  { name: 'agreement list with an unknown parameter', method: 'GET', path: '/agreements?limit=5', as: 'admin', status: 400, field: 'limit' },
  { name: 'agreement list with a repeated parameter', method: 'GET', path: '/agreements?status=active&status=proposed', as: 'admin', status: 400, field: 'status' },
  { name: 'activity of an unknown agreement', method: 'GET', path: '/agreements/AGR-UNKNOWN-2/activity', as: 'auditor', status: 404 },

  // ---- records, status and another authority's record ----------------------------------------
  { name: 'getting an unknown UCR', method: 'GET', path: '/consignments/6NL000000000-X1', as: 'officer', status: 404 },
  { name: 'getting a malformed UCR', method: 'GET', path: '/consignments/not-a-ucr', as: 'officer', status: 400, field: 'ucr' },
  { name: 'path traversal in the UCR', method: 'GET', path: '/consignments/..%2F..%2Fetc%2Fpasswd', as: 'officer', status: 400, field: 'ucr' },
  { name: 'NUL byte in the UCR', method: 'GET', path: '/consignments/6NL123%00', as: 'officer', status: 400, field: 'ucr' },
  { name: 'broken percent-encoding in the UCR', method: 'GET', path: '/consignments/%E0%A4%A', as: 'officer', status: 400 },
  { name: 'composite-key separator in the UCR', method: 'GET', path: '/consignments/6NL1%EF%BF%BF', as: 'officer', status: 400, field: 'ucr' },
  { name: 'status update to an unknown status', method: 'POST', path: '/consignments/{ucr}/status', as: 'officer', body: { status: 'vanished', reason: 'r' }, status: 400, field: 'status' },
  { name: 'status update without reason', method: 'POST', path: '/consignments/{ucr}/status', as: 'officer', body: { status: 'risk-assessed' }, status: 400, field: 'reason' },
  { name: 'status update skipping a step', method: 'POST', path: '/consignments/{ucr}/status', as: 'officer', body: { status: 'seized', reason: 'r' }, status: 409 },
  { name: 'status update on another authority\'s record', via: 'BE', method: 'POST', path: '/consignments/{ucr}/status', as: 'officer', body: { status: 'risk-assessed', reason: 'r' }, status: 403 },
  { name: 'status update of an unknown record', method: 'POST', path: '/consignments/6NL000000000-X2/status', as: 'officer', body: { status: 'risk-assessed', reason: 'r' }, status: 404 },
  { name: 'status update with an unknown field', method: 'POST', path: '/consignments/{ucr}/status', as: 'officer', body: { status: 'risk-assessed', reason: 'r', by: MSP.BE }, status: 400, field: 'by' },
  { name: 'history of a malformed UCR', method: 'GET', path: '/consignments/..%2Fagreements/history', as: 'officer', status: 400, field: 'ucr' },

  // ---- sharing ------------------------------------------------------------------------------------
  { name: 'sharing with this authority itself', method: 'POST', path: '/consignments/{ucr}/shares', as: 'officer', body: { recipient: MSP.NL, agreementId: '{agreement}', purpose: 'risk-assessment' }, status: 400, field: 'recipient' },
  { name: 'sharing with a malformed recipient', method: 'POST', path: '/consignments/{ucr}/shares', as: 'officer', body: { recipient: '', agreementId: '{agreement}', purpose: 'risk-assessment' }, status: 400, field: 'recipient' },
  { name: 'sharing under an unknown agreement', method: 'POST', path: '/consignments/{ucr}/shares', as: 'officer', body: { recipient: MSP.BE, agreementId: 'AGR-UNKNOWN-3', purpose: 'risk-assessment' }, status: 404 },
  { name: 'sharing for an unknown purpose', method: 'POST', path: '/consignments/{ucr}/shares', as: 'officer', body: { recipient: MSP.BE, agreementId: '{agreement}', purpose: 'gossip' }, status: 400, field: 'purpose' },
  { name: 'sharing no categories', method: 'POST', path: '/consignments/{ucr}/shares', as: 'officer', body: { recipient: MSP.BE, agreementId: '{agreement}', purpose: 'risk-assessment', categories: [] }, status: 400, field: 'categories' },
  { name: 'sharing a category twice', method: 'POST', path: '/consignments/{ucr}/shares', as: 'officer', body: { recipient: MSP.BE, agreementId: '{agreement}', purpose: 'risk-assessment', categories: ['goods', 'goods'] }, status: 400, field: 'categories' },
  { name: 'sharing an unknown category', method: 'POST', path: '/consignments/{ucr}/shares', as: 'officer', body: { recipient: MSP.BE, agreementId: '{agreement}', purpose: 'risk-assessment', categories: ['secrets'] }, status: 400, field: 'categories.0' },
  { name: 'sharing a category the agreement does not cover', method: 'POST', path: '/consignments/{ucr}/shares', as: 'officer', body: { recipient: MSP.BE, agreementId: '{agreement}', purpose: 'risk-assessment', categories: ['parties'] }, status: 403 },
  { name: 'sharing with chosen fields smuggled in', method: 'POST', path: '/consignments/{ucr}/shares', as: 'officer', body: { recipient: MSP.BE, agreementId: '{agreement}', purpose: 'risk-assessment', fields: { consignor: {} } }, status: 400, field: 'fields' },
  { name: 'sharing another authority\'s record', via: 'DE', method: 'POST', path: '/consignments/{ucr}/shares', as: 'officer', body: { recipient: MSP.BE, agreementId: '{agreement}', purpose: 'risk-assessment' }, status: 403 },
  { name: 'sharing with a non-party', method: 'POST', path: '/consignments/{ucr}/shares', as: 'officer', body: { recipient: MSP.DE, agreementId: '{agreement}', purpose: 'risk-assessment' }, status: 403 },
  { name: 'access request without purpose', via: 'BE', method: 'POST', path: '/consignments/{ucr}/access-requests', as: 'officer', body: {}, status: 400, field: 'purpose' },
  { name: 'access request for an unknown purpose', via: 'BE', method: 'POST', path: '/consignments/{ucr}/access-requests', as: 'officer', body: { purpose: 'fun' }, status: 400, field: 'purpose' },
  { name: 'access request for a purpose the agreement lacks', via: 'BE', method: 'POST', path: '/consignments/{ucr}/access-requests', as: 'officer', body: { purpose: 'statistics' }, status: 403 },
  { name: 'access request by a non-holder', via: 'DE', method: 'POST', path: '/consignments/{ucr}/access-requests', as: 'officer', body: { purpose: 'risk-assessment' }, status: 403 },
  { name: 'purge with a malformed share id', via: 'BE', method: 'POST', path: '/consignments/{ucr}/shares/a.b/purge', as: 'officer', status: 400, field: 'shareId' },
  { name: 'purge with a share id too long', via: 'BE', method: 'POST', path: `/consignments/{ucr}/shares/${'a'.repeat(129)}/purge`, as: 'officer', status: 400, field: 'shareId' },
  { name: 'purge of an unknown share', via: 'BE', method: 'POST', path: '/consignments/{ucr}/shares/abcdef/purge', as: 'officer', status: 404 },
  { name: 'purge with a body', via: 'BE', method: 'POST', path: '/consignments/{ucr}/shares/{share}/purge', as: 'officer', body: { reason: 'now' }, status: 400, field: 'reason' },
  { name: 'purge before retention ends', via: 'BE', method: 'POST', path: '/consignments/{ucr}/shares/{share}/purge', as: 'officer', status: 409 },
  { name: 'purge of a copy this authority does not hold', method: 'POST', path: '/consignments/{ucr}/shares/{share}/purge', as: 'officer', status: 403 },

  // ---- lists and cursors ------------------------------------------------------------------------
  { name: 'list without by', method: 'GET', path: '/consignments?value=lodged', as: 'officer', status: 400, field: 'by' },
  { name: 'list by an unknown index', method: 'GET', path: '/consignments?by=trader&value=x', as: 'officer', status: 400, field: 'by' },
  { name: 'list by an unknown status', method: 'GET', path: '/consignments?by=status&value=lost', as: 'officer', status: 400, field: 'value' },
  { name: 'list by a malformed office', method: 'GET', path: '/consignments?by=office&value=rotterdam', as: 'officer', status: 400, field: 'value' },
  { name: 'list by a malformed day', method: 'GET', path: '/consignments?by=day&value=2026-13-45', as: 'officer', status: 400, field: 'value' },
  { name: 'page size 0', method: 'GET', path: '/consignments?by=status&value=lodged&pageSize=0', as: 'officer', status: 400, field: 'pageSize' },
  { name: 'page size 201', method: 'GET', path: '/consignments?by=status&value=lodged&pageSize=201', as: 'officer', status: 400, field: 'pageSize' },
  { name: 'a huge page size', method: 'GET', path: '/consignments?by=status&value=lodged&pageSize=99999999999999', as: 'officer', status: 400, field: 'pageSize' },
  { name: 'a page size beyond any integer', method: 'GET', path: `/consignments?by=status&value=lodged&pageSize=${'9'.repeat(400)}`, as: 'officer', status: 400, field: 'pageSize' },
  { name: 'a negative page size', method: 'GET', path: '/consignments?by=status&value=lodged&pageSize=-1', as: 'officer', status: 400, field: 'pageSize' },
  { name: 'a fractional page size', method: 'GET', path: '/consignments?by=status&value=lodged&pageSize=1.5', as: 'officer', status: 400, field: 'pageSize' },
  { name: 'a page size in letters', method: 'GET', path: '/consignments?by=status&value=lodged&pageSize=ten', as: 'officer', status: 400, field: 'pageSize' },
  { name: 'a bookmark that is no cursor', method: 'GET', path: '/consignments?by=status&value=lodged&bookmark=%25%25%25', as: 'officer', status: 400, field: 'bookmark' },
  { name: 'a bookmark too long', method: 'GET', path: `/consignments?by=status&value=lodged&bookmark=${'A'.repeat(1401)}`, as: 'officer', status: 400, field: 'bookmark' },
  { name: 'a repeated index parameter', method: 'GET', path: '/consignments?by=status&by=office&value=lodged', as: 'officer', status: 400, field: 'by' },
  { name: 'a list with an unknown parameter', method: 'GET', path: '/consignments?by=status&value=lodged&sort=desc', as: 'officer', status: 400, field: 'sort' },

  // ---- verification ----------------------------------------------------------------------------------
  { name: 'verify without declaration', method: 'POST', path: '/verify', body: {}, status: 400, field: 'declaration' },
  { name: 'verify a malformed declaration', method: 'POST', path: '/verify', body: { declaration: decl({ office: 'nowhere' }) }, status: 400, field: 'declaration.office' },
  { name: 'verify with an unknown field', method: 'POST', path: '/verify', body: { declaration: decl(), proof: [] }, status: 400, field: 'proof' },
  { name: 'verify with malformed salts', method: 'POST', path: '/verify', body: { declaration: decl(), salts: { ucr: 'x' } }, status: 400 },
  { name: 'disclose no fields', method: 'POST', path: '/verify/fields', body: { ucr: '{ucr}', fields: {} }, status: 400, field: 'fields' },
  { name: 'disclose an unknown field', method: 'POST', path: '/verify/fields', body: { ucr: '{ucr}', fields: { password: { value: 'x', salt: 'a'.repeat(64) } } }, status: 400, field: 'fields.password' },
  { name: 'disclose a field with an invalid value', method: 'POST', path: '/verify/fields', body: { ucr: '{ucr}', fields: { goodsItems: { value: [{ packages: 1.5 }], salt: 'a'.repeat(64) } } }, status: 400 },
  { name: 'disclose a float that cannot be hashed', method: 'POST', path: '/verify/fields', body: { ucr: '{ucr}', fields: { office: { value: 1.5, salt: 'a'.repeat(64) } } }, status: 400, field: 'fields.office.value' },
  { name: 'disclose without a salt', method: 'POST', path: '/verify/fields', body: { ucr: '{ucr}', fields: { office: { value: 'NLRTM' } } }, status: 400, field: 'fields.office.salt' },
  { name: 'disclose for a malformed UCR', method: 'POST', path: '/verify/fields', body: { ucr: '../x', fields: { office: { value: 'NLRTM', salt: 'a'.repeat(64) } } }, status: 400, field: 'ucr' },
  { name: 'disclose for an unknown UCR', method: 'POST', path: '/verify/fields', body: { ucr: '6NL000000000-X3', fields: { office: { value: 'NLRTM', salt: 'a'.repeat(64) } } }, status: 404 },

  // ---- audit ----------------------------------------------------------------------------------------
  { name: 'blocks from a negative number', method: 'GET', path: '/audit/blocks?from=-1', as: 'auditor', status: 400, field: 'from' },
  { name: 'blocks from letters', method: 'GET', path: '/audit/blocks?from=abc', as: 'auditor', status: 400, field: 'from' },
  { name: 'blocks ending before they start', method: 'GET', path: '/audit/blocks?from=5&to=2', as: 'auditor', status: 400, field: 'to' },
  { name: 'more than 100 blocks at once', method: 'GET', path: '/audit/blocks?from=0&to=1000000', as: 'auditor', status: 400, field: 'to' },
  { name: 'blocks beyond the height', method: 'GET', path: '/audit/blocks?from=999999', as: 'auditor', status: 404 },
  { name: 'a block number in letters', method: 'GET', path: '/audit/blocks/abc', as: 'auditor', status: 400, field: 'n' },
  { name: 'a negative block number', method: 'GET', path: '/audit/blocks/-1', as: 'auditor', status: 400, field: 'n' },
  { name: 'a block number beyond the height', method: 'GET', path: '/audit/blocks/99999999999', as: 'auditor', status: 404 },
  { name: 'events with limit 0', method: 'GET', path: '/audit/events?limit=0', as: 'auditor', status: 400, field: 'limit' },
  { name: 'events with limit 1001', method: 'GET', path: '/audit/events?limit=1001', as: 'auditor', status: 400, field: 'limit' },
  { name: 'events from letters', method: 'GET', path: '/audit/events?fromBlock=x', as: 'auditor', status: 400, field: 'fromBlock' },
  { name: 'events with an unknown parameter', method: 'GET', path: '/audit/events?agreement=x', as: 'auditor', status: 400, field: 'agreement' },

  // ---- tokens and roles -------------------------------------------------------------------------------
  { name: 'no token', method: 'POST', path: '/consignments', as: 'none', body: lodge(), status: 401 },
  { name: 'a wrong token', method: 'POST', path: '/consignments', as: `Authorization:Bearer ${'A'.repeat(43)}`, body: lodge(), status: 401 },
  { name: 'a Basic credential', method: 'POST', path: '/consignments', as: 'Authorization:Basic b2ZmaWNlcjpzZWNyZXQ=', body: lodge(), status: 401 },
  { name: 'Bearer without a token', method: 'POST', path: '/consignments', as: 'Authorization:Bearer ', body: lodge(), status: 401 },
  { name: 'a token with a trailing space and more', method: 'GET', path: '/agreements', as: `Authorization:Bearer ${'A'.repeat(43)} x`, status: 401 },
  { name: 'a 10 kB token', method: 'GET', path: '/agreements', as: `Authorization:Bearer ${'A'.repeat(10_000)}`, status: 401 },
  { name: 'another authority\'s officer token', method: 'POST', path: '/consignments', as: 'Authorization:{BE.officer}', body: lodge(), status: 401 },
  { name: 'an auditor lodging', method: 'POST', path: '/consignments', as: 'auditor', body: lodge(), status: 403 },
  { name: 'an admin lodging', method: 'POST', path: '/consignments', as: 'admin', body: lodge(), status: 403 },
  { name: 'an officer proposing an agreement', method: 'POST', path: '/agreements', as: 'officer', body: proposal({ id: 'AGR-BY-OFFICER' }), status: 403 },
  { name: 'an auditor terminating an agreement', method: 'POST', path: '/agreements/{agreement}/terminate', as: 'auditor', body: { reason: 'r' }, status: 403 },
  { name: 'an officer reading blocks', method: 'GET', path: '/audit/blocks', as: 'officer', status: 403 },
  { name: 'an admin sharing', method: 'POST', path: '/consignments/{ucr}/shares', as: 'admin', body: { recipient: MSP.BE, agreementId: '{agreement}', purpose: 'risk-assessment' }, status: 403 },

  // ---- routes and methods ----------------------------------------------------------------------------
  { name: 'an unknown route', method: 'GET', path: '/nope', as: 'officer', status: 404 },
  { name: 'another API version', method: 'GET', path: '//api/v2/agreements', as: 'officer', status: 404 },
  { name: 'DELETE on a record', method: 'DELETE', path: '/consignments/{ucr}', as: 'officer', status: 405 },
  { name: 'PUT on a record', method: 'PUT', path: '/consignments/{ucr}', as: 'officer', body: lodge(), status: 405 },
  { name: 'PATCH on an agreement', method: 'PATCH', path: '/agreements/{agreement}', as: 'admin', body: { status: 'active' }, status: 405 },
  { name: 'TRACE on a record', method: 'TRACE', path: '/consignments/{ucr}', status: 405 },
  { name: 'GET on a route that only takes POST', method: 'GET', path: '/verify', status: 405 },
  { name: 'POST on a route that only takes GET', method: 'POST', path: '/consignments/{ucr}/history', as: 'officer', body: {}, status: 405 },
  { name: 'PUT on the health check', method: 'PUT', path: '//healthz', status: 405 },
  { name: 'DELETE on a path no route has', method: 'DELETE', path: '/consignments/{ucr}/nothing', as: 'officer', status: 404 },
  { name: 'path traversal out of the API', method: 'GET', path: '//api/v1/../../etc/passwd', as: 'officer' },
  { name: 'upper-case route', method: 'GET', path: '//API/V1/agreements', as: 'officer', status: 404 },
  { name: 'a trailing slash', method: 'GET', path: '/agreements/', as: 'officer', status: 404 },
];

describe('gateway: bad input is refused with a 4xx and writes nothing', function () {
  this.timeout(120_000);
  let gws: TestGateways;
  let ucr: string;
  let agreementId: string;
  let shareId: string;
  let lodgedDeclaration: Declaration;

  before(async () => {
    gws = await startGateways();
    agreementId = await makeAgreement(gws, ['NL', 'BE'], { categories: ['goods', 'valuation'], purposes: ['risk-assessment'] });
    const lodged = await lodgeVia(gws.NL);
    ucr = lodged.ucr;
    lodgedDeclaration = lodged.declaration;
    const share = expectStatus(
      await client(gws.NL).post(`/consignments/${ucr}/shares`, { recipient: gws.BE.msp, agreementId, purpose: 'risk-assessment' }, 'officer'),
      201,
    );
    shareId = String(share.shareId);
  });
  after(async () => {
    await gws.close();
  });

  it(`has at least 100 cases (${CASES.length})`, () => {
    assert.ok(CASES.length >= 100);
    assert.equal(new Set(CASES.map((c) => c.name)).size, CASES.length, 'case names are unique');
  });

  const fill = (text: string): string =>
    text.replaceAll('{ucr}', ucr).replaceAll('{agreement}', agreementId).replaceAll('{share}', shareId);
  const fillBody = (body: unknown): unknown => {
    if (body === '{lodgedDeclaration}') {
      return lodgedDeclaration;
    }
    if (body === '{lodgedDeclarationChanged}') {
      return { ...lodgedDeclaration, seals: ['SL-CHANGED'] };
    }
    if (typeof body === 'string') {
      return fill(body);
    }
    if (Array.isArray(body)) {
      return body.map(fillBody);
    }
    if (typeof body === 'object' && body !== null) {
      return Object.fromEntries(Object.entries(body).map(([k, v]) => [k, fillBody(v)]));
    }
    return body;
  };

  for (const c of CASES) {
    it(c.name, async () => {
      const gw = gws[c.via ?? 'NL'];
      const path = fill(c.path.startsWith('//') ? c.path.slice(1) : `${API}${c.path}`);
      const before = await gws.ledger.fingerprint();
      let t = checkedRequest(gw.app)[(c.method ?? 'GET').toLowerCase() as 'get'](path);
      if (c.as !== undefined && c.as !== 'none') {
        if (c.as.startsWith('Authorization:')) {
          const value = c.as.slice('Authorization:'.length).replace('{BE.officer}', `Bearer ${gws.BE.tokens.officer}`);
          t = t.set('Authorization', value);
        } else {
          t = t.set('Authorization', `Bearer ${gw.tokens[c.as as Role]}`);
        }
      }
      if (c.raw !== undefined) {
        // bytes as they are: superagent would serialise a Buffer as JSON
        const raw = typeof c.raw === 'string' ? fill(c.raw) : c.raw;
        t = t.set('Content-Type', c.contentType ?? 'application/json').serialize(() => raw as unknown as string).send(raw as unknown as string);
      } else if (c.body !== undefined) {
        t = t.send(fillBody(c.body) as object);
      }
      const res = await t;
      const body = res.body as { error?: { code?: unknown; message?: unknown; field?: unknown } };
      assert.ok(res.status >= 400 && res.status < 500, `expected a 4xx, got ${res.status}: ${res.text.slice(0, 300)}`);
      if (c.status !== undefined) {
        assert.equal(res.status, c.status, `expected ${c.status}, got ${res.status}: ${res.text.slice(0, 300)}`);
      }
      assert.match(String(res.headers['content-type']), /^application\/json/);
      assert.equal(typeof body.error?.code, 'string', res.text.slice(0, 300));
      assert.equal(typeof body.error?.message, 'string');
      assert.ok(String(body.error?.message).length > 0);
      if (c.field !== undefined) {
        assert.equal(body.error?.field, c.field, `field: ${res.text.slice(0, 300)}`);
        assert.ok(String(body.error?.message).startsWith(`${c.field}: `), `the message names the field: ${res.text.slice(0, 300)}`);
      }
      assert.equal(await gws.ledger.fingerprint(), before, 'the ledger changed');
      assert.equal(({} as Record<string, unknown>).polluted, undefined, 'Object.prototype was polluted');
    });
  }
});
