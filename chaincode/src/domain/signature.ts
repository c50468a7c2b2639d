/**
 * The trader's EIP-712 signature over a lodged declaration. The typed data
 * binds UCR, declarationHash, fieldRoot, originating authority and
 * declaration version; the domain names this ledger and its channel, so a
 * signature cannot be replayed onto another record, version, authority or
 * channel.
 */
import { createRequire } from 'node:module';
import * as path from 'node:path';
import {
  Signature,
  TypedDataEncoder,
  getAddress,
  getBytes,
  id,
  keccak256,
  recoverAddress,
  type TypedDataDomain,
  type TypedDataField,
} from 'ethers';
import { HEX64_ANY_CASE, HEX_ADDRESS, SINGLE_CASE_ADDRESS, TRADER_SIGNATURE } from './patterns';

interface NativeSecp256k1 {
  ecdsaRecover(signature: Uint8Array, recid: number, message: Uint8Array, compressed: boolean): Uint8Array;
}

/**
 * libsecp256k1 through the `secp256k1` package's prebuilt binding recovers a
 * public key some fifty times faster than ethers' JavaScript; the result is
 * the same curve arithmetic, so endorsers agree whichever one they have.
 * Without the binding (or on a platform it has no build for) ethers is used.
 */
const native: NativeSecp256k1 | undefined = (() => {
  try {
    return createRequire(__filename)('secp256k1') as NativeSecp256k1;
  } catch {
    return undefined;
  }
})();

/** The Keccak sponge the `keccak` package's binding exports. */
interface KeccakSponge {
  initialize(rate: number, capacity: number): void;
  absorb(data: Buffer): void;
  squeeze(length: number): Buffer;
}
type KeccakBinding = (algorithm: 'keccak256') => { update(data: Buffer): { digest(): Buffer } };

/** keccak256 of the empty string: the binding is used only if it computes this. */
const KECCAK256_OF_EMPTY = 'c5d2460186f7233c927e7db2dcc703c0e500b653ca82273b7bfad8045d85a470';

/**
 * Keccak-256 through the `keccak` package's prebuilt binding (the C of the
 * Keccak team); a verification hashes five times. Its sponge is driven
 * directly and reused, as building the package's hash object (a stream) costs
 * more than hashing these short inputs; if the sponge cannot be reached, the
 * package's hash object; without the binding, undefined.
 */
const nativeKeccak: ((data: Buffer) => Buffer) | undefined = (() => {
  const load = createRequire(__filename);
  try {
    const bindings = load.resolve('keccak/bindings');
    const Sponge = (createRequire(bindings)('node-gyp-build') as (dir: string) => new () => KeccakSponge)(path.dirname(bindings));
    const sponge = new Sponge();
    const hash = (data: Buffer): Buffer => {
      sponge.initialize(1088, 512); // keccak256: rate 1088 bits, capacity 512
      sponge.absorb(data);
      return sponge.squeeze(32);
    };
    if (hash(Buffer.alloc(0)).toString('hex') === KECCAK256_OF_EMPTY) {
      return hash;
    }
  } catch {
    // the package's own entry point below
  }
  try {
    const binding = load('keccak/bindings') as KeccakBinding;
    return (data: Buffer): Buffer => binding('keccak256').update(data).digest();
  } catch {
    return undefined;
  }
})();

/** keccak256 of bytes; ethers' keccak256 (the same digest) without the binding. */
function keccak(data: Uint8Array): Buffer {
  // The binding takes Buffers only: a Uint8Array is viewed as one, not copied.
  const bytes = Buffer.isBuffer(data) ? data : Buffer.from(data.buffer, data.byteOffset, data.byteLength);
  return nativeKeccak ? nativeKeccak(bytes) : hexBytes(keccak256(bytes));
}

/** The bytes of 0x-hex that ethers produced (well-formed by construction). */
const hexBytes = (hex: string): Buffer => Buffer.from(hex.slice(2), 'hex');

/** keccak256 of a string's UTF-8 bytes (ethers' `id`). */
const keccakText = (text: string): Buffer => keccak(Buffer.from(text, 'utf8'));

export const SIGNING_DOMAIN_NAME = 'customs-ledger';
export const SIGNING_DOMAIN_VERSION = '1';

export const DECLARATION_TYPES_712: Record<string, TypedDataField[]> = {
  Declaration: [
    { name: 'ucr', type: 'string' },
    { name: 'declarationHash', type: 'bytes32' },
    { name: 'fieldRoot', type: 'bytes32' },
    { name: 'authority', type: 'string' },
    { name: 'version', type: 'uint32' },
  ],
};

export interface SignedDeclarationFacts {
  ucr: string;
  /** 64 lowercase hex digits */
  declarationHash: string;
  /** 64 lowercase hex digits */
  fieldRoot: string;
  /** MSP id of the originating authority */
  authority: string;
  version: number;
}

export function signingDomain(channelId: string): TypedDataDomain {
  return {
    name: SIGNING_DOMAIN_NAME,
    version: SIGNING_DOMAIN_VERSION,
    salt: id(`customs-ledger/channel/${channelId}`),
  };
}

