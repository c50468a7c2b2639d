/**
 * Bearer-token authentication and role checks. A token maps to a holder
 * (wallet label and role); the gateway then acts through its own
 * authority's wallet identity of that role, never through anyone else's.
 */
import type { Request, RequestHandler } from 'express';
import type { WalletIdentity } from '../ledger/backend';
import type { Role } from 'customs-ledger-chaincode/domain';
import type { TokenStore } from '../identity/token-store';
import { setCaller } from './caller';
import { HttpError } from './http-error';

export type Wallet = Record<Role, WalletIdentity>;

const BEARER = /^Bearer ([^\s]{1,512})$/i;

export class Authenticator {
  constructor(
    private readonly tokens: TokenStore,
    private readonly wallet: Wallet,
  ) {}

  /** 401 without a valid token, 403 when the token's role is not one of `roles`. */
  require(...roles: Role[]): RequestHandler {
    return (req, _res, next) => {
      const holder = this.holderOf(req);
      if (!roles.includes(holder.role)) {
        throw new HttpError(403, 'FORBIDDEN_ROLE', `this needs the role ${roles.join(' or ')}; the token is for ${holder.role}`);
      }
      setCaller(req, { label: holder.label, role: holder.role, identity: this.wallet[holder.role] });
      next();
    };
  }

  private holderOf(req: Request): { label: string; role: Role } {
    const header = req.get('authorization');
    if (header === undefined) {
      throw new HttpError(401, 'UNAUTHENTICATED', 'a bearer token is required (Authorization: Bearer <token>)');
    }
    const token = BEARER.exec(header)?.[1];
    const holder = token === undefined ? undefined : this.tokens.authenticate(token);
    if (holder === undefined) {
      throw new HttpError(401, 'UNAUTHENTICATED', 'the bearer token is not valid for this gateway');
    }
    return holder;
  }
}
