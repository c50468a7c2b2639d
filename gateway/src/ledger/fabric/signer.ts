/**
 * Client signatures with node:crypto: ECDSA P-256 over SHA-256 of the
 * message, DER, low S (Fabric refuses high-S signatures).
 */
import { signLowS } from '../../fabric-format/signing';

export function lowSSigner(privateKeyPem: string): (message: Uint8Array) => Buffer {
  return (message) => signLowS(privateKeyPem, message);
}
