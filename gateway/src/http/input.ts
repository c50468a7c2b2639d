/**
 * Parses request input (body, query, path parameters) with a zod schema and
 * refuses it with the domain's INVALID_ARGUMENT error, naming the field.
 */
import type { z } from 'zod';
import { LedgerRuleError } from 'customs-ledger-chaincode/domain';

/** `prefix` names the input when the schema covers only a part of it, e.g. "declaration". */
export function parseInput<S extends z.ZodType>(schema: S, input: unknown, prefix = ''): z.output<S> {
  const result = schema.safeParse(input);
  if (result.success) {
    return result.data;
  }
  const issue = result.error.issues[0];
  const path = [...(prefix === '' ? [] : [prefix]), ...(issue?.path ?? []).map(String)];
  if (issue?.code === 'unrecognized_keys' && issue.keys[0] !== undefined) {
    path.push(issue.keys[0]);
  }
  const field = path.length === 0 ? 'body' : path.join('.');
  throw new LedgerRuleError('INVALID_ARGUMENT', `${field}: ${describe(issue)}`, { field });
}

/**
 * A body of one of two shapes, told apart by one member: `present` when the
 * body is an object that has it, `absent` otherwise. It is parsed with the
 * one schema it is chosen for, so a refusal names that schema's field.
 */
export class BodyChoice<A extends z.ZodType = z.ZodType, B extends z.ZodType = z.ZodType> {
  constructor(
    readonly member: string,
    readonly present: A,
    readonly absent: B,
  ) {}

  schemaFor(input: unknown): A | B {
    return typeof input === 'object' && input !== null && this.member in input ? this.present : this.absent;
  }
}

/** A route's body: one schema, or a choice of two. */
export type RequestBody = z.ZodType | BodyChoice;
export type BodyOutput<B> = B extends BodyChoice<infer P, infer A> ? z.output<P> | z.output<A> : B extends z.ZodType ? z.output<B> : undefined;

export function parseBody<B extends RequestBody>(body: B, input: unknown): BodyOutput<B> {
  return parseInput(body instanceof BodyChoice ? body.schemaFor(input) : body, input) as BodyOutput<B>;
}

function describe(issue: z.core.$ZodIssue | undefined): string {
  if (issue === undefined) {
    return 'is invalid';
  }
  if (issue.code === 'unrecognized_keys') {
    return `unknown field(s) ${issue.keys.map((k) => JSON.stringify(k)).join(', ')}`;
  }
  return issue.message;
}
