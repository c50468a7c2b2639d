/** Whether the authority's ledger answers, and how far it is. */
import type { LedgerBackend } from '../ledger/backend';
import type { LedgerClient } from './ledger-client';

export interface Health {
  status: 'ok';
  mspId: string;
  backend: LedgerBackend['kind'];
  blockHeight: number;
}

export class HealthService {
  constructor(private readonly ledger: LedgerClient) {}

  async check(): Promise<Health> {
    const blockHeight = await this.ledger.call('blockHeight', () => this.ledger.backend.blockHeight());
    return { status: 'ok', mspId: this.ledger.mspId, backend: this.ledger.backend.kind, blockHeight };
  }
}
