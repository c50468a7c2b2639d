/**
 * Holds every answer an HTTP test receives to the gateway's OpenAPI
 * document: its status must be one the operation declares, its media type
 * the one declared for that status, and its body valid against that
 * status's schema (ajv, JSON Schema 2020-12, with formats). A request the
 * document has no operation for must be refused with the API's error body:
 * 404 for a path it does not know, 405 with an Allow header naming the
 * declared methods for a method a known path does not take. Failures name
 * the operation, the status and the JSON pointer at fault.
 */
import { Ajv2020, type ErrorObject, type ValidateFunction } from 'ajv/dist/2020';
import addFormats from 'ajv-formats';
import type { Express } from 'express';
import request, { type Response, type Test } from 'supertest';
import { openApiDocument } from 'customs-ledger-gateway/dist/http';

interface Operation {
  operationId: string;
  responses: Record<string, { content?: Record<string, { schema?: unknown }> }>;
}
interface Document {
  paths: Record<string, Record<string, Operation>>;
}

/** One answer as the checker reads it: `body` is the parsed JSON, the text, or the bytes. */
export interface Answer {
  method: string;
  /** the request's path, with its query string if any */
  url: string;
  status: number;
  headers: Record<string, string | string[] | undefined>;
  body: unknown;
}

/** Statuses the API's middleware may answer before any route is reached. */
const BEFORE_ROUTING = [400, 413, 415, 429];
const COMPONENTS = 'openapi-components.json';
const JSON_POINTER_ESCAPE = (s: string) => s.replaceAll('~', '~0').replaceAll('/', '~1');

export class SpecChecker {
  readonly document: Document;
  private readonly ajv: Ajv2020;
  private readonly templates: { path: string; pattern: RegExp; params: number }[];
  private readonly compiled = new Map<string, ValidateFunction>();

