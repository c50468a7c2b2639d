/**
 * A faster parse for the zod schemas of contract answers. zod spends most
 * of a record view's parse on its own machinery (a result object and an
 * issue list per value, generic dispatch), not on the checks; answers
 * arrive on every read. compileParser walks a schema once and returns a
 * function that parses the subset of zod those schemas use (objects,
 * strict or stripping; strings, numbers, booleans, null, literals, enums,
 * nullable, optional, arrays), running each schema's own checks and
 * refinements: regex formats, minimum lengths and refinements as plain
 * predicates, any other check through zod's check object. Any other kind of
 * schema is handed to zod as it is.
 *
 * It only ever answers what zod answers: the same value (keys in the
 * schema's order, unknown keys dropped) when the input is valid, and
 * NOT_PARSED otherwise, where the caller asks zod itself, for the verdict
 * and its error. The unit tests hold it to zod, value by value.
 */
import type { z } from 'zod';

export const NOT_PARSED: unique symbol = Symbol('not parsed');

type Parse = (value: unknown) => unknown;

interface Payload {
  value: unknown;
  issues: unknown[];
}

/** The parts of zod 4's internals (`schema._zod`, documented for library authors) that this reads. */
interface Internals {
  _zod: {
    def: {
      type: string;
      checks?: Check[];
      coerce?: boolean;
      shape?: Record<string, Internals>;
      catchall?: Internals;
      innerType?: Internals;
      element?: Internals;
    };
    traits: Set<string>;
    values?: Set<unknown>;
    optin?: 'optional';
  };
}

interface Check {
  _zod: {
    def: { check?: string; format?: string; pattern?: RegExp; minimum?: number; fn?: (value: unknown) => unknown; when?: (payload: Payload) => boolean };
    check(payload: Payload): unknown;
  };
}

/**
 * A check as a predicate on the parsed value, for the kinds the schemas use
 * most (a regex format, a minimum length, a refinement), written as zod's
 * check objects run them but without a payload and an issue list per value;
 * undefined for any other kind, which runs through zod's check object.
 */
function predicateOf(check: Check): ((value: unknown) => boolean) | undefined {
  const def = check._zod.def;
  if (def.check === 'string_format' && def.format === 'regex' && def.pattern instanceof RegExp && !def.when) {
    const pattern = def.pattern;
    return (value) => {
      pattern.lastIndex = 0;
      return pattern.test(value as string);
    };
  }
  if (def.check === 'min_length' && typeof def.minimum === 'number') {
    // zod's `when` for a length: the value has one (every string and array parsed here does)
    const minimum = def.minimum;
    return (value) => value !== null && value !== undefined && (value as { length?: unknown }).length !== undefined && (value as { length: number }).length >= minimum;
  }
  if (def.check === 'custom' && typeof def.fn === 'function' && !def.when) {
    const fn = def.fn;
    return (value) => {
      const result = fn(value);
      // an asynchronous refinement is zod's to run
      return !(result instanceof Promise) && Boolean(result);
    };
  }
  return undefined;
}

export function compileParser<T>(schema: z.ZodType<T>): (value: unknown) => T | typeof NOT_PARSED {
  return compile(schema as unknown as Internals & z.ZodType) as (value: unknown) => T | typeof NOT_PARSED;
}

