/**
 * The HTTP surface of a gateway, whole: the API under /api/v1 and the
 * operational routes at the root. Express registers exactly these routes
 * (server.ts) and the OpenAPI document describes exactly these (openapi.ts).
 */
import type { ErrorStatus, Route } from './route';
import { agreementRoutes } from './routes/agreements';
import { auditRoutes } from './routes/audit';
import { consignmentRoutes } from './routes/consignments';
import { systemRoutes } from './routes/system';
import { verificationRoutes } from './routes/verification';

export interface Mount {
  prefix: string;
  routes: readonly Route[];
  /** error statuses every route of the mount may answer */
  errors: readonly ErrorStatus[];
  /** whether JSON bodies are read here (then a POST may be refused 413 or 415) */
  bodies: boolean;
}

/** Rate limited, JSON bodies; any route may meet bad input and the ledger's failures. */
export const API_MOUNT: Mount = {
  prefix: '/api/v1',
  routes: [...agreementRoutes, ...consignmentRoutes, ...verificationRoutes, ...auditRoutes],
  errors: [400, 429, 500, 502, 503, 504],
  bodies: true,
};

/** Without a token and outside the rate limit. */
export const SYSTEM_MOUNT: Mount = { prefix: '', routes: systemRoutes, errors: [500], bodies: false };

export const MOUNTS: readonly Mount[] = [SYSTEM_MOUNT, API_MOUNT];
