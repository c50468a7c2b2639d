import { strict as assert } from 'node:assert';
import type { LedgerBackend, SubmitRequest, SubmitResult } from 'customs-ledger-gateway/dist/ledger/backend';
import { GatewayError } from 'customs-ledger-gateway/dist/service/errors';
import { LedgerClient } from 'customs-ledger-gateway/dist/service/ledger-client';
import { GATEWAY_ERROR_STATUS } from 'customs-ledger-gateway/dist/http/error-status';

/** A backend whose submits wait until the test releases them. */
function heldBackend(): { backend: LedgerBackend; release(): void; started: () => number } {
  const waiting: (() => void)[] = [];
  let started = 0;
  const backend = {
    mspId: 'NLCustomsMSP',
    kind: 'embedded',
    submit: (_r: SubmitRequest): Promise<SubmitResult> => {
      started += 1;
      return new Promise((resolve) => waiting.push(() => resolve({ transactionId: `t${started}`, blockNumber: 1, payload: Buffer.from('"ok"') })));
    },
  } as unknown as LedgerBackend;
  return { backend, release: () => waiting.splice(0).forEach((w) => w()), started: () => started };
}

const request = { identity: { label: 'officer1', mspId: 'NLCustomsMSP', certificatePem: '', privateKeyPem: '' }, contract: 'consignment', fn: 'UpdateStatus', args: [] } as SubmitRequest;

describe('LedgerClient load shedding', () => {
  it('refuses a submit at once with LEDGER_BUSY (503) when maxInFlight submits are under way, and takes new ones after', async () => {
    const held = heldBackend();
    const client = new LedgerClient(held.backend, undefined, { maxInFlight: 2 });
    const first = client.submit(request, (p) => p.toString());
    const second = client.submit(request, (p) => p.toString());
    await new Promise((resolve) => setImmediate(resolve));
    await assert.rejects(client.submit(request, (p) => p.toString()), (err: unknown) => err instanceof GatewayError && err.code === 'LEDGER_BUSY');
    assert.equal(held.started(), 2, 'the refused submit never reached the ledger');
    assert.equal(GATEWAY_ERROR_STATUS.LEDGER_BUSY, 503);
    held.release();
    assert.equal((await first).value, '"ok"');
    await second;
    const third = client.submit(request, (p) => p.toString());
    await new Promise((resolve) => setImmediate(resolve));
    held.release();
    assert.equal((await third).transactionId, 't3');
  });
});
