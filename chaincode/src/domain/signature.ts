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

/** The 32-byte EIP-712 digest a trader signs, as 0x-hex: keccak256(0x1901 ‖ domain separator ‖ struct hash). */
export function declarationDigest(channelId: string, facts: SignedDeclarationFacts): string {
  let separator = domainSeparators.get(channelId);
  if (separator === undefined) {
    separator = TypedDataEncoder.hashDomain(signingDomain(channelId));
    domainSeparators.set(channelId, separator);
  }
  return keccak256(concat(['0x1901', separator, encoder.hash(typedValue(facts))]));
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
  try {
    // Signature.from refuses malformed and high-S (malleated) signatures before any curve work.
    const sig = Signature.from(signature);
    if (native) {
      const compact = Buffer.concat([getBytes(sig.r), getBytes(sig.s)]);
      const publicKey = native.ecdsaRecover(compact, sig.yParity, getBytes(digest), false);
      return getAddress(dataSlice(keccak256(publicKey.subarray(1)), 12));
    }
    return recoverAddress(digest, sig);
  } catch {
    return undefined;
  }
}

/** True when `signature` is `trader`'s EIP-712 signature over these facts on this channel. */
export function verifyDeclarationSignature(
  channelId: string,
  facts: SignedDeclarationFacts,
  trader: string,
  signature: string,
): boolean {
  const recovered = recoverSigner(declarationDigest(channelId, facts), signature);
  return recovered !== undefined && recovered === getAddress(trader);
}
