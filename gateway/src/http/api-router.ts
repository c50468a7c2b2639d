/**
 * Registers routes on the /api/v1 router, each with its metrics label and,
 * unless public, its allowed roles: one place decides who may use what.
 */
import { Router, type Request, type Response } from 'express';
import type { Role } from '../service/roles';
import type { Authenticator } from './auth';
import { routeLabel } from './metrics';

export type Handler = (req: Request, res: Response) => Promise<void> | void;
export type Access = readonly Role[] | 'public';

export class ApiRouter {
  readonly router = Router({ caseSensitive: true, strict: true, mergeParams: false });

  constructor(
    readonly mountPath: string,
    private readonly auth: Authenticator,
  ) {}

  get(path: string, access: Access, handler: Handler): void {
    this.router.get(path, routeLabel(`${this.mountPath}${path}`), ...this.guard(access), handler);
  }

  post(path: string, access: Access, handler: Handler): void {
    this.router.post(path, routeLabel(`${this.mountPath}${path}`), ...this.guard(access), handler);
  }

  private guard(access: Access) {
    return access === 'public' ? [] : [this.auth.require(...access)];
  }
}
