/** Turns a zod failure into a coded refusal that names the bad field. */
import type { z } from 'zod';
import { LedgerRuleError } from './errors';

export function parseWith<S extends z.ZodType>(schema: S, input: unknown, label: string): z.infer<S> {
  const result = schema.safeParse(input);
  if (result.success) {
    return result.data;
  }
  const issue = result.error.issues[0];
  const path = [label, ...(issue?.path ?? []).map(String)].join('.');
  const message = describeIssue(issue);
  throw new LedgerRuleError('INVALID_ARGUMENT', `${path}: ${message}`, { field: path });
}

function describeIssue(issue: z.core.$ZodIssue | undefined): string {
  if (!issue) {
    return 'is invalid';
  }
  if (issue.code === 'unrecognized_keys') {
    return `unknown field(s) ${issue.keys.map((k) => JSON.stringify(k)).join(', ')}`;
  }
  return issue.message;
}

/** JSON.parse for an argument or transient entry, refused with the field name when it is not JSON. */
export function parseJsonText(text: string, label: string): unknown {
  try {
    return JSON.parse(text) as unknown;
  } catch {
    throw new LedgerRuleError('INVALID_ARGUMENT', `${label}: is not valid JSON`, { field: label });
  }
}
