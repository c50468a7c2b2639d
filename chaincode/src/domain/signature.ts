/**
 * The trader's EIP-712 signature over a lodged declaration. The typed data
 * binds UCR, declarationHash, fieldRoot, originating authority and
 * declaration version; the domain names this ledger and its channel, so a
 * signature cannot be replayed onto another record, version, authority or
 * channel.
 */
import { createRequire } from 'node:module';
import {
  Signature,
  TypedDataEncoder,
  concat,
  dataSlice,
  getAddress,
  getBytes,
  id,
  keccak256,
  recoverAddress,
  type TypedDataDomain,
  type TypedDataField,
} from 'ethers';

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

/**
 * Keccak-256 through the `keccak` package's prebuilt binding (the C of the
 * Keccak team, about four times ethers' JavaScript here); a verification
 * hashes four times. Without the binding, ethers' keccak256: the same digest.
 */
type KeccakBinding = (algorithm: 'keccak256') => { update(data: Buffer): { digest(): Buffer } };
const nativeKeccak: KeccakBinding | undefined = (() => {
  try {
    return createRequire(__filename)('keccak/bindings') as KeccakBinding;
  } catch {
    return undefined;
  }
})();

/** keccak256 of bytes, as 0x-hex. */
function keccak(data: Uint8Array): string {
  // The binding takes Buffers only: a Uint8Array is viewed as one, not copied.
  const bytes = Buffer.isBuffer(data) ? data : Buffer.from(data.buffer, data.byteOffset, data.byteLength);
  return nativeKeccak ? `0x${nativeKeccak('keccak256').update(bytes).digest().toString('hex')}` : keccak256(data);
}

/** The bytes of 0x-hex that ethers' concat made (well-formed by construction). */
const hexBytes = (hex: string): Buffer => Buffer.from(hex.slice(2), 'hex');

/** keccak256 of a string's UTF-8 bytes (ethers' `id`). */
const keccakText = (text: string): string => keccak(Buffer.from(text, 'utf8'));

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
const domainSeparators = new Map<string, string>();
const DECLARATION_TYPE_HASH = id(encoder.encodeType('Declaration'));
const BYTES32_HEX = /^[0-9a-fA-F]{64}$/;
const authorityHashes = new Map<string, string>();

/**
 * EIP-712's hashStruct of the facts, written out for this one type:
 * keccak256(type hash ‖ keccak256(ucr) ‖ declarationHash ‖ fieldRoot ‖
 * keccak256(authority) ‖ uint256(version)), as the encoder computes it.
 * Facts the encoder would refuse (not 32 bytes, not a uint32) go to it.
 */
function declarationStructHash(facts: SignedDeclarationFacts): string {
  const { declarationHash, fieldRoot, version } = facts;
  if (!BYTES32_HEX.test(declarationHash) || !BYTES32_HEX.test(fieldRoot) || !Number.isInteger(version) || version < 0 || version > 0xffffffff) {
    return encoder.hash(typedValue(facts));
  }
  let authority = authorityHashes.get(facts.authority);
  if (authority === undefined) {
    authority = keccakText(facts.authority);
    authorityHashes.set(facts.authority, authority);
  }
  const encodedVersion = `0x${version.toString(16).padStart(64, '0')}`;
  return keccak(hexBytes(concat([DECLARATION_TYPE_HASH, keccakText(facts.ucr), `0x${declarationHash}`, `0x${fieldRoot}`, authority, encodedVersion])));
}

/** The 32-byte EIP-712 digest a trader signs, as 0x-hex: keccak256(0x1901 ‖ domain separator ‖ struct hash). */
export function declarationDigest(channelId: string, facts: SignedDeclarationFacts): string {
  let separator = domainSeparators.get(channelId);
  if (separator === undefined) {
    separator = TypedDataEncoder.hashDomain(signingDomain(channelId));
    domainSeparators.set(channelId, separator);
  }
  return keccak(hexBytes(concat(['0x1901', separator, declarationStructHash(facts)])));
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
  const address = recoverLowercase(digest, signature);
  return address === undefined ? undefined : getAddress(address);
}

/** recoverSigner's address in lowercase, without the checksum's hash. */
function recoverLowercase(digest: string, signature: string): string | undefined {
  try {
    // Signature.from refuses malformed and high-S (malleated) signatures before any curve work.
    const sig = Signature.from(signature);
    if (native) {
      const compact = Buffer.concat([getBytes(sig.r), getBytes(sig.s)]);
      const publicKey = native.ecdsaRecover(compact, sig.yParity, getBytes(digest), false);
      return dataSlice(keccak(publicKey.subarray(1)), 12);
    }
    return recoverAddress(digest, sig).toLowerCase();
  } catch {
    return undefined;
  }
}

/** A hex address in one case (0x-prefixed or not), which getAddress accepts without a checksum to check. */
const SINGLE_CASE_ADDRESS = /^(0x)?([0-9a-f]{40}|[0-9A-F]{40})$/;

/** True when `signature` is `trader`'s EIP-712 signature over these facts on this channel. */
export function verifyDeclarationSignature(
  channelId: string,
  facts: SignedDeclarationFacts,
  trader: string,
  signature: string,
): boolean {
  const recovered = recoverLowercase(declarationDigest(channelId, facts), signature);
  if (recovered === undefined) {
    return false;
  }
  // The same answer as comparing both checksummed addresses, with fewer hashes; a mixed-case address has its checksum checked.
  const single = SINGLE_CASE_ADDRESS.exec(trader);
  return single ? recovered === `0x${single[2]!.toLowerCase()}` : recovered === getAddress(trader).toLowerCase();
}
