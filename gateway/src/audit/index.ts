/**
 * The auditor: replays the whole ledger from raw blocks, re-derives every
 * validation code, re-checks DESIGN's rules, rebuilds the world state (at
 * any block) and reports shares, access requests and purges per agreement.
 */
export { blockSources, type BlockSource, type StoredBlocks } from './block-source';
export { AUDIT_RULES, type AuditRule, type Finding } from './finding';
export { replay, openReplay, DEFAULT_CHAINCODE, type ReplayOptions, type ReplayReport } from './replay';
export type { ReplayProgress } from './ledger-replay';
export { closeSignatureWorkers, defaultWorkerCount, startSignatureWorkers } from './signature-workers';
export { stateAt, type StateSnapshot, type StateEntryView } from './state-at';
export { agreementReport, type AgreementReport } from './agreement-report';
export { peerStoreState, type PeerStateView } from './state-comparison';
export { formatAgreementReport, formatFindings } from './report-table';
export {
  parseConsignmentRecord,
  parseAgreement,
  parseShareRecord,
  parsePurgeReceipt,
  parseAccessRequest,
  DocumentError,
} from './documents';
