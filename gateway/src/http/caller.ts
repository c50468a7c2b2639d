/** Who called: set by authentication, read by routes. Kept beside the request, not on it. */
import type { Request } from 'express';
import type { WalletIdentity } from '../ledger/backend';
import type { Role } from 'customs-ledger-chaincode/domain';

export interface Caller {
  /** wallet label of the token's holder */
  label: string;
  role: Role;
  /** the wallet identity this caller acts through */
  identity: WalletIdentity;
}

const callers = new WeakMap<Request, Caller>();

export function setCaller(req: Request, caller: Caller): void {
  callers.set(req, caller);
}

export function callerOf(req: Request): Caller {
  const caller = callers.get(req);
  if (caller === undefined) {
    throw new Error('route reached without authentication: mount it behind requireRole');
  }
  return caller;
}
