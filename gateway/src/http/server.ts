/**
 * createServer: the Express app of one member authority's gateway. It does
 * not listen; `main` (or a test, through supertest) does. Every route is
 * under /api/v1 except /healthz, /metrics and /openapi.json.
 */
import { randomUUID } from 'node:crypto';
import express, { Router, type Express, type Request, type RequestHandler, type Response } from 'express';
import { rateLimit } from 'express-rate-limit';
import helmet from 'helmet';
import type { Logger } from 'pino';
import { LedgerRuleError, parseJsonBytes } from 'customs-ledger-chaincode/domain';
import { pinoHttp } from 'pino-http';
import type { LedgerBackend, WalletIdentity } from '../ledger/backend';
import type { EventCollection } from '../service/audit-service';
import type { LedgerClientOptions } from '../service/ledger-client';
import { createServices } from '../service/services';
import type { TokenStore } from '../identity/token-store';
import { Authenticator, type Wallet } from './auth';
import { errorHandler, notFound } from './error-handler';
import { HttpError } from './http-error';
import { GatewayMetrics } from './metrics';
import { API_PREFIX, openApiDocument } from './openapi';
import { openApiSchema } from './responses';
import type { RouteContext } from './route';
import { registerRoutes } from './route-registry';
import { API_MOUNT, SYSTEM_MOUNT, type Mount } from './route-table';

export interface RateLimit {
  windowMs: number;
  /** requests per client address per window */
  limit: number;
}

export interface ServerLimits {
  /** largest accepted JSON body, in bytes (default 256 KiB) */
  bodyBytes?: number;
  /** false turns rate limiting off (default: 600 requests a minute per address) */
  rateLimit?: RateLimit | false;
  ledger?: Partial<LedgerClientOptions>;
  events?: EventCollection;
}

export interface ServerDeps {
  backend: LedgerBackend;
  wallet: { officer: WalletIdentity; admin: WalletIdentity; auditor: WalletIdentity };
  tokens: TokenStore;
  logger: Logger;
  limits?: ServerLimits;
}

export const DEFAULT_BODY_BYTES = 256 * 1024;
export const DEFAULT_RATE_LIMIT: RateLimit = { windowMs: 60_000, limit: 600 };

export function createServer(deps: ServerDeps): Express {
  const wallet: Wallet = deps.wallet;
  for (const [role, identity] of Object.entries(wallet)) {
    if (identity.mspId !== deps.backend.mspId) {
      throw new Error(`the ${role} identity ${identity.label} belongs to ${identity.mspId}, not to this gateway's ${deps.backend.mspId}`);
    }
  }
  const limits = deps.limits ?? {};
  const metrics = new GatewayMetrics(deps.backend.mspId, () => deps.backend.blockHeight());
  const services = createServices(deps.backend, wallet.auditor, metrics, {
    ...(limits.ledger ? { ledger: limits.ledger } : {}),
    ...(limits.events ? { events: limits.events } : {}),
  });
  const openapi = openApiSchema.parse(openApiDocument(deps.backend.mspId));

  const app = express();
  app.set('case sensitive routing', true);
  app.set('strict routing', true);
  app.set('trust proxy', false);
  app.set('query parser', 'simple');
  app.disable('x-powered-by');

  app.use(securityHeaders());
  app.use(requestLog(deps.logger));
  app.use(metrics.middleware());

  const auth = new Authenticator(deps.tokens, wallet);
  const context: RouteContext = { services, mspId: deps.backend.mspId, logger: deps.logger, metrics, openapi };
  app.use(mountRouter(SYSTEM_MOUNT, auth, context));

  const rate = limits.rateLimit ?? DEFAULT_RATE_LIMIT;
  if (rate !== false) {
    app.use(API_PREFIX, rateLimiter(rate));
  }
  app.use(API_PREFIX, jsonBody(limits.bodyBytes ?? DEFAULT_BODY_BYTES));
  app.use(API_PREFIX, mountRouter(API_MOUNT, auth, context));
  app.use(notFound());
  app.use(errorHandler(deps.logger));
  return app;
}

/** The routes of one mount on a router of their own (case-sensitive, strict about trailing slashes). */
function mountRouter(mount: Mount, auth: Authenticator, context: RouteContext): Router {
  const router = Router({ caseSensitive: true, strict: true, mergeParams: false });
  registerRoutes(router, mount.prefix, mount.routes, auth, context);
  return router;
}

