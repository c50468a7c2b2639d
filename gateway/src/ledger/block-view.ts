/**
 * Reading Fabric's common.Block bytes the way the LedgerBackend reports
 * them: header hashes and per-transaction facts, and the chaincode events of
 * valid transactions. Both Fabric backends and the embedded one decode the
 * same bytes with the same fabric-format code.
 */
import type { BlockInfo, ContractEvent } from './backend';
import { blockHeaderHash } from '../fabric-format/block';
import { readBlock, readEnvelope } from '../fabric-format/block-reader';

/**
 * A transaction's function as an auditor reads it: `chaincode`'s own
 * "contract:Function"; another chaincode's as "<chaincode>:<function>" (e.g.
 * "_lifecycle:ApproveChaincodeDefinitionForMyOrg"); "config" for a channel
 * configuration transaction.
 */
export function functionOf(tx: { chaincode: string; args: readonly string[] }, chaincode: string): string {
  if (tx.chaincode === chaincode) {
    return tx.args[0] ?? '';
  }
  return tx.chaincode === '' ? 'config' : `${tx.chaincode}:${tx.args[0] ?? ''}`;
}

/** A block's header hashes and per-transaction facts (see functionOf for `function`). */
export function blockInfoOf(bytes: Uint8Array, chaincode: string): BlockInfo {
  const block = readBlock(bytes);
  return {
    number: block.number,
    headerHash: blockHeaderHash(block.number, block.previousHash, block.dataHash).toString('hex'),
    previousHash: block.previousHash.toString('hex'),
    dataHash: block.dataHash.toString('hex'),
    transactions: block.envelopes.map((envelope, i) => {
      const tx = readEnvelope(envelope);
      return {
        transactionId: tx.transactionId,
        validationCode: block.validationCodes[i]!,
        creatorMspId: tx.creator.mspId,
        timestamp: tx.timestamp.toISOString(),
        function: functionOf(tx, chaincode),
      };
    }),
  };
}

/** The chaincode events of `chaincode` in a block's valid transactions, in block order. */
export function contractEventsOf(bytes: Uint8Array, chaincode: string): ContractEvent[] {
  const block = readBlock(bytes);
  const events: ContractEvent[] = [];
  block.envelopes.forEach((envelope, i) => {
    if (block.validationCodes[i] !== 'VALID') {
      return;
    }
    const tx = readEnvelope(envelope);
    if (tx.chaincode === chaincode && tx.event) {
      events.push({ blockNumber: block.number, transactionId: tx.transactionId, name: tx.event.name, payload: Buffer.from(tx.event.payload) });
    }
  });
  return events;
}
