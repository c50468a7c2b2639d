/**
 * /consignments: lodge, status, share, access requests and purges (officers);
 * get, shares, history and indexed lists (any role; only officers and admins
 * see private fields).
 */
import type { z } from 'zod';
import { LedgerRuleError, ROLES } from 'customs-ledger-chaincode/domain';
import type { Services } from '../../service/services';
import type { ApiRouter } from '../api-router';
import { callerOf } from '../caller';
import { parseInput } from '../input';
import { accessBody, emptyBody, listQuery, lodgeBody, shareBody, shareParams, signedFileBody, statusBody, ucrParams } from '../schemas';

const ANY = ROLES;
const OFFICER = ['officer'] as const;

export function consignmentRoutes(api: ApiRouter, { consignments, lodgements, sharing }: Services): void {
  api.post('/consignments', OFFICER, async (req, res) => {
    const { identity } = callerOf(req);
    const body = req.body as unknown;
    const input = typeof body === 'object' && body !== null && 'signature' in body ? fromSignedFile(parseInput(signedFileBody, body), identity.mspId) : parseInput(lodgeBody, body);
    const lodged = await lodgements.lodge(identity, input);
    res.status(lodged.created ? 201 : 200).json(lodged);
  });

  api.get('/consignments', ANY, async (req, res) => {
    const query = parseInput(listQuery, { ...req.query });
    const page = await consignments.list(callerOf(req).identity, query);
    res.json({
      records: page.records,
      count: page.count,
      bookmark: Buffer.from(page.bookmark, 'utf8').toString('base64url'),
      skipped: page.skipped,
    });
  });

  api.get('/consignments/:ucr', ANY, async (req, res) => {
    const { ucr } = parseInput(ucrParams, req.params);
    res.json(await consignments.get(callerOf(req).identity, ucr));
  });

  api.post('/consignments/:ucr/status', OFFICER, async (req, res) => {
    const { ucr } = parseInput(ucrParams, req.params);
    const { status, reason } = parseInput(statusBody, req.body as unknown);
    res.json(await consignments.updateStatus(callerOf(req).identity, ucr, status, reason));
  });

  api.get('/consignments/:ucr/history', ANY, async (req, res) => {
    const { ucr } = parseInput(ucrParams, req.params);
    const { entries, skipped } = await consignments.history(callerOf(req).identity, ucr);
    res.json({ history: entries, skipped });
  });

  api.post('/consignments/:ucr/shares', OFFICER, async (req, res) => {
    const { ucr } = parseInput(ucrParams, req.params);
    const input = parseInput(shareBody, req.body as unknown);
    res.status(201).json(await sharing.share(callerOf(req).identity, ucr, input));
  });

  api.get('/consignments/:ucr/shares', ANY, async (req, res) => {
    const { ucr } = parseInput(ucrParams, req.params);
    res.json(await sharing.shares(callerOf(req).identity, ucr));
  });

  api.post('/consignments/:ucr/shares/:shareId/purge', OFFICER, async (req, res) => {
    const { ucr, shareId } = parseInput(shareParams, req.params);
    parseInput(emptyBody, req.body as unknown);
    res.json(await sharing.purge(callerOf(req).identity, ucr, shareId));
  });

  api.post('/consignments/:ucr/access-requests', OFFICER, async (req, res) => {
    const { ucr } = parseInput(ucrParams, req.params);
    const { purpose } = parseInput(accessBody, req.body as unknown);
    res.status(201).json(await sharing.requestAccess(callerOf(req).identity, ucr, purpose));
  });
}

/** A signed file as the lodgement it is; signed for another authority, it is refused here, naming it. */
function fromSignedFile(file: z.output<typeof signedFileBody>, mspId: string): z.output<typeof lodgeBody> {
  if (file.authority !== mspId) {
    throw new LedgerRuleError('INVALID_ARGUMENT', `authority: the trader signed this for ${file.authority}; lodge it at that authority's gateway, not ${mspId}'s`, { field: 'authority' });
  }
  return { declaration: file.declaration, salts: file.salts, trader: { address: file.trader, signature: file.signature } };
}
