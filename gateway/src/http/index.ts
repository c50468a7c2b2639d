/** The HTTP gateway of one member authority: createServer builds the Express app (it does not listen). */
export { createServer, DEFAULT_BODY_BYTES, DEFAULT_RATE_LIMIT, type RateLimit, type ServerDeps, type ServerLimits } from './server';
export { createHttpServer } from './http-server';
export { API_PREFIX, openApiDocument } from './openapi';
export type { ErrorBody } from './error-handler';
export { ROLES, type Role } from 'customs-ledger-chaincode/domain';
