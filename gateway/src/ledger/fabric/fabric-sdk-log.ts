/**
 * fabric-network 2.2 logs through fabric-common's winston logger, to stdout by
 * default, and logs every chaincode refusal there at error level with its
 * stack. Each of those failures reaches the gateway as a LedgerError that the
 * gateway answers and logs itself, so the SDK's lines go into the gateway's
 * pino log one level lower (error and warn as debug, the rest as trace),
 * under `component: "fabric-sdk"`: visible with LOG_LEVEL=debug or trace,
 * never printed to stdout.
 *
 * fabric-common takes its logger from `global.hfc.logger` when a module first
 * asks for one, at load time, so this module must be loaded before
 * fabric-network (and fabric-common) are.
 */
import { format } from 'node:util';
import type { Logger } from 'pino';

let target: Logger | undefined;

const at =
  (level: 'debug' | 'trace') =>
  (...args: unknown[]): void => {
    if (target?.isLevelEnabled(level)) {
      target[level](format(...args));
    }
  };

const holder = globalThis as { hfc?: { logger?: unknown } };
holder.hfc = { ...holder.hfc, logger: { debug: at('trace'), info: at('trace'), warn: at('debug'), error: at('debug') } };

/** Sends the SDK's log to this logger from now on (the last one given wins; none: dropped). */
export function routeSdkLog(logger: Logger | undefined): void {
  if (logger !== undefined) {
    target = logger.child({ component: 'fabric-sdk' });
  }
}
