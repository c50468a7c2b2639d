/**
 * One entry of the route table: method, path, who may call it, the schemas
 * of its path parameters, query and body, every answer it gives (status,
 * media type, schema), its documentation and its handler. The same entry is
 * registered with Express (route-registry.ts) and described in the OpenAPI
 * document (openapi.ts), so the two cannot say different things.
 */
import type { Logger } from 'pino';
import type { z } from 'zod';
import type { Role } from 'customs-ledger-chaincode/domain';
import type { Services } from '../service/services';
import type { Caller } from './caller';
import type { BodyOutput, RequestBody } from './input';
import type { GatewayMetrics } from './metrics';
import type { OpenApiDocument } from './responses';

export type Access = readonly Role[] | 'public';
export type Method = 'get' | 'post';
export const TAGS = ['agreements', 'consignments', 'sharing', 'verification', 'audit', 'system'] as const;
export type Tag = (typeof TAGS)[number];

export type JsonSchema = Record<string, unknown>;

/** A JSON answer, described by the zod schema of what the handler sends. */
export interface JsonContent<S extends z.ZodType = z.ZodType> {
  mediaType: 'application/json';
  schema: S;
}

/** Any other answer: its media type, and a JSON Schema of its text (or of its bytes read as Latin-1). */
export interface RawContent {
  mediaType: string;
  schema: JsonSchema;
}

export interface Answer<C extends JsonContent | RawContent = JsonContent | RawContent> {
  description: string;
  content: C;
}

export type Answers = Readonly<Record<number, Answer>>;

export function json<S extends z.ZodType>(description: string, schema: S): Answer<JsonContent<S>> {
  return { description, content: { mediaType: 'application/json', schema } };
}

export function raw(description: string, mediaType: string, schema: JsonSchema): Answer<RawContent> {
  return { description, content: { mediaType, schema } };
}

type BodyOf<A> = A extends Answer<JsonContent<infer S>> ? z.output<S> : A extends Answer<RawContent> ? Buffer | string : never;

/** What a handler answers: one of its route's statuses, with a body of that status's type. */
export type Reply<R extends Answers> = { [S in Extract<keyof R, number>]: { status: S; body: BodyOf<R[S]> } }[Extract<keyof R, number>];

/** Statuses a route may answer with the API's error body. */
export type ErrorStatus = 400 | 401 | 403 | 404 | 405 | 409 | 413 | 415 | 429 | 500 | 502 | 503 | 504;

/** What a handler is given: its parsed input, and the caller on routes that are not public. */
export interface Input<P, Q, B> {
  params: P;
  query: Q;
  body: B;
  caller: () => Caller;
}

/** What every handler may use besides its input. */
export interface RouteContext {
  services: Services;
  mspId: string;
  logger: Logger;
  metrics: GatewayMetrics;
  /** this gateway's OpenAPI document */
  openapi: OpenApiDocument;
}

export interface RouteSpec<P, Q, B extends RequestBody | undefined, R extends Answers> {
  method: Method;
  /** Express path under its mount, e.g. /consignments/:ucr */
  path: string;
  access: Access;
  summary: string;
  tag: Tag;
  /** the path parameters: one strict object naming every :param of `path` */
  params?: z.ZodType<P>;
  query?: z.ZodType<Q>;
  /** the JSON body; it may be left out when its schema accepts undefined */
  body?: B;
  /** every answer that is not an error */
  answers: R;
  /** error statuses this route answers besides the ones every route of its mount may */
  errors?: readonly ErrorStatus[];
}

export type Handler<P, Q, B, R extends Answers> = (input: Input<P, Q, B>, context: RouteContext) => Promise<Reply<R>>;

/** A route of the table, its types erased. */
export interface Route extends RouteSpec<unknown, unknown, RequestBody | undefined, Answers> {
  handle(input: Input<unknown, unknown, unknown>, context: RouteContext): Promise<{ status: number; body: unknown }>;
}

/**
 * A table entry: `route({...}).handle(async (input, context) => ...)`. The
 * handler is typed by the entry, once its schemas are known: its input as
 * they parse it, and its answer one of the declared statuses with a body of
 * that status's schema.
 */
export function route<P = undefined, Q = undefined, B extends RequestBody | undefined = undefined, const R extends Answers = Answers>(
  spec: RouteSpec<P, Q, B, R>,
): { handle(handler: Handler<P, Q, BodyOutput<B>, R>): Route } {
  return { handle: (handler) => ({ ...spec, handle: handler }) as unknown as Route };
}