function compile(schema: Internals & Pick<z.ZodType, 'safeParse'>): Parse {
  const def = schema._zod.def;
  const byZod: Parse = (value) => {
    const result = schema.safeParse(value);
    return result.success ? result.data : NOT_PARSED;
  };
  // A schema that is itself a check (a string format, say), or that coerces, is zod's to parse.
  if (schema._zod.traits.has('$ZodCheck') || def.coerce) {
    return byZod;
  }
  const parse = typeParser(schema, byZod);
  const checks = def.checks ?? [];
  if (checks.length === 0) {
    return parse;
  }
  const predicates = checks.map(predicateOf);
  if (predicates.every((p) => p !== undefined)) {
    const all = predicates as ((value: unknown) => boolean)[];
    return (value) => {
      const parsed = parse(value);
      if (parsed === NOT_PARSED) {
        return NOT_PARSED;
      }
      for (let i = 0; i < all.length; i++) {
        if (!all[i]!(parsed)) {
          return NOT_PARSED;
        }
      }
      return parsed;
    };
  }
  return (value) => {
    const parsed = parse(value);
    if (parsed === NOT_PARSED) {
      return NOT_PARSED;
    }
    // As zod runs them: in order, on the parsed value, which a check may replace (an overwrite).
    const payload: Payload = { value: parsed, issues: [] };
    for (const check of checks) {
      if (check._zod.def.when && !check._zod.def.when(payload)) {
        continue;
      }
      if (check._zod.check(payload) instanceof Promise || payload.issues.length > 0) {
        return NOT_PARSED;
      }
    }
    return payload.value;
  };
}

function typeParser(schema: Internals & Pick<z.ZodType, 'safeParse'>, byZod: Parse): Parse {
  const def = schema._zod.def;
  switch (def.type) {
    case 'string':
      return (v) => (typeof v === 'string' ? v : NOT_PARSED);
    case 'number':
      return (v) => (typeof v === 'number' && Number.isFinite(v) ? v : NOT_PARSED);
    case 'boolean':
      return (v) => (typeof v === 'boolean' ? v : NOT_PARSED);
    case 'null':
      return (v) => (v === null ? v : NOT_PARSED);
    case 'enum':
    case 'literal': {
      const values = schema._zod.values;
      return values ? (v) => (values.has(v) ? v : NOT_PARSED) : byZod;
    }
    case 'nullable': {
      const inner = compile(def.innerType as Internals & z.ZodType);
      return (v) => (v === null ? v : inner(v));
    }
    case 'optional': {
      const innerType = def.innerType as Internals & z.ZodType;
      if (innerType._zod.optin === 'optional') {
        return byZod;
      }
      const inner = compile(innerType);
      return (v) => (v === undefined ? v : inner(v));
    }
    case 'array': {
      const element = compile(def.element as Internals & z.ZodType);
      return (v) => {
        if (!Array.isArray(v)) {
          return NOT_PARSED;
        }
        const out: unknown[] = new Array(v.length);
        for (let i = 0; i < v.length; i++) {
          const item = element(v[i]);
          if (item === NOT_PARSED) {
            return NOT_PARSED;
          }
          out[i] = item;
        }
        return out;
      };
    }
    case 'object':
      return objectParser(def, byZod);
    default:
      return byZod;
  }
}

function objectParser(def: Internals['_zod']['def'], byZod: Parse): Parse {
  const catchall = def.catchall?._zod.def.type;
  if (catchall !== undefined && catchall !== 'never') {
    return byZod;
  }
  const strict = catchall === 'never';
  const shape = def.shape ?? {};
  const keys = Object.keys(shape);
  const known = new Set(keys);
  const fields = keys.map((key) => compile(shape[key] as Internals & z.ZodType));
  return (v) => {
    if (typeof v !== 'object' || v === null || Array.isArray(v)) {
      return NOT_PARSED;
    }
    const input = v as Record<string, unknown>;
    const out: Record<string, unknown> = {};
    for (let i = 0; i < keys.length; i++) {
      const key = keys[i]!;
      const value = fields[i]!(input[key]);
      if (value === NOT_PARSED) {
        return NOT_PARSED;
      }
      // As zod does: a field that parses to undefined is set only when the input has the key.
      if (value !== undefined || key in input) {
        out[key] = value;
      }
    }
    if (strict) {
      for (const key of Object.keys(input)) {
        if (!known.has(key)) {
          return NOT_PARSED;
        }
      }
    }
    return out;
  };
}
