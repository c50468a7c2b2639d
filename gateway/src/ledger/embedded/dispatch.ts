/**
 * Runs the real contract classes in-process, through the very dispatcher a
 * Fabric Node chaincode uses (fabric-shim's ChaincodeFromContract), so
 * argument marshalling, metadata and error responses are those of a peer.
 * It is an internal module of the pinned fabric-shim version (2.5.8); this is
 * the only file that reaches into it.
 */
import { createRequire } from 'node:module';
import { JSONSerializer } from 'fabric-contract-api';
import type { SimulationStub } from './simulation';

const requireFromHere = createRequire(__filename);

/**
 * Two costs of running the contract libraries in a long-lived process, both
 * measured at over a third of a point read:
 * - winston (their logger) formats every message, debug ones included,
 *   before any level check; and "critical" maps to a level winston does not
 *   know. Messages above a logger's level are dropped before formatting.
 * - ClientIdentity parses the creator's PEM with @fidm/x509 on every
 *   invocation; the parse is memoised by PEM text (the result is only read).
 */
function trimLibraryOverheads(): void {
  const fromShim = createRequire(requireFromHere.resolve('fabric-shim'));
  const winston = fromShim('winston') as {
    Logger: { prototype: { _transform: (info: Record<string | symbol, unknown>, enc: string, cb: () => void) => void } };
  };
  const LEVEL = Symbol.for('level');
  const proto = winston.Logger.prototype as unknown as {
    _transform: (this: { levels: Record<string, number>; level: string }, info: Record<string | symbol, unknown>, enc: string, cb: () => void) => void;
    __customsLedgerTrimmed?: boolean;
  };
  if (!proto.__customsLedgerTrimmed) {
    const original = proto._transform;
    proto._transform = function (info, enc, cb) {
      const max = this.levels[this.level];
      const level = this.levels[String(info[LEVEL] ?? info.level)];
      if (max === undefined || (level !== undefined && level > max)) {
        cb();
        return;
      }
      original.call(this, info, enc, cb);
    };
    proto.__customsLedgerTrimmed = true;
  }
  const x509 = fromShim('@fidm/x509') as { Certificate: { fromPEM: (pem: Buffer) => unknown; __memo?: boolean } };
  if (!x509.Certificate.__memo) {
    const parse = x509.Certificate.fromPEM.bind(x509.Certificate);
    const memo = new Map<string, unknown>();
    x509.Certificate.fromPEM = (pem: Buffer): unknown => {
      const key = pem.toString();
      let cert = memo.get(key);
      if (cert === undefined) {
        cert = parse(pem);
        if (memo.size > 10_000) {
          memo.clear();
        }
        memo.set(key, cert);
      }
      return cert;
    };
    x509.Certificate.__memo = true;
  }
}

interface ChaincodeResponse {
  status: number;
  message?: string;
  payload?: Uint8Array;
}

interface ContractDispatcher {
  Invoke(stub: SimulationStub): Promise<ChaincodeResponse>;
}

type DispatcherClass = new (
  contracts: readonly (new () => unknown)[],
  serializers: unknown,
  metadata: unknown,
  title: string,
  version: string,
) => ContractDispatcher;

export interface InvokeResult {
  /** 200 on success; 500 when the contract threw */
  status: number;
  message: string;
  payload: Buffer;
}

export class ContractHost {
  private readonly dispatcher: ContractDispatcher;

  constructor(contracts: readonly (new () => unknown)[], title: string, version: string) {
    trimLibraryOverheads();
    const ChaincodeFromContract = requireFromHere('fabric-shim/lib/contract-spi/chaincodefromcontract.js') as DispatcherClass;
    const serializers = { transaction: 'jsonSerializer', serializers: { jsonSerializer: JSONSerializer } };
    this.dispatcher = new ChaincodeFromContract(contracts, serializers, {}, title, version);
  }

  async invoke(stub: SimulationStub): Promise<InvokeResult> {
    const response = await this.dispatcher.Invoke(stub);
    return {
      status: response.status,
      message: response.message ?? '',
      payload: response.payload ? Buffer.from(response.payload) : Buffer.alloc(0),
    };
  }
}
