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
 * - winston (their logger) pushes every message, debug ones included,
 *   through its stream and formats it before any level check; and
 *   "critical" maps to a level winston does not know. Messages above a
 *   logger's level are dropped before they enter the stream.
 * - ClientIdentity parses the creator's PEM with @fidm/x509 on every
 *   invocation; the parse is memoised by PEM text (the result is only read).
 */
function trimLibraryOverheads(): void {
  const fromShim = createRequire(requireFromHere.resolve('fabric-shim'));
  const winston = fromShim('winston') as { Logger: { prototype: unknown } };
  const LEVEL = Symbol.for('level');
  const proto = winston.Logger.prototype as {
    write: (this: { levels: Record<string, number>; level: string }, info: Record<string | symbol, unknown>, ...rest: unknown[]) => boolean;
    __customsLedgerTrimmed?: boolean;
  };
  if (!proto.__customsLedgerTrimmed) {
    const original = proto.write;
    proto.write = function (info, ...rest) {
      const max = this.levels[this.level];
      const level = this.levels[String(info[LEVEL] ?? info.level)];
      if (max === undefined || (level !== undefined && level > max)) {
        return true;
      }
      return original.call(this, info, ...rest);
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

interface ContractInstance {
  createContext(): { setChaincodeStub(stub: SimulationStub): void; setClientIdentity(identity: unknown): void; logging?: unknown };
  beforeTransaction(ctx: unknown): Promise<void>;
  aroundTransaction(ctx: unknown, fn: string, parameters: unknown[]): Promise<unknown>;
  afterTransaction(ctx: unknown, result: unknown): Promise<void>;
  unknownTransaction(ctx: unknown): Promise<void>;
}

interface TransactionMetadata {
  name: string;
  parameters?: ParameterMetadata[];
  returns?: { schema?: unknown };
}

interface ContractDispatcher {
  Invoke(stub: SimulationStub): Promise<ChaincodeResponse>;
  invokeFunctionality(stub: SimulationStub): Promise<ChaincodeResponse>;
  _splitFunctionName(fcn: string): { contractName: string; function: string };
  contractImplementations: Record<string, { contractInstance: ContractInstance; dataMarshall?: DataMarshall }>;
  metadata: { contracts: Record<string, { transactions: TransactionMetadata[] }> };
}

interface ShimInternals {
  success(payload?: Buffer): ChaincodeResponse;
  error(message: string): ChaincodeResponse;
  ClientIdentity: new (stub: SimulationStub) => unknown;
}

interface ShimLogger {
  setLevel: unknown;
  getLogger(name: string): { error(message: string): void };
}

/**
 * The contract dispatch a Fabric peer's Node chaincode runs (fabric-shim
 * 2.5's ChaincodeFromContract): the same steps, hooks, parameter conversion
 * and responses, refusal messages included (the parity suite compares them
 * with a real peer's), without the debug messages the shim builds whatever
 * the log level: among them the JSON of the transaction's result, which for
 * a page of records cost more than the rest of the dispatch.
 * (CORE_CHAINCODE_LOGGING_LEVEL=debug therefore shows fewer dispatch
 * messages than on a Fabric peer.)
 */
function invokeWithoutDebugMessages(dispatcher: ContractDispatcher, shim: ShimInternals, shimLogger: ShimLogger): (stub: SimulationStub) => Promise<ChaincodeResponse> {
  const log = shimLogger.getLogger('contracts-spi/chaincodefromcontract.js');
  return async (stub) => {
    const bufferArgs = stub.getBufferArgs();
    if (bufferArgs.length < 1) {
      return shim.success(Buffer.from('Default initiator successful.'));
    }
    const loggerPrefix = `[${stub.getChannelID()}-${stub.getTxID().substring(0, 8)}]`;
    try {
      const { contractName, function: fn } = dispatcher._splitFunctionName(bufferArgs[0]!.toString());
      const contractData = dispatcher.contractImplementations[contractName];
      if (!contractData) {
        throw new Error(`Contract name is not known: ${contractName}`);
      }
      const contract = contractData.contractInstance;
      const ctx = contract.createContext();
      ctx.setChaincodeStub(stub);
      ctx.setClientIdentity(new shim.ClientIdentity(stub));
      ctx.logging = {
        setLevel: shimLogger.setLevel,
        getLogger: (name?: string) => shimLogger.getLogger(name ? `${contractName}:${name}` : contractName),
      };
      const transaction = dispatcher.metadata.contracts[contractName]!.transactions.find((t) => t.name === fn);
      if (!transaction) {
        try {
          await contract.unknownTransaction(ctx);
          return shim.success();
        } catch (error) {
          return shim.error((error as Error).message);
        }
      }
      const parameters = contractData.dataMarshall!.handleParameters(transaction, bufferArgs.slice(1), loggerPrefix);
      await contract.beforeTransaction(ctx);
      const result = await contract.aroundTransaction(ctx, fn, parameters);
      await contract.afterTransaction(ctx, result);
      return shim.success(contractData.dataMarshall!.toWireBuffer(result, transaction.returns?.schema, loggerPrefix));
    } catch (error) {
      log.error(`${loggerPrefix} ${String(error)}`);
      return shim.error((error as Error).message);
    }
  };
}

interface ParameterMetadata {
  name?: string;
  schema: { type?: string; $ref?: string };
}

type Validator = ((data: unknown) => boolean) & { errors?: { message?: string }[] | null };

/** The part of fabric-shim's DataMarshall that handleParameters uses. */
interface DataMarshall {
  ajv: { compile(schema: unknown): Validator };
  components: unknown;
  fromWireBuffer(data: Buffer, schema: unknown, loggerPrefix: string): { value: unknown; validateData: unknown };
  handleParameters(fn: { parameters?: ParameterMetadata[] }, parameters: Buffer[], loggerPrefix: string): unknown[];
  toWireBuffer(result: unknown, schema: unknown, loggerPrefix: string): Buffer | undefined;
}

/**
 * DataMarshall.handleParameters with the same checks and conversions, minus
 * two costs per call that measured more than the contract's own work: it
 * builds its debug messages whatever the log level (the JSON of every
 * parameter's schema with all the contract's types, util.inspect of every
 * argument), and it finds each parameter's ajv validator by the JSON of
 * that schema. Here each parameter's schema and validator are made once.
 */
function compileParametersOnce(marshall: DataMarshall): void {
  const compiled = new WeakMap<ParameterMetadata, { schema: unknown; validator: Validator }>();
  marshall.handleParameters = function (fn, parameters, loggerPrefix) {
    const expected = fn.parameters;
    if (!expected) {
      return parameters.map((p) => p.toString());
    }
    if (expected.length !== parameters.length) {
      throw new Error(`Expected ${expected.length} parameters, but ${parameters.length} have been supplied`);
    }
    return expected.map((parameter, i) => {
      let known = compiled.get(parameter);
      if (!known) {
        if (!parameter.schema.type && !parameter.schema.$ref) {
          throw new Error(`Incorrect type information ${JSON.stringify(parameter.schema)}`);
        }
        const schema = { properties: { prop: parameter.schema }, components: { schemas: this.components } };
        known = { schema, validator: this.ajv.compile(schema) };
        compiled.set(parameter, known);
      }
      const { value, validateData } = this.fromWireBuffer(parameters[i]!, known.schema, loggerPrefix);
      if (!known.validator({ prop: validateData })) {
        throw new Error(`Unable to validate parameter due to ${JSON.stringify((known.validator.errors ?? []).map((e) => e.message))}`);
      }
      return value;
    });
  };
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
    for (const implementation of Object.values(this.dispatcher.contractImplementations)) {
      if (implementation.dataMarshall) {
        compileParametersOnce(implementation.dataMarshall);
      }
    }
    const shim = requireFromHere('fabric-shim/lib/chaincode.js') as ShimInternals;
    const shimLogger = requireFromHere('fabric-shim/lib/logger.js') as ShimLogger;
    this.dispatcher.invokeFunctionality = invokeWithoutDebugMessages(this.dispatcher, shim, shimLogger);
  }

  async invoke(stub: SimulationStub): Promise<InvokeResult> {
    const response = await this.dispatcher.Invoke(stub);
    return {
      status: response.status,
      message: response.message ?? '',
      // the serializer's own buffer: nothing else holds it, so it is not copied
      payload: response.payload ? Buffer.from(response.payload.buffer, response.payload.byteOffset, response.payload.byteLength) : Buffer.alloc(0),
    };
  }
}
