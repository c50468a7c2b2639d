/**
 * The state of a gateway's link to its authority's own peer. A call that
 * finds the peer unreachable marks the link down and drops the client's
 * connections, so the next call dials afresh instead of waiting out a broken
 * channel's backoff; while the link is down, calls within `quietMs` of the
 * last failure are refused at once (LedgerError stage `connect`, which the
 * gateway answers with 503 and Retry-After) instead of each waiting for a
 * connection timeout. The first call that succeeds marks it up again.
 */
import { CommitError, ConnectError, type LedgerError } from '../backend';
import { chaincodeMessageOf, messageOf } from './errors';

/** gRPC status UNAVAILABLE */
const GRPC_UNAVAILABLE = 14;

/**
 * What fabric-common, grpc-js and Node say when there is no connection to the
 * peer; a call cancelled is one whose connection a reset here closed.
 */
const UNREACHABLE_TEXT =
  /\bUNAVAILABLE\b|ECONNREFUSED|ECONNRESET|EHOSTUNREACH|No connection established|[Ff]ailed to connect|Connection dropped|[Cc]onnection refused|Socket closed|DiscoveryService has failed|is not connected|Channel has been shut down|CANCELLED: Call cancelled/;

/**
 * What Fabric says when no set of peers can endorse for the policy right now:
 * another member's peer is down, or a restarted peer's discovery does not yet
 * know the others (gossip takes a few seconds), or fabric-common's endorser
 * connection failed at the transport ("status=grpc, message=Endorsement has
 * failed", with no peer's answer). Not a fault of the request.
 */
export const NO_ENDORSERS =
  /failed to find any endorsing peers|failed constructing descriptor|no combination of peers|failed to select a set of endorsers|cannot satisfy the endorsement policy|status=grpc, message=Endorsement has failed/;

/** Whether no set of endorsers was available (see NO_ENDORSERS), rather than a refusal or a failure of the request. */
export function noEndorsersAvailable(err: unknown): boolean {
  const texts: string[] = [];
  const collect = (e: unknown, depth: number): void => {
    if (depth > 5 || e === null || typeof e !== 'object') {
      return;
    }
    const o = e as Record<string, unknown>;
    if (typeof o.message === 'string') {
      texts.push(o.message);
    }
    collect(o.cause, depth + 1);
    if (o.details && typeof o.details === 'object' && 'cause' in o.details) {
      collect((o.details as { cause: unknown }).cause, depth + 1);
    }
  };
  collect(err, 0);
  return texts.some((t) => NO_ENDORSERS.test(t));
}

/** The error to throw when every set of endorsers failed: LedgerError(`connect`) when none was reachable, else `last`. */
export function noEndorsersError(last: unknown): unknown {
  if (!noEndorsersAvailable(last)) {
    return last;
  }
  return new ConnectError(`no set of endorsing peers for the chaincode policy can be reached now: ${messageOf(last)}`, undefined, { cause: last });
}

/** The peer's names in errors: its host name (fabric-common's "peer=<name>") and its address (its URL). */
export interface PeerNames {
  hostName: string;
  address: string;
}

/**
 * Whether a line of an error's text says the peer could not be reached.
 * fabric-common lists every endorser of a failed endorsement on a line of
 * its own ("peer=<name>, status=grpc, message=..."): a line about another
 * member's peer (a witness that is down) says nothing of this one.
 */
function lineSaysUnreachable(line: string, own: PeerNames): boolean {
  if (!UNREACHABLE_TEXT.test(line)) {
    return false;
  }
  const named = /peer=([^,\s]+)/.exec(line)?.[1];
  if (named !== undefined) {
    return named === own.hostName;
  }
  const url = /url:\s*grpcs?:\/\/([^,\s]+)/.exec(line)?.[1];
  return url === undefined || url === own.address;
}

