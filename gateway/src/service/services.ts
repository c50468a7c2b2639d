/** Wires every service of one authority's gateway onto one LedgerClient. */
import type { LedgerBackend, WalletIdentity } from '../ledger/backend';
import { AgreementService } from './agreement-service';
import { AuditService, type EventCollection } from './audit-service';
import { ConsignmentService } from './consignment-service';
import { HealthService } from './health-service';
import { LedgerClient, type LedgerClientOptions, type LedgerObserver } from './ledger-client';
import { LodgementService } from './lodgement-service';
import { SharingService } from './sharing-service';
import { VerificationService } from './verification-service';

export interface Services {
  ledger: LedgerClient;
  agreements: AgreementService;
  consignments: ConsignmentService;
  lodgements: LodgementService;
  sharing: SharingService;
  verification: VerificationService;
  audit: AuditService;
  health: HealthService;
}

export interface ServiceOptions {
  ledger?: Partial<LedgerClientOptions>;
  events?: EventCollection;
}

export function createServices(
  backend: LedgerBackend,
  /** the identity public verification queries run as: the authority's auditor */
  verifier: WalletIdentity,
  observer?: LedgerObserver,
  options: ServiceOptions = {},
): Services {
  const ledger = new LedgerClient(backend, observer, options.ledger);
  const agreements = new AgreementService(ledger);
  const consignments = new ConsignmentService(ledger);
  return {
    ledger,
    agreements,
    consignments,
    lodgements: new LodgementService(ledger),
    sharing: new SharingService(ledger, consignments, agreements),
    verification: new VerificationService(ledger, consignments, verifier),
    audit: new AuditService(ledger, options.events),
    health: new HealthService(ledger),
  };
}
