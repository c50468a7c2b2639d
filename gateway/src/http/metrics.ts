/**
 * Prometheus metrics of one gateway, in a Registry of its own (several
 * gateways may share a process): HTTP requests by method, route and status,
 * their latency, ledger transactions by outcome and validation code, and
 * the block height of the authority's peer.
 */
import type { Request, RequestHandler } from 'express';
import { Counter, Gauge, Histogram, Registry } from 'prom-client';
import type { LedgerObserver, TransactionObservation } from '../service/ledger-client';

const routes = new WeakMap<Request, string>();

/** Marks the request with its route pattern, the label metrics use (never the raw URL). */
export function routeLabel(pattern: string): RequestHandler {
  return (req, _res, next) => {
    routes.set(req, pattern);
    next();
  };
}

export class GatewayMetrics implements LedgerObserver {
  readonly registry = new Registry();
  private readonly requests: Counter<'method' | 'route' | 'status'>;
  private readonly latency: Histogram<'method' | 'route' | 'status'>;
  private readonly transactions: Counter<'fn' | 'outcome' | 'validation_code'>;

  constructor(mspId: string, readHeight: () => Promise<number>) {
    this.registry.setDefaultLabels({ msp: mspId });
    const registers = [this.registry];
    this.requests = new Counter({
      name: 'gateway_http_requests_total',
      help: 'HTTP requests answered, by method, route pattern and status',
      labelNames: ['method', 'route', 'status'],
      registers,
    });
    this.latency = new Histogram({
      name: 'gateway_http_request_duration_seconds',
      help: 'Time to answer an HTTP request',
      labelNames: ['method', 'route', 'status'],
      buckets: [0.005, 0.01, 0.025, 0.05, 0.1, 0.25, 0.5, 1, 2.5, 5, 10],
      registers,
    });
    this.transactions = new Counter({
      name: 'gateway_ledger_transactions_total',
      help: 'Ledger submit attempts, by transaction function, outcome and validation code',
      labelNames: ['fn', 'outcome', 'validation_code'],
      registers,
    });
    new Gauge({
      name: 'gateway_ledger_block_height',
      help: "Number of blocks on the authority's peer",
      registers,
      async collect() {
        try {
          this.set(await readHeight());
        } catch {
          // an unreachable peer is reported by /healthz; the gauge keeps its last value
        }
      },
    });
  }

  /** Times every request and counts it when its response is finished. */
  middleware(): RequestHandler {
    return (req, res, next) => {
      const stop = this.latency.startTimer();
      res.on('finish', () => {
        const labels = { method: req.method, route: routes.get(req) ?? 'unmatched', status: String(res.statusCode) };
        stop(labels);
        this.requests.inc(labels);
      });
      next();
    };
  }

  transaction(observation: TransactionObservation): void {
    this.transactions.inc({ fn: observation.fn, outcome: observation.outcome, validation_code: observation.validationCode });
  }
}