function walk(err: unknown, own: PeerNames, depth = 0): boolean {
  if (depth > 5 || err === null || typeof err !== 'object') {
    return false;
  }
  const e = err as Record<string, unknown>;
  // A gRPC status is that of the call to this peer (fabric-gateway's Gateway service): the per-peer
  // details of an ABORTED endorsement speak of the other endorsers.
  if (typeof e.code === 'number') {
    // ... and an UNAVAILABLE about endorsers ("failed to find any endorsing peers for org(s)") is about other peers
    return e.code === GRPC_UNAVAILABLE && !(typeof e.message === 'string' && NO_ENDORSERS.test(e.message));
  }
  if (typeof e.message === 'string' && e.message.split('\n').some((line) => lineSaysUnreachable(line, own))) {
    return true;
  }
  for (const listName of ['responses', 'errors']) {
    const list = e[listName];
    if (Array.isArray(list) && list.some((item) => walk(item, own, depth + 1))) {
      return true;
    }
  }
  return walk(e.cause, own, depth + 1);
}

/** Whether a Fabric client error says this peer could not be reached (not that it, or another endorser, refused or failed). */
export function isUnreachable(err: unknown, own: PeerNames): boolean {
  if (chaincodeMessageOf(err) !== undefined) {
    return false;
  }
  return walk(err, own);
}

/**
 * gRPC channel options toward the authority's peer. The peer accepts pings
 * every 5 s or more (CORE_PEER_KEEPALIVE_MININTERVAL in scripts/network);
 * Fabric's default is 60 s, so against a stock peer keep the interval at 60 s.
 */
export const PEER_CHANNEL_OPTIONS = {
  'grpc.keepalive_time_ms': 10_000,
  'grpc.keepalive_timeout_ms': 5_000,
  'grpc.keepalive_permit_without_calls': 1,
  'grpc.http2.min_time_between_pings_ms': 10_000,
  'grpc.initial_reconnect_backoff_ms': 250,
  'grpc.max_reconnect_backoff_ms': 2_000,
} as const;

export interface PeerLinkOptions {
  /** while down, calls this soon after the last failure are refused without dialing */
  quietMs: number;
}

export class PeerLink {
  private downSince: number | undefined;
  private lastFailure = 0;
  private lastError = '';
  private readonly options: PeerLinkOptions;

  constructor(
    private readonly mspId: string,
    private readonly peer: PeerNames,
    /** drops the client's connections so that the next call dials again */
    private readonly reset: () => void,
    options: Partial<PeerLinkOptions> = {},
  ) {
    this.options = { quietMs: 1_000, ...options };
  }

  get up(): boolean {
    return this.downSince === undefined;
  }

  /**
   * Runs a call that reaches the peer. An unreachable peer becomes
   * LedgerError(`connect`), or, when `unconfirmed` names the transaction id
   * of something already sent for ordering, LedgerError(`commit`) with that id:
   * its outcome is unknown, not refused.
   */
  async run<T>(call: () => Promise<T>, unconfirmed?: string): Promise<T> {
    this.refuseWhileQuiet();
    try {
      const value = await call();
      this.downSince = undefined;
      return value;
    } catch (err) {
      if (!isUnreachable(err, this.peer)) {
        throw err;
      }
      throw this.failed(err, unconfirmed);
    }
  }

  /** Marks the link down after an unreachable peer; returns the error to throw. */
  failed(err: unknown, unconfirmed?: string): LedgerError {
    const now = Date.now();
    this.downSince ??= now;
    this.lastFailure = now;
    this.lastError = messageOf(err);
    this.reset();
    if (unconfirmed !== undefined) {
      return new CommitError(`the peer of ${this.mspId} went away before confirming ${unconfirmed}: ${this.lastError}`, unconfirmed, {
        cause: err,
      });
    }
    return new ConnectError(`the peer of ${this.mspId} cannot be reached: ${this.lastError}`, undefined, { cause: err });
  }

  private refuseWhileQuiet(): void {
    if (this.downSince !== undefined && Date.now() - this.lastFailure < this.options.quietMs) {
      const seconds = Math.round((Date.now() - this.downSince) / 1000);
      throw new ConnectError(`the peer of ${this.mspId} has been unreachable for ${seconds} s: ${this.lastError}`, undefined);
    }
  }
}
