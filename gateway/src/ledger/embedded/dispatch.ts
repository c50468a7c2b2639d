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
