/**
 * /verify and the other checks a trader makes without a token: each answers
 * only about the record whose UCR (or document) the caller names, never its
 * status and never another record. Inclusion proofs hold whole blocks, so
 * they need a token or the record's trader's signature.
 */
import { ROLES } from 'customs-ledger-chaincode/domain';
import type { Services } from '../../service/services';
import type { ApiRouter } from '../api-router';
import { parseInput } from '../input';
import { discloseBody, possessionBody, proofRequestBody, transactionParams, ucrParams, verifyBody } from '../schemas';

export function verificationRoutes(api: ApiRouter, { verification }: Services): void {
  api.post('/verify', 'public', async (req, res) => {
    const { declaration, salts } = parseInput(verifyBody, req.body as unknown);
    res.json(await verification.verify(declaration, salts));
  });

  api.get('/transactions/:txId', 'public', async (req, res) => {
    const { txId } = parseInput(transactionParams, req.params);
    res.json(await verification.transaction(txId));
  });

  api.get('/commitments/:ucr', ROLES, async (req, res) => {
    const { ucr } = parseInput(ucrParams, req.params);
    res.json(await verification.commitment(ucr));
  });

  api.post('/commitments/:ucr', 'public', async (req, res) => {
    const { ucr } = parseInput(ucrParams, req.params);
    res.json(await verification.commitmentFor(ucr, parseInput(possessionBody, req.body as unknown)));
  });

  // The proof holds the whole block, other records' public parts among it: a token holder's, or the record's trader's.
  api.get('/proofs/inclusion/:ucr', ROLES, async (req, res) => {
    const { ucr } = parseInput(ucrParams, req.params);
    res.json(await verification.inclusionProof(ucr));
  });

  api.post('/proofs/inclusion/:ucr', 'public', async (req, res) => {
    const { ucr } = parseInput(ucrParams, req.params);
    res.json(await verification.traderInclusionProof(ucr, parseInput(proofRequestBody, req.body as unknown)));
  });

  api.post('/verify/fields', 'public', async (req, res) => {
    const { ucr, fields } = parseInput(discloseBody, req.body as unknown);
    res.json(await verification.disclose(ucr, fields));
  });
}
