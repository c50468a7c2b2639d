/**
 * What makes the gateway answer 503 and dial its peer afresh: only errors
 * that say its own peer cannot be reached — not a chaincode refusal, and not
 * another member's peer (a witness) that is down.
 */
import { strict as assert } from 'node:assert';
import { isUnreachable, noEndorsersAvailable, PeerLink } from 'customs-ledger-gateway/dist/ledger/fabric/peer-link';
import { LedgerError } from 'customs-ledger-gateway/dist/ledger/backend';

const own = { hostName: 'peer0.nl.customs.example', address: '127.0.0.1:7051' };
const grpcError = (code: number, message: string, details: unknown[] = []) => Object.assign(new Error(message), { code, details });

describe('peer link: is the own peer unreachable?', () => {
  it('says yes for a gRPC UNAVAILABLE of the call to the peer, and for fabric-common texts about this peer', () => {
    assert.equal(isUnreachable(grpcError(14, '14 UNAVAILABLE: No connection established'), own), true);
    assert.equal(isUnreachable(new Error('Query failed. Errors: ["Error: 14 UNAVAILABLE: connect ECONNREFUSED 127.0.0.1:7051"]'), own), true);
    assert.equal(isUnreachable(new Error('No valid responses from any peers. Errors:\n    peer=peer0.nl.customs.example, status=grpc, message=14 UNAVAILABLE: No connection established'), own), true);
    assert.equal(isUnreachable(new Error('Failed to connect before the deadline on Endorser- name: peer0.nl.customs.example, url:grpcs://127.0.0.1:7051, connected:false'), own), true);
    assert.equal(isUnreachable(new Error('DiscoveryService has failed to return results'), own), true);
  });

  it('says no when only another member\'s peer is down, when the peer answered, and for a chaincode refusal', () => {
    const aborted = grpcError(10, '10 ABORTED: failed to collect enough transaction endorsements', [
      { address: 'peer0.de.customs.example:9051', mspId: 'DECustomsMSP', message: 'connection error: 14 UNAVAILABLE' },
    ]);
    assert.equal(isUnreachable(aborted, own), false);
    assert.equal(isUnreachable(new Error('No valid responses from any peers. Errors:\n    peer=peer0.de.customs.example, status=grpc, message=14 UNAVAILABLE: No connection established'), own), false);
    assert.equal(isUnreachable(new Error('Failed to connect before the deadline on Endorser- name: peer0.de.customs.example, url:grpcs://127.0.0.1:9051, connected:false'), own), false);
    assert.equal(isUnreachable(grpcError(2, 'chaincode response 500, {"code":"UCR_CONFLICT","message":"UNAVAILABLE"}'), own), false);
    // the Gateway service's own words when a named organisation's peers are all down
    const noPeers = grpcError(14, '14 UNAVAILABLE: failed to find any endorsing peers for org(s): DECustomsMSP');
    assert.equal(isUnreachable(noPeers, own), false);
    assert.equal(noEndorsersAvailable(noPeers), true);
    assert.equal(noEndorsersAvailable(new Error('DiscoveryService: customs-ledger error: failed constructing descriptor for chaincodes:<name:"customs-ledger" >')), true);
    assert.equal(noEndorsersAvailable(new Error('endorsing peers returned different results')), false);
  });

  it('refuses calls at once for a second after a failure, names the transaction of an unconfirmed one, and recovers', async () => {
    let resets = 0;
    const link = new PeerLink('NLCustomsMSP', own, () => (resets += 1), { quietMs: 50 });
    const down = grpcError(14, '14 UNAVAILABLE');
    await assert.rejects(link.run(() => Promise.reject(down)), (e: unknown) => e instanceof LedgerError && e.stage === 'connect');
    assert.equal(resets, 1);
    let called = false;
    await assert.rejects(link.run(() => ((called = true), Promise.resolve(1))), (e: unknown) => e instanceof LedgerError && e.stage === 'connect');
    assert.equal(called, false, 'no call while the link is quiet');
    await new Promise((r) => setTimeout(r, 60));
    await assert.rejects(link.run(() => Promise.reject(down), 'ab'.repeat(32)), (e: unknown) => e instanceof LedgerError && e.stage === 'commit' && e.transactionId === 'ab'.repeat(32));
    await new Promise((r) => setTimeout(r, 60));
    assert.equal(await link.run(() => Promise.resolve(7)), 7);
    assert.equal(link.up, true);
  });
});