function typedValue(facts: SignedDeclarationFacts): Record<string, unknown> {
  return {
    ucr: facts.ucr,
    declarationHash: `0x${facts.declarationHash}`,
    fieldRoot: `0x${facts.fieldRoot}`,
    authority: facts.authority,
    version: facts.version,
  };
}

const encoder = TypedDataEncoder.from(DECLARATION_TYPES_712);
const domainSeparators = new Map<string, Buffer>();
const DECLARATION_TYPE_HASH = hexBytes(id(encoder.encodeType('Declaration')));
const BYTES32_HEX = HEX64_ANY_CASE;
const authorityHashes = new Map<string, Buffer>();

/**
 * EIP-712's hashStruct of the facts, written out for this one type:
 * keccak256(type hash ‖ keccak256(ucr) ‖ declarationHash ‖ fieldRoot ‖
 * keccak256(authority) ‖ uint256(version)), as the encoder computes it.
 * Facts the encoder would refuse (not 32 bytes, not a uint32) go to it.
 */
function declarationStructHash(facts: SignedDeclarationFacts): Buffer {
  const { declarationHash, fieldRoot, version } = facts;
  if (!BYTES32_HEX.test(declarationHash) || !BYTES32_HEX.test(fieldRoot) || !Number.isInteger(version) || version < 0 || version > 0xffffffff) {
    return hexBytes(encoder.hash(typedValue(facts)));
  }
  let authority = authorityHashes.get(facts.authority);
  if (authority === undefined) {
    authority = keccakText(facts.authority);
    authorityHashes.set(facts.authority, authority);
  }
  const encoded = Buffer.alloc(6 * 32);
  DECLARATION_TYPE_HASH.copy(encoded, 0);
  keccakText(facts.ucr).copy(encoded, 32);
  encoded.write(declarationHash, 64, 'hex');
  encoded.write(fieldRoot, 96, 'hex');
  authority.copy(encoded, 128);
  encoded.writeUInt32BE(version, 188); // uint256, big-endian: the 28 bytes before it stay zero
  return keccak(encoded);
}

/** declarationDigest's bytes. */
function digestBytes(channelId: string, facts: SignedDeclarationFacts): Buffer {
  let separator = domainSeparators.get(channelId);
  if (separator === undefined) {
    separator = hexBytes(TypedDataEncoder.hashDomain(signingDomain(channelId)));
    domainSeparators.set(channelId, separator);
  }
  const encoded = Buffer.allocUnsafe(2 + 32 + 32);
  encoded[0] = 0x19;
  encoded[1] = 0x01;
  separator.copy(encoded, 2);
  declarationStructHash(facts).copy(encoded, 34);
  return keccak(encoded);
}

/** The 32-byte EIP-712 digest a trader signs, as 0x-hex: keccak256(0x1901 ‖ domain separator ‖ struct hash). */
export function declarationDigest(channelId: string, facts: SignedDeclarationFacts): string {
  return `0x${digestBytes(channelId, facts).toString('hex')}`;
}

/** What a wallet needs to sign with `signTypedData(domain, types, value)`. */
export function declarationTypedData(channelId: string, facts: SignedDeclarationFacts): {
  domain: TypedDataDomain;
  types: Record<string, TypedDataField[]>;
  value: Record<string, unknown>;
} {
  return { domain: signingDomain(channelId), types: DECLARATION_TYPES_712, value: typedValue(facts) };
}

/**
 * Recovers the signer's checksummed address from a digest and a 65-byte
 * signature. Returns undefined for a malformed or non-canonical (high-s)
 * signature instead of throwing. This is the one place a faster recoverer
 * may replace.
 */
export function recoverSigner(digest: string, signature: string): string | undefined {
  let bytes: Uint8Array;
  try {
    bytes = getBytes(digest);
  } catch {
    return undefined;
  }
  const address = recoverLowercase(bytes, signature);
  return address === undefined ? undefined : checksumAddress(address.slice(2));
}

const SIGNATURE_HEX = TRADER_SIGNATURE;

/**
 * Half the order of secp256k1, as 64 hex digits. An s above it is refused
 * (EIP-2): (r, n - s) is the same signer's signature too, so without this
 * rule anyone could give a lodged record a second valid signature.
 */
const HALF_ORDER_HEX = '7fffffffffffffffffffffffffffffff5d576e7357a4501ddfe92f46681b20a0';
const HALF_ORDER = BigInt(`0x${HALF_ORDER_HEX}`);

/**
 * The recovery id (y parity) of a signature's last byte: 27 and 28 as
 * wallets write it for typed data, 0 and 1 as some devices do. Anything else
 * is refused; the transaction encodings of v (EIP-155, 35 and up) that
 * ethers also reads have no place in a signature over typed data.
 */
function recoveryId(v: number): number | undefined {
  if (v === 0 || v === 27) {
    return 0;
  }
  return v === 1 || v === 28 ? 1 : undefined;
}

