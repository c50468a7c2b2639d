/** /verify: public checks of a declaration, or of single disclosed fields, against the ledger. No token. */
import type { Services } from '../../service/services';
import type { ApiRouter } from '../api-router';
import { parseInput } from '../input';
import { discloseBody, transactionParams, ucrParams, verifyBody } from '../schemas';

export function verificationRoutes(api: ApiRouter, { verification }: Services): void {
  api.post('/verify', 'public', async (req, res) => {
    const { declaration, salts } = parseInput(verifyBody, req.body as unknown);
    res.json(await verification.verify(declaration, salts));
  });

  api.get('/transactions/:txId', 'public', async (req, res) => {
    const { txId } = parseInput(transactionParams, req.params);
    res.json(await verification.transaction(txId));
  });

  api.get('/commitments/:ucr', 'public', async (req, res) => {
    const { ucr } = parseInput(ucrParams, req.params);
    res.json(await verification.commitment(ucr));
  });

  api.get('/proofs/inclusion/:ucr', 'public', async (req, res) => {
    const { ucr } = parseInput(ucrParams, req.params);
    res.json(await verification.inclusionProof(ucr));
  });

  api.post('/verify/fields', 'public', async (req, res) => {
    const { ucr, fields } = parseInput(discloseBody, req.body as unknown);
    res.json(await verification.disclose(ucr, fields));
  });
}
