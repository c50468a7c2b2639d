/**
 * The gateway's one door to its LedgerBackend: submits with safe retries,
 * queries, deadlines, and the translation of ledger failures into coded
 * errors (a chaincode refusal becomes the LedgerRuleError it was thrown as).
 *
 * Retried: MVCC and phantom read conflicts, each time as a new transaction.
 * A submit whose commit was not confirmed in time is re-checked by its
 * transaction id and sent again only when the function is idempotent (Lodge
 * returns the existing record for the same UCR and hash).
 *
 * Deadline: `deadlineMs` bounds a whole call, its retries included; a submit
 * that runs out of it is answered LEDGER_TIMEOUT naming its transaction id.
 */
import { LedgerRuleError } from 'customs-ledger-chaincode/domain';
import {
  LedgerError,
  type LedgerBackend,
  type SubmitRequest,
  type TransactionRequest,
  type ValidationCode,
} from '../ledger/backend';
import { GatewayError } from './errors';

export type TransactionOutcome = 'committed' | 'refused' | 'conflict' | 'invalidated' | 'timeout' | 'unavailable' | 'failed';

export interface TransactionObservation {
  /** "contract:Function" */
  fn: string;
  outcome: TransactionOutcome;
  /** the validation code the peer gave, or "NONE" when the transaction never reached validation */
  validationCode: ValidationCode | 'NONE';
}

/** Told about every submit attempt, e.g. to count them in metrics. */
export interface LedgerObserver {
  transaction(observation: TransactionObservation): void;
}

export interface Committed<T> {
  value: T;
  transactionId: string;
  blockNumber: number;
}

export interface LedgerClientOptions {
  /** attempts per submit, the first included */
  maxAttempts: number;
  /** deadline of one gateway call to the ledger, retries included, in milliseconds */
  deadlineMs: number;
  /**
   * Submits under way at once; beyond it a submit is refused at once with
   * LEDGER_BUSY (503, Retry-After) instead of queueing toward its deadline.
   */
  maxInFlight: number;
}

const DEFAULTS: LedgerClientOptions = { maxAttempts: 3, deadlineMs: 30_000, maxInFlight: 256 };
/**
 * Conflicts with concurrent transactions, worth a new transaction. Fabric also
 * gives ENDORSEMENT_POLICY_FAILURE to a transaction writing a key whose
 * key-level policy an earlier transaction of the same block set (two updates
 * of one record in one block); a genuine policy failure fails again and is
 * reported after the last attempt.
 */
const RETRYABLE: readonly ValidationCode[] = ['MVCC_READ_CONFLICT', 'PHANTOM_READ_CONFLICT', 'ENDORSEMENT_POLICY_FAILURE'];

class DeadlineExceeded extends Error {}

export class LedgerClient {
  private readonly options: LedgerClientOptions;
  private inFlight = 0;

  constructor(
    readonly backend: LedgerBackend,
    private readonly observer: LedgerObserver | undefined = undefined,
    options: Partial<LedgerClientOptions> = {},
  ) {
    this.options = { ...DEFAULTS, ...options };
  }

  get mspId(): string {
    return this.backend.mspId;
  }

  /** Submits and waits for the commit; `idempotent` allows sending again after an unconfirmed commit. */
  async submit<T>(request: SubmitRequest, parse: (payload: Buffer) => T, idempotent = false): Promise<Committed<T>> {
    if (this.inFlight >= this.options.maxInFlight) {
      throw new GatewayError('LEDGER_BUSY', `${this.inFlight} transactions are under way; try again shortly`, { inFlight: this.inFlight });
    }
    this.inFlight += 1;
    try {
      return await this.submitAttempts(request, parse, idempotent);
    } finally {
      this.inFlight -= 1;
    }
  }

