/**
 * ECDSA P-256 as Fabric uses it: SHA-256 digests, DER signatures with low S
 * (Fabric refuses high-S signatures), keys and certificates parsed once and
 * cached, since re-parsing PEM per operation costs several times the
 * operation itself.
 */
import { X509Certificate, createHash, createPrivateKey, createVerify, sign, verify, type KeyObject } from 'node:crypto';

export const sha256 = (data: Uint8Array): Buffer => createHash('sha256').update(data).digest();

const N = BigInt('0xffffffff00000000ffffffffffffffffbce6faada7179e84f3b9cac2fc632551');
const HALF_N = N >> 1n;

const privateKeys = new Map<string, KeyObject>();
const certificates = new Map<string, { cert: X509Certificate; key: KeyObject }>();

function privateKey(pem: string): KeyObject {
  let key = privateKeys.get(pem);
  if (!key) {
    key = createPrivateKey(pem);
    privateKeys.set(pem, key);
  }
  return key;
}

/** A parsed certificate and its public key, cached by PEM text. */
export function certificateOf(pem: string): { cert: X509Certificate; key: KeyObject } {
  let found = certificates.get(pem);
  if (!found) {
    const cert = new X509Certificate(pem);
    found = { cert, key: cert.publicKey };
    certificates.set(pem, found);
    if (certificates.size > 10_000) {
      certificates.delete(certificates.keys().next().value!);
    }
  }
  return found;
}

/** Signs SHA-256(message) and returns a low-S DER signature. */
export function signLowS(privateKeyPem: string, message: Uint8Array): Buffer {
  const der = sign('sha256', message, { key: privateKey(privateKeyPem), dsaEncoding: 'der' });
  return toLowS(der);
}

/**
 * Verifies a DER signature over SHA-256(message); high-S signatures are
 * refused as Fabric does. A message in parts is hashed part by part, not
 * copied together first (a copy of several kilobytes cost more than the
 * hashing of it).
 */
export function verifySignature(certificatePem: string, message: Uint8Array | readonly Uint8Array[], signature: Uint8Array): boolean {
  try {
    if (!isLowS(signature)) {
      return false;
    }
    const key = { key: certificateOf(certificatePem).key, dsaEncoding: 'der' as const };
    if (message instanceof Uint8Array || message.length === 1) {
      return verify('sha256', message instanceof Uint8Array ? message : message[0]!, key, signature);
    }
    const verifier = createVerify('sha256');
    for (const part of message) {
      verifier.update(part);
    }
    return verifier.verify(key, signature);
  } catch {
    return false;
  }
}

// ---- DER (r, s) handling -----------------------------------------------------

function readInteger(der: Uint8Array, offset: number): { bytes: Uint8Array; next: number } {
  if (der[offset] !== 0x02) {
    throw new Error('not a DER integer');
  }
  const length = der[offset + 1]!;
  return { bytes: der.subarray(offset + 2, offset + 2 + length), next: offset + 2 + length };
}

/** The big-endian bytes of r and s, as they are in the signature. */
function parseDer(der: Uint8Array): { r: Uint8Array; s: Uint8Array } {
  if (der[0] !== 0x30) {
    throw new Error('not a DER sequence');
  }
  const r = readInteger(der, 2);
  const s = readInteger(der, r.next);
  return { r: r.bytes, s: s.bytes };
}

const toBigInt = (bytes: Uint8Array): bigint => BigInt(`0x${Buffer.from(bytes).toString('hex') || '0'}`);

function encodeInteger(value: bigint): Buffer {
  let hex = value.toString(16);
  if (hex.length % 2) {
    hex = `0${hex}`;
  }
  let bytes = Buffer.from(hex, 'hex');
  if (bytes[0]! & 0x80) {
    bytes = Buffer.concat([Buffer.from([0]), bytes]);
  }
  return Buffer.concat([Buffer.from([0x02, bytes.length]), bytes]);
}

function encodeDer(r: bigint, s: bigint): Buffer {
  const body = Buffer.concat([encodeInteger(r), encodeInteger(s)]);
  return Buffer.concat([Buffer.from([0x30, body.length]), body]);
}

const HALF_N_BYTES = Buffer.from(HALF_N.toString(16).padStart(64, '0'), 'hex');

/** s ≤ n/2, compared on its bytes (leading zeros aside): this runs on every signature made and checked. */
function sIsLow(s: Uint8Array): boolean {
  let start = 0;
  while (start < s.length && s[start] === 0) {
    start += 1;
  }
  const digits = s.length - start;
  return digits < HALF_N_BYTES.length || (digits === HALF_N_BYTES.length && Buffer.compare(s.subarray(start), HALF_N_BYTES) <= 0);
}

export function isLowS(signature: Uint8Array): boolean {
  try {
    return sIsLow(parseDer(signature).s);
  } catch {
    return false;
  }
}

export function toLowS(signature: Uint8Array): Buffer {
  const { r, s } = parseDer(signature);
  return sIsLow(s) ? Buffer.from(signature) : encodeDer(toBigInt(r), N - toBigInt(s));
}
