/** Proposal responses, endorsements and transaction envelopes (common.Envelope) in Fabric's protobuf format. */
import { common, peer } from '@hyperledger/fabric-protos';
import type { BuiltProposal } from './proposal';
import type { ChaincodeEvent } from './rwset';
import { serializedIdentity, type Signer } from './identity';
import { signLowS } from './signing';

function chaincodeId(name: string, version?: string): peer.ChaincodeID {
  const id = new peer.ChaincodeID();
  id.setName(name);
  if (version) {
    id.setVersion(version);
  }
  return id;
}

export interface ChaincodeResponse {
  status: number;
  message: string;
  payload: Uint8Array;
}

export function buildProposalResponsePayload(
  proposal: Pick<BuiltProposal, 'proposalHash' | 'transactionId'>,
  chaincode: string,
  chaincodeVersion: string,
  results: Uint8Array,
  event: ChaincodeEvent | null,
  response: ChaincodeResponse,
): Uint8Array {
  const action = new peer.ChaincodeAction();
  action.setResults(results);
  if (event) {
    const ev = new peer.ChaincodeEvent();
    ev.setChaincodeId(chaincode);
    ev.setTxId(proposal.transactionId);
    ev.setEventName(event.name);
    ev.setPayload(event.payload);
    action.setEvents(ev.serializeBinary());
  }
  const res = new peer.Response();
  res.setStatus(response.status);
  res.setMessage(response.message);
  res.setPayload(response.payload);
  action.setResponse(res);
  action.setChaincodeId(chaincodeId(chaincode, chaincodeVersion));
  const prp = new peer.ProposalResponsePayload();
  prp.setProposalHash(proposal.proposalHash);
  prp.setExtension$(action.serializeBinary());
  return prp.serializeBinary();
}

export interface EndorsementBytes {
  endorser: Uint8Array;
  signature: Uint8Array;
}

export function endorse(prp: Uint8Array, signer: Signer): EndorsementBytes {
  const endorser = serializedIdentity(signer.mspId, signer.certificatePem);
  return { endorser, signature: signLowS(signer.privateKeyPem, Buffer.concat([prp, endorser])) };
}

export function buildEnvelope(proposal: BuiltProposal, prp: Uint8Array, endorsements: EndorsementBytes[], signer: Signer): Uint8Array {
  const endorsed = new peer.ChaincodeEndorsedAction();
  endorsed.setProposalResponsePayload(prp);
  endorsed.setEndorsementsList(
    endorsements.map((e) => {
      const pb = new peer.Endorsement();
      pb.setEndorser(e.endorser);
      pb.setSignature(e.signature);
      return pb;
    }),
  );
  const cap = new peer.ChaincodeActionPayload();
  cap.setChaincodeProposalPayload(proposal.proposalPayloadForBlock);
  cap.setAction(endorsed);
  const action = new peer.TransactionAction();
  action.setHeader(proposal.signatureHeader);
  action.setPayload(cap.serializeBinary());
  const tx = new peer.Transaction();
  tx.setActionsList([action]);
  const header = new common.Header();
  header.setChannelHeader(proposal.channelHeader);
  header.setSignatureHeader(proposal.signatureHeader);
  const payload = new common.Payload();
  payload.setHeader(header);
  payload.setData(tx.serializeBinary());
  const payloadBytes = payload.serializeBinary();
  const envelope = new common.Envelope();
  envelope.setPayload(payloadBytes);
  envelope.setSignature(signLowS(signer.privateKeyPem, payloadBytes));
  return envelope.serializeBinary();
}
