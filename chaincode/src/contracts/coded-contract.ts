/**
 * The edge of every contract: a transaction function throws the domain's
 * LedgerRuleError as data, and here, where fabric-contract-api hands only
 * an error's message to the peer, the refusal is written in its wire form
 * (the canonical JSON of {code, message, details}) for a gateway to decode.
 */
import { Contract } from 'fabric-contract-api';
import { LedgerRuleError, encodeRuleError } from '../domain';

export abstract class CodedContract extends Contract {
  override async aroundTransaction(...args: Parameters<Contract['aroundTransaction']>): Promise<void> {
    try {
      return await super.aroundTransaction(...args);
    } catch (err) {
      throw err instanceof LedgerRuleError ? new Error(encodeRuleError(err), { cause: err }) : err;
    }
  }
}
