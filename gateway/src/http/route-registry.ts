/**
 * Registers table routes with an Express router: each with its metrics label
 * and, unless public, its role guard; then its path parameters, query and
 * body parsed with the route's own schemas, its handler called, and the
 * answer sent with the media type the route declares for that status. A path
 * of the table asked with a method it does not serve is a 405 whose Allow
 * header names the methods it does.
 */
import type { RequestHandler, Response, Router } from 'express';
import type { Authenticator } from './auth';
import { callerOf } from './caller';
import { HttpError } from './http-error';
import { parseBody, parseInput } from './input';
import { routeLabel } from './metrics';
import type { Route, RouteContext } from './route';

export function registerRoutes(router: Router, prefix: string, routes: readonly Route[], auth: Authenticator, context: RouteContext): void {
  for (const route of routes) {
    const guard = route.access === 'public' ? [] : [auth.require(...route.access)];
    router[route.method](route.path, routeLabel(`${prefix}${route.path}`), ...guard, async (req, res) => {
      const params = route.params ? parseInput(route.params, req.params) : undefined;
      const query = route.query ? parseInput(route.query, { ...req.query }) : undefined;
      const body = route.body ? parseBody(route.body, req.body as unknown) : undefined;
      send(res, route, await route.handle({ params, query, body, caller: () => callerOf(req) }, context));
    });
  }
  for (const [path, allow] of allowedMethods(routes)) {
    router.all(path, expressAnswersOptions, routeLabel(`${prefix}${path}`), (req, res) => {
      res.set('Allow', allow);
      throw new HttpError(405, 'METHOD_NOT_ALLOWED', `${req.method} is not a method of ${prefix}${path}; it allows ${allow}`);
    });
  }
}

/** Each path of the table and the methods it serves, written as Express writes them for OPTIONS (HEAD with GET, sorted). */
export function allowedMethods(routes: readonly Route[]): Map<string, string> {
  const methods = new Map<string, Set<string>>();
  for (const route of routes) {
    const set = methods.get(route.path) ?? new Set<string>();
    set.add(route.method.toUpperCase());
    if (route.method === 'get') {
      set.add('HEAD');
    }
    methods.set(route.path, set);
  }
  return new Map([...methods].map(([path, set]) => [path, [...set].sort().join(', ')]));
}

/** OPTIONS is left to Express, which answers it with the same Allow list. */
const expressAnswersOptions: RequestHandler = (req, _res, next) => {
  next(req.method === 'OPTIONS' ? 'route' : undefined);
};

function send(res: Response, route: Route, reply: { status: number; body: unknown }): void {
  const answer = route.answers[reply.status];
  if (answer === undefined) {
    throw new Error(`${route.method.toUpperCase()} ${route.path} answered ${reply.status}, which its route does not declare`);
  }
  if (answer.content.mediaType === 'application/json') {
    res.status(reply.status).json(reply.body);
  } else {
    res.status(reply.status).type(answer.content.mediaType).send(reply.body);
  }
}
