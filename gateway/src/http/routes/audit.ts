/** /audit: blocks and chaincode events, for the authority's auditor. */
import type { Services } from '../../service/services';
import type { ApiRouter } from '../api-router';
import { parseInput } from '../input';
import { blockParams, blocksQuery, eventsQuery } from '../schemas';

const AUDITOR = ['auditor'] as const;

export function auditRoutes(api: ApiRouter, { audit }: Services): void {
  api.get('/audit/blocks', AUDITOR, async (req, res) => {
    const { from, to } = parseInput(blocksQuery, { ...req.query });
    res.json(await audit.blocks(from, to));
  });

  api.get('/audit/blocks/:n', AUDITOR, async (req, res) => {
    const { n } = parseInput(blockParams, req.params);
    res.json(await audit.block(n));
  });

  api.get('/audit/raw-blocks', AUDITOR, async (_req, res) => {
    res.json({ height: await audit.height() });
  });

  api.get('/audit/raw-blocks/:n', AUDITOR, async (req, res) => {
    const { n } = parseInput(blockParams, req.params);
    res.type('application/octet-stream').send(Buffer.from(await audit.rawBlock(n)));
  });

  api.get('/audit/events', AUDITOR, async (req, res) => {
    const { fromBlock, limit } = parseInput(eventsQuery, { ...req.query });
    res.json(await audit.events(fromBlock, limit));
  });
}
