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

function describe(issue: z.core.$ZodIssue | undefined): string {
  if (issue === undefined) {
    return 'is invalid';
  }
  if (issue.code === 'unrecognized_keys') {
    return `unknown field(s) ${issue.keys.map((k) => JSON.stringify(k)).join(', ')}`;
  }
  return issue.message;
}
