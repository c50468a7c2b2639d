/** Fresh salts for a declaration's field commitments: 32 random bytes per field. */
import { randomBytes } from 'node:crypto';
import { DECLARATION_FIELDS, type Salts } from 'customs-ledger-chaincode/domain';

export function randomSalts(): Salts {
  return Object.fromEntries(DECLARATION_FIELDS.map((f) => [f, randomBytes(32).toString('hex')])) as Salts;
}
