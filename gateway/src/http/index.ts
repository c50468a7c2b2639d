/** The HTTP gateway of one member authority: createServer builds the Express app (it does not listen). */
export { createServer, DEFAULT_BODY_BYTES, DEFAULT_RATE_LIMIT, type RateLimit, type ServerDeps, type ServerLimits } from './server';
export { createHttpServer } from './http-server';
export { API_PREFIX, openApiDocument } from './openapi';
export type { ErrorBody } from './error-handler';
export { FileTokenStore, type IssuedToken, type TokenHolder, type TokenStore } from '../service/token-store';
export { ROLES, type Role } from '../service/roles';
