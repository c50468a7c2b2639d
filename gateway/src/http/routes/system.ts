/** /healthz, /metrics and /openapi.json: unprefixed, without a token, outside the rate limit. */
import { Registry } from 'prom-client';
import { METRICS_TEXT, healthSchema, openApiSchema, unavailableSchema } from '../responses';
import { json, raw, route, type Route } from '../route';

export const systemRoutes: readonly Route[] = [
  route({
    method: 'get',
    path: '/healthz',
    access: 'public',
    tag: 'system',
    summary: "Whether the authority's ledger answers, and its block height",
    answers: {
      200: json('the ledger answers', healthSchema),
      503: json("the authority's ledger does not answer", unavailableSchema),
    },
  }).handle(async (_input, { services, logger, mspId }) => {
      try {
        return { status: 200, body: await services.health.check() };
      } catch (err) {
        logger.warn({ err }, 'health check failed');
        return { status: 503, body: { status: 'unavailable', mspId } };
      }
    }),
  route({
    method: 'get',
    path: '/metrics',
    access: 'public',
    tag: 'system',
    summary: 'Prometheus metrics',
    answers: { 200: raw('the metrics, in the Prometheus text format', Registry.PROMETHEUS_CONTENT_TYPE, METRICS_TEXT) },
  }).handle(async (_input, { metrics }) => ({ status: 200, body: await metrics.registry.metrics() })),
  route({
    method: 'get',
    path: '/openapi.json',
    access: 'public',
    tag: 'system',
    summary: 'This document',
    answers: { 200: json('the OpenAPI 3.1 document of this gateway', openApiSchema) },
  }).handle((_input, { openapi }) => Promise.resolve({ status: 200, body: openapi })),
];
