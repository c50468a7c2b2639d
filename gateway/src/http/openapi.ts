/**
 * The OpenAPI 3.1 description of one authority's gateway, generated from
 * the route table: every operation, its parameters, body and answers come
 * from the very entry Express registers, and every schema from the zod
 * schema that entry parses with or answers with. Requests are described as
 * they are accepted (zod's input side), answers as they are sent (zod's
 * output side: no member that is not listed).
 */
import { z } from 'zod';
import { BodyChoice, type RequestBody } from './input';
import { errorBodySchema } from './responses';
import { TAGS, type Answer, type ErrorStatus, type JsonSchema, type Route } from './route';
import { API_MOUNT, MOUNTS, type Mount } from './route-table';

export const API_PREFIX = API_MOUNT.prefix;

/** What each path parameter is, and a value of it that the gateway accepts (a test holds every example to its schema). */
export const PATH_PARAMETERS: Readonly<Record<string, { description: string; example: string }>> = {
  id: { description: 'agreement id', example: 'AGR-NL-BE-001' },
  ucr: { description: 'WCO unique consignment reference', example: '6NL123456789-C001' },
  shareId: { description: 'share id (the sharing transaction id)', example: '9f86d081884c7d659a2feaa0c55ad015a3bf4f1b2b0b822cd15d6c15b0f00a08' },
  n: { description: 'block number', example: '0' },
  txId: { description: 'transaction id', example: '9f86d081884c7d659a2feaa0c55ad015a3bf4f1b2b0b822cd15d6c15b0f00a08' },
};

const ERROR_DESCRIPTIONS: Readonly<Record<ErrorStatus, string>> = {
  400: 'invalid input; the error names the field',
  401: 'no valid bearer token',
  403: "the token's role, or this authority, may not do this",
  404: 'not found',
  405: 'the path does not take this method (Allow names the ones it takes)',
  409: 'refused in the current state, a malformed document on the ledger, or conflicting concurrent transactions',
  413: 'body too large',
  415: 'body is not JSON in UTF-8',
  429: 'too many requests',
  500: 'the gateway failed to handle the request',
  502: 'the ledger failed, or answered what the gateway does not expect',
  503: 'the ledger is unavailable or busy (Retry-After says when to try again)',
  504: 'the ledger did not confirm in time; the error names the transaction',
};

type Numbers = 'integer' | 'text';

/**
 * The JSON Schema of a zod schema, without its dialect (the document's is
 * 2020-12). `numbers: 'integer'` describes a whole number parsed from text
 * as the integer it stands for, as a query parameter is described.
 */
export function jsonSchemaOf(schema: z.ZodType, io: 'input' | 'output', numbers: Numbers = 'text'): JsonSchema {
  const { $schema: _dialect, ...rest } = z.toJSONSchema(schema, {
    io,
    unrepresentable: 'any',
    ...(numbers === 'integer' ? { override: integersFromText } : {}),
  }) as JsonSchema;
  return rest;
}

/** A pipe from text to a number is described by the number; a default by its value. */
function integersFromText(ctx: { zodSchema: z.core.$ZodTypes; jsonSchema: z.core.JSONSchema.BaseSchema }): void {
  const def = ctx.zodSchema._zod.def;
  if (def.type === 'pipe' && def.out._zod.def.type === 'number') {
    for (const key of Object.keys(ctx.jsonSchema)) {
      delete ctx.jsonSchema[key];
    }
    Object.assign(ctx.jsonSchema, jsonSchemaOf(def.out as z.ZodType, 'output'));
  } else if (def.type === 'default') {
    ctx.jsonSchema.default = def.defaultValue;
  }
}

function bodySchema(body: RequestBody): JsonSchema {
  if (body instanceof BodyChoice) {
    return { if: { type: 'object', required: [body.member] }, then: jsonSchemaOf(body.present, 'input'), else: jsonSchemaOf(body.absent, 'input') };
  }
  return jsonSchemaOf(body, 'input');
}

function bodyIsOptional(body: RequestBody): boolean {
  return !(body instanceof BodyChoice) && body.safeParse(undefined).success;
}

/** /consignments/:ucr as OpenAPI writes it: /consignments/{ucr} */
export function openApiPath(mount: Mount, path: string): string {
  return `${mount.prefix}${path}`.replace(/:([A-Za-z]+)/g, '{$1}');
}

function objectProperties(schema: JsonSchema): { properties: Record<string, JsonSchema>; required: Set<string> } {
  return { properties: (schema.properties ?? {}) as Record<string, JsonSchema>, required: new Set((schema.required ?? []) as string[]) };
}

