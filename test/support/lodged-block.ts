/**
 * One declaration lodged on a ledger, and the block that holds its public
 * record (the Lodge transaction): the block the structure tests compare
 * between the embedded ledger and Fabric.
 */
import type { LedgerBackend, WalletIdentity } from 'customs-ledger-gateway/dist/ledger';
import { lodgeOn, makeLodgement, newTrader, sampleDeclaration } from './fixtures';

/** Lodges a new declaration for `mspId` through `backend` as `officer`; the bytes of its block as the peer committed it. */
export async function lodgedBlock(backend: LedgerBackend, officer: WalletIdentity, mspId: string): Promise<{ transactionId: string; block: Uint8Array }> {
  const lodgement = await makeLodgement(sampleDeclaration(), mspId, newTrader());
  const result = await lodgeOn(backend, officer, lodgement);
  return { transactionId: result.transactionId, block: await backend.blockBytes(result.blockNumber) };
}