function requestLog(logger: Logger): RequestHandler {
  return pinoHttp({
    logger,
    genReqId: (_req, res) => {
      const id = randomUUID();
      res.setHeader('X-Request-Id', id);
      return id;
    },
    // Never the headers: they carry bearer tokens.
    serializers: {
      req: (req: { id: unknown; method: unknown; url: unknown }) => ({ id: req.id, method: req.method, url: req.url }),
      res: (res: { statusCode: unknown }) => ({ statusCode: res.statusCode }),
    },
    customLogLevel: (_req, res, err) => (err !== undefined || res.statusCode >= 500 ? 'error' : res.statusCode >= 400 ? 'warn' : 'info'),
  });
}

function rateLimiter(rate: RateLimit): RequestHandler {
  return rateLimit({
    windowMs: rate.windowMs,
    limit: rate.limit,
    standardHeaders: 'draft-8',
    legacyHeaders: false,
    handler: (_req, _res, next) => {
      next(new HttpError(429, 'RATE_LIMITED', `more than ${rate.limit} requests in ${rate.windowMs / 1000} s; slow down`));
    },
  });
}

/**
 * helmet's headers, set in one step. With this configuration helmet() sets
 * the same headers on every response, through eleven middlewares that
 * rebuild them each time (the Content-Security-Policy value among them).
 * They are taken from helmet itself when the app is built, so helmet stays
 * what decides them; a configuration that made them depend on the request
 * (a CSP nonce, say) would need helmet() back in the chain.
 */
function securityHeaders(): RequestHandler {
  const set: [string, string][] = [];
  const removed: string[] = [];
  let done = false;
  const recorder = {
    setHeader: (name: string, value: string | number | readonly string[]) => void set.push([name, String(value)]),
    removeHeader: (name: string) => void removed.push(name),
  };
  let failure: unknown;
  helmet()({} as Request, recorder as unknown as Response, (err?: unknown) => {
    failure = err;
    done = true;
  });
  if (!done || failure !== undefined || set.length === 0) {
    throw new Error('helmet did not set its headers at once; put helmet() back in the middleware chain', { cause: failure });
  }
  return (_req, res, next) => {
    for (const [name, value] of set) {
      res.setHeader(name, value);
    }
    for (const name of removed) {
      res.removeHeader(name);
    }
    next();
  };
}

/**
 * Parses a JSON body. A request that carries one must say it is JSON, in
 * UTF-8 (RFC 8259 §8.1); one that cannot carry one (no Content-Length, no
 * Transfer-Encoding: every GET here) is passed on untouched, as the body
 * parser itself would.
 */
function jsonBody(limit: number): RequestHandler {
  const read = express.raw({ limit, type: 'application/json' });
  // I-JSON, not JSON.parse alone: duplicate member names, invalid UTF-8, lone surrogates and inexact numbers are refused, named
  const parse: RequestHandler = (req, res, next) =>
    read(req, res, (err?: unknown) => {
      if (err !== undefined) {
        next(err);
        return;
      }
      if (Buffer.isBuffer(req.body)) {
        try {
          req.body = req.body.length === 0 ? {} : parseJsonBytes(req.body, '');
        } catch (refused) {
          if (refused instanceof LedgerRuleError) {
            const field = typeof refused.details.field === 'string' ? refused.details.field : 'body';
            next(new HttpError(400, 'INVALID_JSON', refused.message, field));
            return;
          }
          next(refused);
          return;
        }
      }
      next();
    });
  return (req, res, next) => {
    const mayHaveBody = req.headers['transfer-encoding'] !== undefined || !Number.isNaN(Number(req.headers['content-length']));
    if (!mayHaveBody) {
      next();
      return;
    }
    const hasBody = req.headers['transfer-encoding'] !== undefined || Number(req.headers['content-length'] ?? '0') > 0;
    if (hasBody) {
      if (req.is('application/json') === false) {
        throw new HttpError(415, 'UNSUPPORTED_MEDIA_TYPE', 'body: must be application/json', 'body');
      }
      const charset = /;\s*charset\s*=\s*"?([^";\s]+)/i.exec(req.headers['content-type'] ?? '')?.[1];
      if (charset !== undefined && charset.toLowerCase() !== 'utf-8') {
        throw new HttpError(415, 'UNSUPPORTED_MEDIA_TYPE', `body: must be UTF-8, not ${charset.slice(0, 40)}`, 'body');
      }
    }
    parse(req, res, next);
  };
}
