/** The gateway's services: everything a route does, without HTTP. */
export { AgreementService, type AgreementAction, type AgreementFilter } from './agreement-service';
export { AuditService, type AuditEvent, type EventCollection, type EventPage } from './audit-service';
export { ConsignmentService, type ListIndex, type ListQuery } from './consignment-service';
export { GATEWAY_ERROR_CODES, GatewayError, type GatewayErrorCode, type GatewayErrorDetails } from './errors';
export { HealthService, type Health } from './health-service';
export {
  LedgerClient,
  type Committed,
  type LedgerClientOptions,
  type LedgerObserver,
  type TransactionObservation,
  type TransactionOutcome,
} from './ledger-client';
export type { AgreementActivity, AgreementList, AgreementView, History, HistoryEntry, RecordPage, ShareList, ShareWithPurge, SkippedDocument } from './ledger-views';
export { LodgementService, type LodgeInput, type Lodged, type TraderSignature } from './lodgement-service';
export { ROLES, type Role } from 'customs-ledger-chaincode/domain';
export { randomSalts } from '../trader/salts';
export { createServices, type ServiceOptions, type Services } from './services';
export { SharingService, type AccessGranted, type ShareInput } from './sharing-service';
export { VerificationService, type DisclosedField, type DisclosureCheck, type Verification } from './verification-service';
