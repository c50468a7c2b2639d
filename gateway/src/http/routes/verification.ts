/** /verify: public checks of a declaration, or of single disclosed fields, against the ledger. No token. */
import type { Services } from '../../service/services';
import type { ApiRouter } from '../api-router';
import { parseInput } from '../input';
import { discloseBody, verifyBody } from '../schemas';

export function verificationRoutes(api: ApiRouter, { verification }: Services): void {
  api.post('/verify', 'public', async (req, res) => {
    const { declaration, salts } = parseInput(verifyBody, req.body as unknown);
    res.json(await verification.verify(declaration, salts));
  });

  api.post('/verify/fields', 'public', async (req, res) => {
    const { ucr, fields } = parseInput(discloseBody, req.body as unknown);
    res.json(await verification.disclose(ucr, fields));
  });
}