  private async submitAttempts<T>(request: SubmitRequest, parse: (payload: Buffer) => T, idempotent: boolean): Promise<Committed<T>> {
    const fn = `${request.contract}:${request.fn}`;
    const until = Date.now() + this.options.deadlineMs;
    for (let attempt = 1; ; attempt++) {
      let sent: string | undefined;
      try {
        const result = await this.withDeadline(
          this.backend.submit({ ...request, onTransactionId: (id) => (sent = id) }),
          until,
        );
        this.observe(fn, 'committed', 'VALID');
        return { value: parse(result.payload), transactionId: result.transactionId, blockNumber: result.blockNumber };
      } catch (err) {
        if (err instanceof LedgerError && err.details.validationCode !== undefined && RETRYABLE.includes(err.details.validationCode)) {
          this.observe(fn, 'conflict', err.details.validationCode);
          if (attempt < this.options.maxAttempts) {
            continue;
          }
          throw new GatewayError('LEDGER_CONFLICT', `${fn} kept conflicting with concurrent transactions; try again`, {
            attempts: attempt,
          }, { cause: err });
        }
        if (isUnconfirmedCommit(err)) {
          this.observe(fn, 'timeout', 'NONE');
          const transactionId = (err instanceof LedgerError ? err.transactionId : undefined) ?? sent;
          const status = transactionId === undefined ? undefined : await this.statusOf(transactionId, until);
          if (status !== undefined && status !== 'VALID' && !RETRYABLE.includes(status)) {
            throw new GatewayError('LEDGER_FAILURE', `${fn} was invalidated by the ledger (${status})`, {
              transactionId: transactionId ?? null,
              validationCode: status,
            });
          }
          if (idempotent && attempt < this.options.maxAttempts && Date.now() < until) {
            continue;
          }
          throw new GatewayError('LEDGER_TIMEOUT', `the ledger did not confirm ${fn} in time; check transaction ${transactionId ?? '(unknown)'}`, {
            transactionId: transactionId ?? null,
            committed: status === 'VALID',
          }, { cause: err });
        }
        throw this.translate(fn, err);
      }
    }
  }

  /** Runs a query on the authority's own peer. */
  async evaluate<T>(request: TransactionRequest, parse: (payload: Buffer) => T): Promise<T> {
    const fn = `${request.contract}:${request.fn}`;
    let payload: Buffer;
    try {
      payload = await this.withDeadline(this.backend.evaluate(request), Date.now() + this.options.deadlineMs);
    } catch (err) {
      if (err instanceof DeadlineExceeded) {
        throw new GatewayError('LEDGER_TIMEOUT', `the ledger did not answer ${fn} in time`);
      }
      throw this.translate(fn, err, false);
    }
    return parse(payload);
  }

  /** Any other backend call, under the same deadline and error translation. */
  async call<T>(what: string, run: () => Promise<T>): Promise<T> {
    try {
      return await this.withDeadline(run(), Date.now() + this.options.deadlineMs);
    } catch (err) {
      if (err instanceof DeadlineExceeded) {
        throw new GatewayError('LEDGER_TIMEOUT', `the ledger did not answer ${what} in time`);
      }
      throw this.translate(what, err, false);
    }
  }

  private async statusOf(transactionId: string, until: number): Promise<ValidationCode | undefined> {
    if (Date.now() >= until) {
      return undefined;
    }
    try {
      return (await this.withDeadline(this.backend.transactionStatus(transactionId), until))?.validationCode;
    } catch {
      return undefined;
    }
  }

  private translate(fn: string, err: unknown, observed = true): Error {
    if (!(err instanceof LedgerError)) {
      if (observed) {
        this.observe(fn, 'failed', 'NONE');
      }
      return err instanceof Error ? err : new Error(String(err));
    }
    const refusal = err.refusal;
    if (refusal) {
      if (observed) {
        this.observe(fn, 'refused', 'NONE');
      }
      return new LedgerRuleError(refusal.code, refusal.message, refusal.details, { cause: err });
    }
    if (err.stage === 'connect') {
      if (observed) {
        this.observe(fn, 'unavailable', 'NONE');
      }
      return new GatewayError('LEDGER_UNAVAILABLE', `the ledger cannot take ${fn} now: ${err.message}`, {}, { cause: err });
    }
    if (observed) {
      this.observe(fn, err.details.validationCode === undefined ? 'failed' : 'invalidated', err.details.validationCode ?? 'NONE');
    }
    return new GatewayError('LEDGER_FAILURE', `${fn} failed at ${err.stage}`, {
      transactionId: err.transactionId ?? null,
      validationCode: err.details.validationCode ?? null,
    }, { cause: err });
  }

  private observe(fn: string, outcome: TransactionOutcome, validationCode: ValidationCode | 'NONE'): void {
    this.observer?.transaction({ fn, outcome, validationCode });
  }

  /** Settles as `promise` does, or with DeadlineExceeded once the time `until` (epoch ms) passes first. */
  private withDeadline<T>(promise: Promise<T>, until: number): Promise<T> {
    return new Promise<T>((resolve, reject) => {
      const timer = setTimeout(() => reject(new DeadlineExceeded('deadline exceeded')), Math.max(0, until - Date.now()));
      timer.unref();
      void promise.then(resolve, reject).finally(() => clearTimeout(timer));
    });
  }
}

/** A submit that may or may not have committed: the commit wait ran out, or our own deadline did. */
function isUnconfirmedCommit(err: unknown): boolean {
  return err instanceof DeadlineExceeded || (err instanceof LedgerError && err.stage === 'commit' && err.details.validationCode === undefined);
}
