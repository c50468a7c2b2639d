/**
 * The one interface through which a gateway reaches the ledger: its own
 * authority's peer, on the embedded ledger or on real Fabric. Nothing outside
 * gateway/src/ledger/ knows which implementation runs.
 */
import { decodeRuleError, type DecodedRuleError } from 'customs-ledger-chaincode/domain';

/** An X.509 identity from the authority's wallet. */
export interface WalletIdentity {
  /** wallet label, e.g. "officer1" */
  label: string;
  mspId: string;
  certificatePem: string;
  privateKeyPem: string;
}

export type ContractName = 'agreement' | 'consignment' | 'membership';

export interface TransactionRequest {
  identity: WalletIdentity;
  contract: ContractName;
  /** transaction function, e.g. "Lodge" */
  fn: string;
  args: string[];
  /** transient data: never written to a block */
  transient?: Record<string, Uint8Array>;
}

export interface SubmitRequest extends TransactionRequest {
  /**
   * Organisations whose peers must endorse. Defaults to the caller's own;
   * a share names the recipient too, since its peer writes into its own collection.
   */
  endorsingOrgs?: string[];
  /**
   * 'policy' (the default): besides the caller's own peer and `endorsingOrgs`,
   * as many other members' peers as the chaincode policy needs (a majority),
   * taken in turn and replaced when one cannot endorse. 'named': only those,
   * for a transaction that writes into the caller's own implicit collection
   * alone (see endorsement-plan.ts).
   */
  endorsement?: 'policy' | 'named';
  /**
   * Told the transaction's id as soon as it is made, before anything is sent,
   * so that a caller whose own deadline runs out can still name it.
   */
  onTransactionId?: (transactionId: string) => void;
}

export interface SubmitResult {
  transactionId: string;
  blockNumber: number;
  /** the transaction function's return value */
  payload: Buffer;
}

export type { ValidationCode } from '../fabric-format/validation-codes';
import type { ValidationCode } from '../fabric-format/validation-codes';

export interface TransactionStatus {
  transactionId: string;
  blockNumber: number;
  validationCode: ValidationCode;
}

export interface ContractEvent {
  blockNumber: number;
  transactionId: string;
  /** event name set by the chaincode, e.g. "ConsignmentLodged" */
  name: string;
  /** canonical JSON bytes */
  payload: Buffer;
}

export interface BlockInfo {
  number: number;
  /** hex SHA-256 of the block header, as Fabric computes it */
  headerHash: string;
  previousHash: string;
  dataHash: string;
  transactions: {
    transactionId: string;
    validationCode: ValidationCode;
    creatorMspId: string;
    timestamp: string;
    /** "contract:Function"; "<chaincode>:<function>" for another chaincode's, e.g. "_lifecycle:CommitChaincodeDefinition"; "config" for a configuration transaction */
    function: string;
  }[];
}

export type LedgerStage = 'endorse' | 'submit' | 'commit' | 'evaluate' | 'connect';

export interface LedgerErrorDetails {
  /** the chaincode's message as a peer returned it (a coded refusal's wire form, or a chaincode's uncoded failure) */
  chaincodeMessage?: string;
  /** set for a commit that was invalidated */
  validationCode?: ValidationCode;
  cause?: unknown;
}

/**
 * A ledger call that failed, one class per stage like fabric-gateway's
 * EndorseError / SubmitError / CommitError, with the underlying failure as
 * its native `cause`. A chaincode's coded refusal is decoded here, once, as
 * the backend raises it: `refusal` is that refusal as data (code, message,
 * details), the same on every honest peer.
 */
export abstract class LedgerError extends Error {
  abstract readonly stage: LedgerStage;
  readonly refusal: DecodedRuleError | undefined;

  constructor(
    message: string,
    readonly transactionId: string | undefined,
    readonly details: LedgerErrorDetails = {},
  ) {
    super(message, details.cause === undefined ? undefined : { cause: details.cause });
    this.refusal = details.chaincodeMessage === undefined ? undefined : decodeRuleError(details.chaincodeMessage);
    this.name = new.target.name;
  }
}

export class EndorseError extends LedgerError {
  readonly stage = 'endorse';
}
export class SubmitError extends LedgerError {
  readonly stage = 'submit';
}
export class CommitError extends LedgerError {
  readonly stage = 'commit';
}
export class EvaluateError extends LedgerError {
  readonly stage = 'evaluate';
}
export class ConnectError extends LedgerError {
  readonly stage = 'connect';
}

const STAGE_ERRORS = { endorse: EndorseError, submit: SubmitError, commit: CommitError, evaluate: EvaluateError, connect: ConnectError } as const;

/** The LedgerError of a stage known only at run time. */
export function ledgerError(stage: LedgerStage, message: string, transactionId: string | undefined, details: LedgerErrorDetails = {}): LedgerError {
  return new STAGE_ERRORS[stage](message, transactionId, details);
}

/**
 * Whether a failed endorsement is the chaincode's own coded refusal (the
 * same on every honest peer, so no other set of endorsers would change it),
 * rather than a peer that could not endorse (down, its chaincode not
 * started, a result that differs from another endorser's).
 */
export function isCodedRefusal(err: unknown): boolean {
  return err instanceof LedgerError && err.refusal !== undefined;
}

export interface LedgerBackend {
  /** MSP id of the authority whose peer this backend talks to */
  readonly mspId: string;
  readonly kind: 'embedded' | 'fabric-network' | 'fabric-gateway';

  /** Endorse, order, and wait until the authority's own peer committed the transaction as VALID. */
  submit(request: SubmitRequest): Promise<SubmitResult>;
  /** Run a query on the authority's own peer; nothing is ordered. */
  evaluate(request: TransactionRequest): Promise<Buffer>;
  /** Status of a transaction the peer has committed (valid or not), or undefined if it has none. */
  transactionStatus(transactionId: string): Promise<TransactionStatus | undefined>;
  /** Number of blocks on the peer (the next block's number). */
  blockHeight(): Promise<number>;
  /** A block as Fabric's protobuf common.Block bytes. */
  blockBytes(blockNumber: number): Promise<Uint8Array>;
  /** A block's header, hashes and transactions. */
  blockInfo(blockNumber: number): Promise<BlockInfo>;
  /**
   * Chaincode events of valid transactions from `fromBlock` on, in ledger order,
   * then live ones; returns a function that stops the listener.
   */
  onContractEvents(fromBlock: number, listener: (event: ContractEvent) => void): Promise<() => void>;
  close(): Promise<void>;
}
