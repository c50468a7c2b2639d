/**
 * Work every peer of the embedded network would repeat on the same bytes:
 * decoding a delivered block and verifying a signature. Both are pure
 * functions of their input, so the peers of one process share the results;
 * each peer still makes every decision (policies, versions, codes) itself.
 */
import { createHash } from 'node:crypto';
import type { DecodedBlock } from '../fabric-format/block';
import { readBlock, readEnvelope } from '../fabric-format/block-reader';
import type { DecodedTransaction } from '../fabric-format/transaction';
import { verifySignature } from '../fabric-format/signing';

const VERIFY_MEMO_LIMIT = 50_000;

export class SharedWork {
  private readonly blocks = new WeakMap<Uint8Array, { block: DecodedBlock; transactions: (DecodedTransaction | undefined)[] }>();
  private readonly verified = new Map<string, boolean>();

  decode(blockBytes: Uint8Array): { block: DecodedBlock; transactions: (DecodedTransaction | undefined)[] } {
    let found = this.blocks.get(blockBytes);
    if (!found) {
      // The wire reader the auditor uses: the same values as google-protobuf's messages at a fraction of
      // the cost, and, as a Fabric peer's Go protobuf does, it refuses string fields that are not UTF-8.
      const block = readBlock(blockBytes);
      const transactions = block.envelopes.map((envelope) => {
        try {
          return readEnvelope(envelope);
        } catch {
          return undefined;
        }
      });
      found = { block, transactions };
      this.blocks.set(blockBytes, found);
    }
    return found;
  }

  verify(certificatePem: string, message: Uint8Array, signature: Uint8Array): boolean {
    const key = createHash('sha256').update(certificatePem).update(message).update(signature).digest('base64');
    let ok = this.verified.get(key);
    if (ok === undefined) {
      ok = verifySignature(certificatePem, message, signature);
      if (this.verified.size >= VERIFY_MEMO_LIMIT) {
        this.verified.delete(this.verified.keys().next().value!);
      }
      this.verified.set(key, ok);
    }
    return ok;
  }
}
