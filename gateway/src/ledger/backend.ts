/**
 * The one interface through which a gateway reaches the ledger: its own
 * authority's peer, on the embedded ledger or on real Fabric. Nothing outside
 * gateway/src/ledger/ knows which implementation runs.
 */
import { decodeRuleError } from 'customs-ledger-chaincode/domain';

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

/**
 * A ledger call that failed, named by stage like fabric-gateway's
 * EndorseError / SubmitError / CommitError. `chaincodeMessage` is the raw
 * message of a chaincode refusal (decode it with the domain's
 * decodeRuleError); `validationCode` is set for a commit that was invalidated.
 */
export class LedgerError extends Error {
  constructor(
    readonly stage: LedgerStage,
    message: string,
    readonly transactionId: string | undefined,
    readonly details: { chaincodeMessage?: string; validationCode?: ValidationCode; cause?: unknown } = {},
  ) {
    super(message);
    this.name = 'LedgerError';
  }
}

/**
 * Whether a failed endorsement is the chaincode's own coded refusal (the
 * same on every honest peer, so no other set of endorsers would change it),
 * rather than a peer that could not endorse (down, its chaincode not
 * started, a result that differs from another endorser's).
 */
export function isCodedRefusal(err: unknown): boolean {
  return err instanceof LedgerError && err.details.chaincodeMessage !== undefined && decodeRuleError(err.details.chaincodeMessage) !== undefined;
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