  constructor(document: unknown) {
    this.document = document as Document;
    this.ajv = new Ajv2020({ strict: true, strictTypes: false, allErrors: true });
    addFormats(this.ajv);
    // zod's base64 strings: the text must be canonical base64
    this.ajv.addFormat('base64', { type: 'string', validate: (s: string) => Buffer.from(s, 'base64').toString('base64') === s });
    // the document is no JSON Schema itself: its components are one, and each schema is compiled alone against them
    this.ajv.addSchema({ $id: COMPONENTS, $defs: (document as { components: { schemas: object } }).components.schemas });
    this.templates = Object.keys(this.document.paths)
      .map((path) => ({
        path,
        pattern: new RegExp(`^${path.replace(/[.*+?^$()|[\]\\]/g, '\\$&').replace(/\{[^}]+\}/g, '[^/]+')}$`),
        params: (path.match(/\{/g) ?? []).length,
      }))
      .sort((a, b) => a.params - b.params);
  }

  /** The schema at a JSON pointer of the document, compiled. */
  validator(pointer: string): ValidateFunction {
    let validate = this.compiled.get(pointer);
    if (validate === undefined) {
      const schema = pointer.split('/').slice(1).reduce<unknown>((at, part) => (at as Record<string, unknown> | undefined)?.[part.replaceAll('~1', '/').replaceAll('~0', '~')], this.document);
      if (typeof schema !== 'object' || schema === null) {
        throw new Error(`the OpenAPI document has no schema at ${pointer}`);
      }
      validate = this.ajv.compile(JSON.parse(JSON.stringify(schema).replaceAll('"#/components/schemas/', `"${COMPONENTS}#/$defs/`)) as object);
      this.compiled.set(pointer, validate);
    }
    return validate;
  }

  /** The path template of the document a request path falls under, if any. */
  templateOf(path: string): string | undefined {
    return this.templates.find((t) => t.pattern.test(path))?.path;
  }

  /** Throws, naming operation, status and pointer, unless `answer` is one the document declares. */
  check(answer: Answer): void {
    const method = answer.method.toLowerCase();
    const path = answer.url.split('?')[0] ?? '';
    const template = this.templateOf(path);
    const operations = template === undefined ? undefined : this.document.paths[template];
    const operation = operations?.[method === 'head' ? 'get' : method];
    if (method === 'options' && operation === undefined && operations !== undefined) {
      return; // Express answers OPTIONS with the path's Allow list; the document declares no OPTIONS
    }
    if (operation === undefined) {
      this.checkRefusal(answer, template, operations);
      return;
    }
    const name = `${operation.operationId} (${method.toUpperCase()} ${template})`;
    const status = String(answer.status);
    const declared = operation.responses[status];
    if (declared === undefined) {
      throw new Error(`${name} answered ${status}, which it does not declare (it declares ${Object.keys(operation.responses).join(', ')}): ${preview(answer.body)}`);
    }
    if (method === 'head') {
      return;
    }
    const mediaType = essence(answer.headers['content-type']);
    const declaredTypes = Object.keys(declared.content ?? {});
    const key = declaredTypes.find((t) => essence(t) === mediaType);
    if (key === undefined) {
      throw new Error(`${name} answered ${status} as ${mediaType || 'no media type'}; it declares ${declaredTypes.join(', ') || 'no content'}`);
    }
    const pointer = `/paths/${JSON_POINTER_ESCAPE(template ?? '')}/${method}/responses/${status}/content/${JSON_POINTER_ESCAPE(key)}/schema`;
    this.validate(pointer, answer.body, `${name} answered ${status}`);
  }

  /** Validates `value` against the schema at `pointer`, throwing with the pointers at fault. */
  validate(pointer: string, value: unknown, what: string): void {
    const validate = this.validator(pointer);
    if (!validate(value)) {
      throw new Error(`${what}: the body is not what ${pointer} says:\n${describe(validate.errors ?? [])}\nbody: ${preview(value)}`);
    }
  }

  private checkRefusal(answer: Answer, template: string | undefined, operations: Record<string, Operation> | undefined): void {
    const what = `${answer.method.toUpperCase()} ${answer.url.split('?')[0] ?? ''}`;
    if (operations === undefined) {
      if (![404, ...BEFORE_ROUTING].includes(answer.status)) {
        throw new Error(`${what} is no operation of the document, yet answered ${answer.status}, not 404`);
      }
    } else {
      if (![405, ...BEFORE_ROUTING].includes(answer.status)) {
        throw new Error(`${what}: ${template} does not take ${answer.method.toUpperCase()}, yet answered ${answer.status}, not 405`);
      }
      if (answer.status === 405) {
        const methods = Object.keys(operations).map((m) => m.toUpperCase());
        const allow = [...new Set([...methods, ...(methods.includes('GET') ? ['HEAD'] : [])])].sort().join(', ');
        if (answer.headers.allow !== allow) {
          throw new Error(`${what} answered 405 with Allow ${String(answer.headers.allow)}, not ${allow}`);
        }
      }
    }
    if (essence(answer.headers['content-type']) !== 'application/json') {
      throw new Error(`${what} answered ${answer.status} as ${String(answer.headers['content-type'])}, not as the API's JSON error`);
    }
    this.validate('/components/schemas/Error', answer.body, `${what} answered ${answer.status}`);
  }
}

function essence(contentType: string | string[] | undefined): string {
  return String(contentType ?? '').split(';')[0]!.trim().toLowerCase();
}

function describe(errors: ErrorObject[]): string {
  return errors.map((e) => `  at ${e.instancePath || '/'} (schema ${e.schemaPath}): ${e.message ?? e.keyword} ${JSON.stringify(e.params)}`).join('\n');
}

function preview(value: unknown): string {
  const text = typeof value === 'string' ? value : Buffer.isBuffer(value) ? `<${value.length} bytes>` : JSON.stringify(value);
  return (text ?? String(value)).slice(0, 300);
}

/** The checker of this gateway's document (the authority named in it changes nothing the checker reads). */
export const specChecker = new SpecChecker(openApiDocument('SpecCheckMSP'));

/** A supertest response as the checker reads it. */
export function answerOf(method: string, url: string, res: Response): Answer {
  const raw = res.body as unknown;
  const type = essence(res.headers['content-type']);
  const body =
    method.toLowerCase() === 'head' ? undefined : type === 'application/json' ? (JSON.parse(res.text) as unknown) : Buffer.isBuffer(raw) ? raw.toString('latin1') : res.text;
  return { method, url, status: res.status, headers: res.headers as Record<string, string>, body };
}

/** Makes a supertest request fail when its answer is not one the document declares. */
export function checked(test: Test, method: string, url: string): Test {
  return test.expect((res: Response) => specChecker.check(answerOf(method, url, res)));
}

type Method = 'get' | 'post' | 'put' | 'delete' | 'patch' | 'head' | 'options' | 'trace';

/** supertest's request(app), every answer held to the document. */
export function checkedRequest(app: Express): Record<Method, (url: string) => Test> {
  const of = (method: Method) => (url: string) => checked(request(app)[method](url), method, url);
  return {
    get: of('get'),
    post: of('post'),
    put: of('put'),
    delete: of('delete'),
    patch: of('patch'),
    head: of('head'),
    options: of('options'),
    trace: of('trace'),
  };
}