function pathParameters(route: Route): JsonSchema[] {
  const names = [...route.path.matchAll(/:([A-Za-z]+)/g)].map(([, name = '']) => name);
  const { properties } = objectProperties(route.params ? jsonSchemaOf(route.params, 'input') : {});
  const described = Object.keys(properties).sort();
  if (described.join() !== [...names].sort().join()) {
    throw new Error(`${route.method.toUpperCase()} ${route.path}: its params schema describes [${described.join(', ')}], not its path's parameters [${names.join(', ')}]`);
  }
  return names.map((name) => {
    const doc = PATH_PARAMETERS[name];
    if (doc === undefined) {
      throw new Error(`${route.path}: path parameter ${name} has no description`);
    }
    return { name, in: 'path', required: true, description: doc.description, example: doc.example, schema: properties[name] };
  });
}

function queryParameters(route: Route): JsonSchema[] {
  if (!route.query) {
    return [];
  }
  const { properties, required } = objectProperties(jsonSchemaOf(route.query, 'input', 'integer'));
  return Object.entries(properties).map(([name, schema]) => ({ name, in: 'query', required: required.has(name), schema }));
}

function answerObject(answer: Answer): JsonSchema {
  const { mediaType, schema } = answer.content;
  return {
    description: answer.description,
    content: { [mediaType]: { schema: mediaType === 'application/json' ? jsonSchemaOf(schema as z.ZodType, 'output') : schema } },
  };
}

/** The error statuses a route may answer: its mount's, authentication's, a body's, and its own. */
export function errorStatuses(mount: Mount, route: Route): ErrorStatus[] {
  const statuses = new Set<ErrorStatus>([
    ...mount.errors,
    ...(route.access === 'public' ? [] : ([401, 403] as const)),
    ...(route.method === 'post' && mount.bodies ? ([413, 415] as const) : []),
    ...(route.errors ?? []),
  ]);
  return [...statuses].sort((a, b) => a - b);
}

function operationObject(mount: Mount, route: Route): JsonSchema {
  const path = openApiPath(mount, route.path);
  const responses: Record<string, JsonSchema> = {};
  for (const [status, answer] of Object.entries(route.answers)) {
    responses[status] = answerObject(answer);
  }
  for (const status of errorStatuses(mount, route)) {
    if (responses[status] !== undefined) {
      throw new Error(`${route.method.toUpperCase()} ${route.path} declares ${status} both as an answer and as an error`);
    }
    responses[status] = { description: ERROR_DESCRIPTIONS[status], content: { 'application/json': { schema: { $ref: '#/components/schemas/Error' } } } };
  }
  return {
    operationId: `${route.method}${path.replace(/\{([^}]+)\}/g, 'By-$1').replace(/[^A-Za-z0-9]+(.)?/g, (_m, c: string | undefined) => (c ?? '').toUpperCase())}`,
    summary: route.summary,
    tags: [route.tag],
    ...(route.access === 'public' ? { security: [] } : { 'x-roles': route.access }),
    parameters: [...pathParameters(route), ...queryParameters(route)],
    ...(route.body
      ? { requestBody: { required: !bodyIsOptional(route.body), content: { 'application/json': { schema: bodySchema(route.body) } } } }
      : {}),
    responses: Object.fromEntries(Object.entries(responses).sort(([a], [b]) => Number(a) - Number(b))),
  };
}

export function openApiDocument(mspId: string): JsonSchema {
  const paths: Record<string, Record<string, JsonSchema>> = {};
  for (const mount of MOUNTS) {
    for (const route of mount.routes) {
      const path = openApiPath(mount, route.path);
      if (paths[path]?.[route.method] !== undefined) {
        throw new Error(`${route.method.toUpperCase()} ${path} is in the route table twice`);
      }
      paths[path] = { ...paths[path], [route.method]: operationObject(mount, route) };
    }
  }
  return {
    openapi: '3.1.0',
    info: {
      title: `customs-ledger gateway of ${mspId}`,
      version: '1.0.0',
      description:
        "One member authority's gateway to the shared customs ledger. Bearer tokens map to the authority's officer, admin and auditor identities; x-roles lists the roles an operation accepts. A path asked with a method it does not take is answered 405 with an Allow header and the error body.",
    },
    servers: [{ url: '/' }],
    security: [{ bearer: [] }],
    tags: TAGS.map((name) => ({ name })),
    paths,
    components: {
      securitySchemes: { bearer: { type: 'http', scheme: 'bearer' } },
      schemas: { Error: jsonSchemaOf(errorBodySchema, 'output') },
    },
  };
}
