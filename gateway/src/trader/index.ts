/**
 * The trader's tools: a key in an encrypted keystore, the signed declaration,
 * verification of a document against the ledger, selective disclosure and
 * offline inclusion proofs. No Fabric identity is needed.
 */
export { generateKeystore, openKeystore, type KeystoreOptions } from './keystore';
export { signDeclaration, signatureIsValid, parseSignedDeclaration, newSalts, lodgementBody, type SignedDeclaration } from './signed-declaration';
export { commitmentOf, recordSources, type RecordCommitment, type RecordSource, type Possession, type LedgerTransactionStatus } from './record-source';
export { verifyDocument, type DocumentVerification } from './verify-document';
export {
  createDisclosure,
  checkDisclosure,
  verifyDisclosure,
  parseDisclosurePackage,
  type DisclosurePackage,
  type DisclosureVerification,
} from './disclosure';
export { buildInclusionProof, proveInclusion, requestInclusionProof, verifyInclusionProof, type InclusionProof, type InclusionCheck } from './inclusion-proof';
