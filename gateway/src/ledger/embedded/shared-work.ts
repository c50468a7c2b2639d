/**
 * Work every peer of the embedded network would repeat on the same bytes:
 * decoding a delivered block and verifying a signature. Both are pure
 * functions of their input, so the peers of one process share the results;
 * each peer still makes every decision (policies, versions, codes) itself.
 */
import { createHash } from 'node:crypto';
import type { DecodedBlock } from '../../fabric-format/decoded';
import { readBlock, readEnvelope } from '../../fabric-format/block-reader';
import type { DecodedTransaction } from '../../fabric-format/decoded';
import { verifySignature } from '../../fabric-format/signing';

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

  /**
   * verifySignature, once for every peer of the thread; a message may come
   * in parts (verified as one). The verdict is remembered under a hash of
   * the certificate, the message and the signature with their lengths, so
   * that no other split of the same bytes into message and signature finds
   * it.
   */
  verify(certificatePem: string, message: Uint8Array | readonly Uint8Array[], signature: Uint8Array): boolean {
    const parts = message instanceof Uint8Array ? [message] : message;
    const lengths = Buffer.allocUnsafe(12);
    lengths.writeUInt32BE(Buffer.byteLength(certificatePem), 0);
    lengths.writeUInt32BE(parts.reduce((n, p) => n + p.length, 0), 4);
    lengths.writeUInt32BE(signature.length, 8);
    const hash = createHash('sha256').update(lengths).update(certificatePem);
    for (const part of parts) {
      hash.update(part);
    }
    const key = hash.update(signature).digest('base64');
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
