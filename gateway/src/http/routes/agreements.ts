/** /agreements: propose, accept, suspend, resume, terminate (admins); list, get, activity (any role). */
import { ROLES, parseAgreementProposal } from 'customs-ledger-chaincode/domain';
import type { Services } from '../../service/services';
import type { AgreementAction } from '../../service/agreement-service';
import type { ApiRouter } from '../api-router';
import { callerOf } from '../caller';
import { parseInput } from '../input';
import { agreementListQuery, agreementParams, agreementProposalBody, emptyBody, reasonBody } from '../schemas';

const ANY = ROLES;
const ADMIN = ['admin'] as const;

export function agreementRoutes(api: ApiRouter, { agreements }: Services): void {
  api.post('/agreements', ADMIN, async (req, res) => {
    const proposal = parseAgreementProposal(parseInput(agreementProposalBody, req.body as unknown));
    res.status(201).json(await agreements.propose(callerOf(req).identity, proposal));
  });

  api.get('/agreements', ANY, async (req, res) => {
    const filter = parseInput(agreementListQuery, { ...req.query });
    res.json(await agreements.list(callerOf(req).identity, filter));
  });

  api.get('/agreements/:id', ANY, async (req, res) => {
    const { id } = parseInput(agreementParams, req.params);
    res.json(await agreements.get(callerOf(req).identity, id));
  });

  api.get('/agreements/:id/activity', ANY, async (req, res) => {
    const { id } = parseInput(agreementParams, req.params);
    res.json(await agreements.activity(callerOf(req).identity, id));
  });

  api.post('/agreements/:id/accept', ADMIN, async (req, res) => {
    const { id } = parseInput(agreementParams, req.params);
    parseInput(emptyBody, req.body as unknown);
    res.json(await agreements.accept(callerOf(req).identity, id));
  });

  for (const action of ['suspend', 'resume', 'terminate'] as const satisfies readonly AgreementAction[]) {
    api.post(`/agreements/:id/${action}`, ADMIN, async (req, res) => {
      const { id } = parseInput(agreementParams, req.params);
      const { reason } = parseInput(reasonBody, req.body as unknown);
      res.json(await agreements.change(callerOf(req).identity, id, action, reason));
    });
  }
}
