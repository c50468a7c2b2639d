/**
 * fabric-network 2.2 logs through fabric-common's winston logger, to stdout by
 * default, and logs every chaincode refusal there at error level with its
 * stack. Each of those failures reaches the gateway as a LedgerError that the
 * gateway answers and logs itself, so the SDK's lines are routed into the
 * gateway's pino log one level lower (error and warn as debug, the rest as
 * trace), under `component: "fabric-sdk"`: visible with LOG_LEVEL=debug, never
 * printed to stdout.
 */
import { format } from 'node:util';
import type { Logger } from 'pino';
import { Utils } from 'fabric-common';

let routed: Logger | null | undefined;

export function routeSdkLog(logger: Logger | undefined): void {
  const target = logger?.child({ component: 'fabric-sdk' }) ?? null;
  if (routed !== undefined && (routed === target || target === null)) {
    return;
  }
  routed = target;
  const at = (level: 'debug' | 'trace') => (...args: unknown[]) => {
    if (target?.isLevelEnabled(level)) {
      target[level](format(...args));
    }
  };
  (Utils as unknown as { setLogger(logger: Record<'debug' | 'info' | 'warn' | 'error', (...args: unknown[]) => void>): void }).setLogger({
    debug: at('trace'),
    info: at('trace'),
    warn: at('debug'),
    error: at('debug'),
  });
}
