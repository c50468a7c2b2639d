/**
 * Finding the chaincode's own refusal in what a Fabric client library
 * throws: fabric-network 2.2 puts the peers' responses in `responses` /
 * `errors` and their text in the message; fabric-gateway puts each peer's
 * message in `details`. The chaincode's message is the canonical JSON of a
 * coded rule error, so decodeRuleError finds it wherever it is wrapped.
 */
import { LedgerError, ledgerError } from '../backend';
import { decodeRuleError } from 'customs-ledger-chaincode/domain';

function texts(err: unknown, depth = 0): string[] {
  if (depth > 4 || err === null || typeof err !== 'object') {
    return typeof err === 'string' ? [err] : [];
  }
  const e = err as Record<string, unknown>;
  const out: string[] = [];
  if (typeof e.message === 'string') {
    out.push(e.message);
  }
  const response = e.response as Record<string, unknown> | undefined;
  if (response && typeof response.message === 'string') {
    out.push(response.message);
  }
  for (const listName of ['responses', 'errors', 'details']) {
    const list = e[listName];
    if (Array.isArray(list)) {
      for (const item of list) {
        out.push(...texts(item, depth + 1));
      }
    }
  }
  if (e.cause !== undefined) {
    out.push(...texts(e.cause, depth + 1));
  }
  return out;
}

/** The chaincode's message in a client error: a coded refusal if there is one, else a "chaincode response" text, else undefined. */
export function chaincodeMessageOf(err: unknown): string | undefined {
  const all = texts(err);
  const coded = all.find((t) => decodeRuleError(t) !== undefined);
  if (coded !== undefined) {
    // keep only the coded JSON and what Fabric put around it on the same peer
    return coded;
  }
  const match = all.map((t) => /chaincode response (\d+), (.*)$/s.exec(t)).find((m) => m !== null && Number(m[1]) >= 400);
  return match ? match[2] : undefined;
}

export function messageOf(err: unknown): string {
  return err instanceof Error ? err.message : String(err);
}

/**
 * A client failure at endorsement or evaluation as a LedgerError: a chaincode
 * refusal carries its coded message, anything else names the peer.
 */
export function refusalError(stage: 'endorse' | 'evaluate', err: unknown, transactionId: string | undefined, mspId: string): LedgerError {
  if (err instanceof LedgerError) {
    return err;
  }
  const chaincodeMessage = chaincodeMessageOf(err);
  if (chaincodeMessage !== undefined) {
    const refused = ledgerError(stage, chaincodeMessage, transactionId, { chaincodeMessage, cause: err });
    return refused.refusal === undefined ? refused : ledgerError(stage, refused.refusal.message, transactionId, refused.details);
  }
  return ledgerError(stage, `peer of ${mspId} failed: ${messageOf(err)}`, transactionId, { cause: err });
}
