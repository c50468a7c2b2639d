/**
 * Maps every error to a JSON answer {error: {code, message, field?, details?}}.
 * Domain and service errors are mapped by their stable code; errors of the
 * HTTP machinery (bad JSON, oversized body, undecodable path) keep their 4xx
 * status; anything else is a 500 that is logged and not described.
 */
import type { ErrorRequestHandler, RequestHandler, Response } from 'express';
import type { Logger } from 'pino';
import { LedgerRuleError, type ErrorDetails } from 'customs-ledger-chaincode/domain';
import { GatewayError } from '../service/errors';
import { GATEWAY_ERROR_STATUS, statusOfRuleError } from './error-status';
import { HttpError } from './http-error';

export interface ErrorBody {
  error: {
    code: string;
    message: string;
    field?: string;
    details?: Record<string, unknown>;
  };
}

/** Codes for the errors body-parser raises, by their `type`. */
const BODY_ERROR_CODES: Record<string, string> = {
  'entity.parse.failed': 'INVALID_JSON',
  'entity.too.large': 'PAYLOAD_TOO_LARGE',
  'encoding.unsupported': 'UNSUPPORTED_MEDIA_TYPE',
  'charset.unsupported': 'UNSUPPORTED_MEDIA_TYPE',
  'request.size.invalid': 'BAD_REQUEST',
  'request.aborted': 'BAD_REQUEST',
};

export function notFound(): RequestHandler {
  return (req) => {
    throw new HttpError(404, 'NOT_FOUND', `no route ${req.method} ${req.path}`);
  };
}

export function errorHandler(logger: Logger): ErrorRequestHandler {
  return (err: unknown, req, res, next) => {
    if (res.headersSent) {
      next(err);
      return;
    }
    const { status, body } = describe(err);
    if (status >= 500) {
      logger.error({ err, method: req.method, url: req.originalUrl }, 'request failed');
    }
    if (status === 401) {
      res.set('WWW-Authenticate', 'Bearer realm="customs-ledger"');
    }
    if (err instanceof GatewayError && (err.code === 'LEDGER_BUSY' || err.code === 'LEDGER_UNAVAILABLE')) {
      res.set('Retry-After', err.code === 'LEDGER_BUSY' ? '1' : '2');
    }
    send(res, status, body);
  };
}

function send(res: Response, status: number, body: ErrorBody): void {
  res.status(status).type('application/json').json(body);
}

function describe(err: unknown): { status: number; body: ErrorBody } {
  if (err instanceof LedgerRuleError) {
    return { status: statusOfRuleError(err.code), body: coded(err.code, err.message, err.details) };
  }
  if (err instanceof GatewayError) {
    return { status: GATEWAY_ERROR_STATUS[err.code], body: coded(err.code, err.message, err.details) };
  }
  if (err instanceof HttpError) {
    return {
      status: err.status,
      body: { error: { code: err.code, message: err.message, ...(err.field === undefined ? {} : { field: err.field }) } },
    };
  }
  const client = clientErrorOf(err);
  if (client) {
    return client;
  }
  return { status: 500, body: { error: { code: 'INTERNAL', message: 'the gateway failed to handle this request' } } };
}

function coded(code: string, message: string, details: ErrorDetails | Record<string, unknown>): ErrorBody {
  const { field, ...rest } = details;
  return {
    error: {
      code,
      message,
      ...(typeof field === 'string' ? { field } : {}),
      ...(Object.keys(rest).length > 0 ? { details: rest } : {}),
    },
  };
}

/** body-parser and router errors: http-errors with a 4xx status that may be shown. */
function clientErrorOf(err: unknown): { status: number; body: ErrorBody } | undefined {
  if (typeof err !== 'object' || err === null) {
    return undefined;
  }
  const e = err as { status?: unknown; expose?: unknown; type?: unknown; message?: unknown };
  if (typeof e.status !== 'number' || e.status < 400 || e.status > 499) {
    return undefined;
  }
  const type = typeof e.type === 'string' ? e.type : '';
  const code = BODY_ERROR_CODES[type] ?? (e.status === 413 ? 'PAYLOAD_TOO_LARGE' : 'BAD_REQUEST');
  const message =
    code === 'INVALID_JSON'
      ? 'body: is not valid JSON'
      : code === 'PAYLOAD_TOO_LARGE'
        ? 'body: is larger than this gateway accepts'
        : e.expose === true && typeof e.message === 'string'
          ? e.message
          : 'the request is malformed';
  return { status: e.status, body: { error: { code, message, ...(code === 'BAD_REQUEST' ? {} : { field: 'body' }) } } };
}
