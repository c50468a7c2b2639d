/**
 * The string shapes every reader of this ledger shares: hashes and salts,
 * transaction ids, and a trader's address and signature. Each pattern is
 * written here once; schemas everywhere are built from these.
 */
import { z } from 'zod';

/** 32 bytes as 64 lowercase hex digits: a SHA-256 hash, a salt, a Fabric transaction id. */
export const HEX64 = /^[0-9a-f]{64}$/;
/** 32 bytes as 64 hex digits in either case, as EIP-712 encodes bytes32. */
export const HEX64_ANY_CASE = /^[0-9a-fA-F]{64}$/;
/** An Ethereum address: 0x and 20 bytes as hex. */
export const TRADER_ADDRESS = /^0x[0-9a-fA-F]{40}$/;
/** A hex address in one case (0x-prefixed or not), which ethers' getAddress accepts without a checksum to check. */
export const SINGLE_CASE_ADDRESS = /^(0x)?([0-9a-f]{40}|[0-9A-F]{40})$/;
/** Any hex address getAddress reads as hex (0x-prefixed or not). */
export const HEX_ADDRESS = /^(0x)?([0-9a-fA-F]{40})$/;
/** A signature as 0x-hex r ‖ s ‖ v, 65 bytes: the form wallets produce. */
export const TRADER_SIGNATURE = /^0x[0-9a-fA-F]{130}$/;

export const hex64Schema = z.string().regex(HEX64, 'must be 64 lowercase hex digits');
export const transactionIdSchema = z.string().regex(HEX64, 'must be a transaction id: 64 lowercase hex digits');
export const traderAddressSchema = z.string().regex(TRADER_ADDRESS, 'must be a 20-byte hex address such as 0x52908400098527886E0F7030069857D2E4169EE7');
export const traderSignatureSchema = z.string().regex(TRADER_SIGNATURE, 'must be a 65-byte 0x-hex signature');
