/**
 * The trader's signed declaration: the document, a fresh 32-byte salt per
 * field, and the EIP-712 signature over {ucr, declarationHash, fieldRoot,
 * authority, version} on the ledger's channel. This file is what the trader
 * keeps and hands to the lodging authority.
 */
import type { Wallet } from 'ethers';
import { z } from 'zod';
import {
  commitDeclaration,
  declarationTypedData,
  parseDeclaration,
  parseSalts,
  traderAddressSchema,
  traderSignatureSchema,
  verifyDeclarationSignature,
  type Declaration,
  type Salts,
  type SignedDeclarationFacts,
} from 'customs-ledger-chaincode/domain';
import { randomSalts } from './salts';

export interface SignedDeclaration {
  declaration: Declaration;
  salts: Salts;
  /** the trader's checksummed address */
  trader: string;
  /** 65-byte EIP-712 signature, 0x-hex */
  signature: string;
  /** MSP id of the authority it is lodged with */
  authority: string;
  channelId: string;
  version: number;
}

/** Fresh salts: 32 random bytes per field (the same as the gateway makes for an unsigned lodgement). */
export const newSalts = randomSalts;

/** The body of POST /api/v1/consignments that lodges a signed declaration. */
export function lodgementBody(signed: SignedDeclaration): {
  declaration: Declaration;
  salts: Salts;
  trader: { address: string; signature: string };
} {
  return { declaration: signed.declaration, salts: signed.salts, trader: { address: signed.trader, signature: signed.signature } };
}

export function factsOf(declaration: Declaration, salts: Salts, authority: string, version: number): SignedDeclarationFacts {
  const { declarationHash, fieldRoot } = commitDeclaration(declaration, salts);
  return { ucr: declaration.ucr, declarationHash, fieldRoot, authority, version };
}

export async function signDeclaration(
  declaration: Declaration,
  wallet: Pick<Wallet, 'address' | 'signTypedData'>,
  options: { authority: string; channelId: string; version?: number; salts?: Salts },
): Promise<SignedDeclaration> {
  const parsed = parseDeclaration(declaration);
  const salts = options.salts ?? newSalts();
  const version = options.version ?? 1;
  const typed = declarationTypedData(options.channelId, factsOf(parsed, salts, options.authority, version));
  const signature = await wallet.signTypedData(typed.domain, typed.types, typed.value);
  return { declaration: parsed, salts, trader: wallet.address, signature, authority: options.authority, channelId: options.channelId, version };
}

/** True when the file's signature is its trader's over its own declaration, salts, authority and version. */
export function signatureIsValid(signed: SignedDeclaration): boolean {
  try {
    return verifyDeclarationSignature(signed.channelId, factsOf(signed.declaration, signed.salts, signed.authority, signed.version), signed.trader, signed.signature);
  } catch {
    return false;
  }
}

const fileSchema = z.strictObject({
  declaration: z.unknown(),
  salts: z.unknown(),
  trader: traderAddressSchema,
  signature: traderSignatureSchema,
  authority: z.string().min(1),
  channelId: z.string().min(1),
  version: z.number().int().min(1),
});

export function parseSignedDeclaration(input: unknown): SignedDeclaration {
  const result = fileSchema.safeParse(input);
  if (!result.success) {
    const issue = result.error.issues[0];
    throw new Error(`signed declaration.${(issue?.path ?? []).map(String).join('.')}: ${issue?.message ?? 'is invalid'}`);
  }
  const f = result.data;
  return { ...f, declaration: parseDeclaration(f.declaration, 'signed declaration.declaration'), salts: parseSalts(f.salts, 'signed declaration.salts') };
}