/** The lowercase 0x-hex address (the last 20 bytes of keccak256 of the public key) that made r ‖ s with this recovery id over the digest. */
function addressOfSigner(secp: NativeSecp256k1, compact: Uint8Array, recid: number, digest: Uint8Array): string {
  const publicKey = secp.ecdsaRecover(compact, recid, digest, false);
  return `0x${keccak(publicKey.subarray(1)).toString('hex', 12)}`;
}

/** recoverSigner's address in lowercase 0x-hex, without the checksum's hash. */
function recoverLowercase(digest: Uint8Array, signature: string): string | undefined {
  try {
    if (native && typeof signature === 'string' && SIGNATURE_HEX.test(signature)) {
      // r, s and v read straight from the hex: a high s (malleated) or an unknown v is refused before any curve work.
      const recid = recoveryId(parseInt(signature.slice(130), 16));
      if (recid === undefined || signature.slice(66, 130).toLowerCase() > HALF_ORDER_HEX) {
        return undefined;
      }
      return addressOfSigner(native, Buffer.from(signature.slice(2, 130), 'hex'), recid, digest);
    }
    // Other forms (64-byte compact signatures, objects) through ethers, which refuses malformed ones;
    // the same rules for s and for a written v.
    const sig = Signature.from(signature);
    const hex = typeof signature === 'string' ? signature.replace(/^0x/i, '') : '';
    if (BigInt(sig.s) > HALF_ORDER || (hex.length === 130 && recoveryId(parseInt(hex.slice(128), 16)) === undefined)) {
      return undefined;
    }
    if (native) {
      return addressOfSigner(native, Buffer.concat([getBytes(sig.r), getBytes(sig.s)]), sig.yParity, digest);
    }
    return recoverAddress(digest, sig).toLowerCase();
  } catch {
    return undefined;
  }
}

/**
 * EIP-55: 40 lowercase hex digits with each letter uppercased where the
 * matching nibble of keccak256(those digits) is 8 or more, 0x-prefixed; what
 * ethers' getAddress returns for them. ethers computes it without the binding.
 */
function checksumAddress(lowercaseHex: string): string {
  if (!nativeKeccak) {
    return getAddress(`0x${lowercaseHex}`);
  }
  const hash = nativeKeccak(Buffer.from(lowercaseHex, 'latin1'));
  let out = '0x';
  for (let i = 0; i < 40; i++) {
    const nibble = i % 2 === 0 ? hash[i >> 1]! >> 4 : hash[i >> 1]! & 0x0f;
    const digit = lowercaseHex.charAt(i);
    out += nibble >= 8 ? digit.toUpperCase() : digit;
  }
  return out;
}


/** True when `signature` is `trader`'s EIP-712 signature over these facts on this channel. */
export function verifyDeclarationSignature(
  channelId: string,
  facts: SignedDeclarationFacts,
  trader: string,
  signature: string,
): boolean {
  const recovered = recoverLowercase(digestBytes(channelId, facts), signature);
  if (recovered === undefined) {
    return false;
  }
  // The same answer as comparing both checksummed addresses, with fewer hashes; a mixed-case address has its checksum checked.
  const single = SINGLE_CASE_ADDRESS.exec(trader);
  if (single) {
    return recovered === `0x${single[2]!.toLowerCase()}`;
  }
  const mixed = typeof trader === 'string' ? HEX_ADDRESS.exec(trader) : null;
  if (mixed) {
    const lowercase = mixed[2]!.toLowerCase();
    if (checksumAddress(lowercase) === `0x${mixed[2]!}`) {
      return recovered === `0x${lowercase}`;
    }
  }
  // A wrong checksum, an ICAP address or no address: getAddress refuses or reads it.
  return recovered === getAddress(trader).toLowerCase();
}

/**
 * A trader's request for the inclusion proof of its own record, which holds
 * the whole block (Fabric's data hash covers every envelope of it): signed
 * by the record's trader key, naming the UCR, the authority asked and the
 * time of signing. It grants a read, not a write, and a trader may know no
 * more than a gateway's address: the domain names no channel.
 */
export interface ProofRequest {
  ucr: string;
  /** MSP id of the authority whose gateway is asked */
  authority: string;
  /** ISO instant */
  signedAt: string;
}

export const PROOF_REQUEST_TYPES_712: Record<string, TypedDataField[]> = {
  InclusionProofRequest: [
    { name: 'ucr', type: 'string' },
    { name: 'authority', type: 'string' },
    { name: 'signedAt', type: 'string' },
  ],
};

export function proofRequestTypedData(request: ProofRequest): {
  domain: TypedDataDomain;
  types: Record<string, TypedDataField[]>;
  value: Record<string, unknown>;
} {
  return { domain: { name: SIGNING_DOMAIN_NAME, version: SIGNING_DOMAIN_VERSION }, types: PROOF_REQUEST_TYPES_712, value: { ucr: request.ucr, authority: request.authority, signedAt: request.signedAt } };
}

/** The checksummed address that signed a proof request, or undefined for a malformed signature. */
export function proofRequestSigner(request: ProofRequest, signature: string): string | undefined {
  const typed = proofRequestTypedData(request);
  return recoverSigner(TypedDataEncoder.hash(typed.domain, typed.types, typed.value), signature);
}
