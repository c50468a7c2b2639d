/** Who signs a Fabric message: an MSP id and certificate (msp.SerializedIdentity), and the signer that holds its key. */
import { msp } from '@hyperledger/fabric-protos';

export interface Signer {
  mspId: string;
  certificatePem: string;
  privateKeyPem: string;
}

export function serializedIdentity(mspId: string, certificatePem: string): Uint8Array {
  const id = new msp.SerializedIdentity();
  id.setMspid(mspId);
  id.setIdBytes(Buffer.from(certificatePem, 'utf8'));
  return id.serializeBinary();
}

export function parseIdentity(bytes: Uint8Array): { mspId: string; certificatePem: string } {
  const id = msp.SerializedIdentity.deserializeBinary(bytes);
  return { mspId: id.getMspid(), certificatePem: Buffer.from(id.getIdBytes_asU8()).toString('utf8') };
}
