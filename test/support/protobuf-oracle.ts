/**
 * Fabric's blocks and envelopes decoded through google-protobuf's message
 * classes (@hyperledger/fabric-protos): the test oracle of the gateway's own
 * block reader (fabric-format/block-reader.ts), which must read every block
 * as these do, or refuse it for a stricter reason.
 */
import { common, ledger, peer } from '@hyperledger/fabric-protos';
import { parseIdentity } from 'customs-ledger-gateway/dist/fabric-format/identity';
import { emptyRwset, type DecodedBlock, type DecodedTransaction } from 'customs-ledger-gateway/dist/fabric-format/decoded';
import { VALIDATION_PARAMETER, type Version } from 'customs-ledger-gateway/dist/fabric-format/rwset';
import { validationCodeName } from 'customs-ledger-gateway/dist/fabric-format/validation-codes';

const { kvrwset } = ledger.rwset;

export function decodeBlock(bytes: Uint8Array): DecodedBlock {
  const block = common.Block.deserializeBinary(bytes);
  const header = block.getHeader();
  if (!header) {
    throw new Error('block has no header');
  }
  const metadata = block.getMetadata()?.getMetadataList_asU8() ?? [];
  const filter = metadata[common.BlockMetadataIndex.TRANSACTIONS_FILTER] ?? new Uint8Array();
  const envelopes = block.getData()?.getDataList_asU8() ?? [];
  const sigBytes = metadata[common.BlockMetadataIndex.SIGNATURES];
  const ordererSignatures =
    sigBytes && sigBytes.length > 0
      ? common.Metadata.deserializeBinary(sigBytes)
          .getSignaturesList()
          .map((s) => {
            const sh = common.SignatureHeader.deserializeBinary(s.getSignatureHeader_asU8());
            return { ...parseIdentity(sh.getCreator_asU8()), signatureHeader: s.getSignatureHeader_asU8(), signature: s.getSignature_asU8() };
          })
      : [];
  return {
    number: header.getNumber(),
    previousHash: Buffer.from(header.getPreviousHash_asU8()),
    dataHash: Buffer.from(header.getDataHash_asU8()),
    envelopes,
    validationCodes: envelopes.map((_, i) => validationCodeName(filter[i] ?? 254)),
    ordererSignatures,
  };
}

function decodeVersion(v: ledger.rwset.kvrwset.Version | undefined): Version | null {
  return v ? { block: v.getBlockNum(), tx: v.getTxNum() } : null;
}

/** Decodes an envelope; throws on anything malformed (the caller marks it invalid). */
export function decodeEnvelope(envelopeBytes: Uint8Array): DecodedTransaction {
  const envelope = common.Envelope.deserializeBinary(envelopeBytes);
  const payloadBytes = envelope.getPayload_asU8();
  const payload = common.Payload.deserializeBinary(payloadBytes);
  const header = payload.getHeader();
  if (!header) {
    throw new Error('envelope has no header');
  }
  const ch = common.ChannelHeader.deserializeBinary(header.getChannelHeader_asU8());
  const sh = common.SignatureHeader.deserializeBinary(header.getSignatureHeader_asU8());
  const ts = ch.getTimestamp();
  const base = {
    headerType: ch.getType(),
    transactionId: ch.getTxId(),
    channelId: ch.getChannelId(),
    timestamp: ts ? ts.toDate() : new Date(0),
    creator: parseIdentity(sh.getCreator_asU8()),
    payloadBytes,
    signature: envelope.getSignature_asU8(),
  };
  const empty: DecodedTransaction = {
    ...base,
    chaincode: '',
    args: [],
    proposalResponsePayload: new Uint8Array(),
    endorsements: [],
    rwset: emptyRwset(),
    namespaces: [],
    event: null,
    response: { status: 0, message: '', payload: new Uint8Array() },
  };
  if (base.headerType !== common.HeaderType.ENDORSER_TRANSACTION) {
    return empty;
  }
  const tx = peer.Transaction.deserializeBinary(payload.getData_asU8());
  const action = tx.getActionsList()[0];
  if (!action) {
    throw new Error('transaction has no action');
  }
  const cap = peer.ChaincodeActionPayload.deserializeBinary(action.getPayload_asU8());
  const cpp = peer.ChaincodeProposalPayload.deserializeBinary(cap.getChaincodeProposalPayload_asU8());
  const invocation = peer.ChaincodeInvocationSpec.deserializeBinary(cpp.getInput_asU8());
  const spec = invocation.getChaincodeSpec();
  const args = (spec?.getInput()?.getArgsList_asU8() ?? []).map((a) => Buffer.from(a).toString('utf8'));
  const endorsed = cap.getAction();
  if (!endorsed) {
    throw new Error('transaction has no endorsed action');
  }
  const prpBytes = endorsed.getProposalResponsePayload_asU8();
  const prp = peer.ProposalResponsePayload.deserializeBinary(prpBytes);
  const cca = peer.ChaincodeAction.deserializeBinary(prp.getExtension_asU8());
  const results = ledger.rwset.TxReadWriteSet.deserializeBinary(cca.getResults_asU8());
  const namespaces: DecodedTransaction['namespaces'] = [];
  for (const ns of results.getNsRwsetList()) {
    const rwset = emptyRwset();
    namespaces.push({ namespace: ns.getNamespace(), rwset });
    const kv = kvrwset.KVRWSet.deserializeBinary(ns.getRwset_asU8());
    rwset.reads.push(...kv.getReadsList().map((r) => ({ key: r.getKey(), version: decodeVersion(r.getVersion()) })));
    rwset.rangeQueries.push(
      ...kv.getRangeQueriesInfoList().map((q) => ({
        startKey: q.getStartKey(),
        endKey: q.getEndKey(),
        exhausted: q.getItrExhausted(),
        reads: (q.getRawReads()?.getKvReadsList() ?? []).map((r) => ({ key: r.getKey(), version: decodeVersion(r.getVersion()) })),
      })),
    );
    rwset.writes.push(...kv.getWritesList().map((w) => ({ key: w.getKey(), value: w.getIsDelete() ? null : w.getValue_asU8() })));
    rwset.metadataWrites.push(
      ...kv.getMetadataWritesList().map((m) => ({
        key: m.getKey(),
        validationParameter: m.getEntriesList().find((e) => e.getName() === VALIDATION_PARAMETER)?.getValue_asU8() ?? null,
      })),
    );
    for (const c of ns.getCollectionHashedRwsetList()) {
      const hashed = kvrwset.HashedRWSet.deserializeBinary(c.getHashedRwset_asU8());
      rwset.collections.push({
        collection: c.getCollectionName(),
        hashedReads: hashed.getHashedReadsList().map((r) => ({ keyHash: Buffer.from(r.getKeyHash_asU8()), version: decodeVersion(r.getVersion()) })),
        hashedWrites: hashed.getHashedWritesList().map((w) => ({
          keyHash: Buffer.from(w.getKeyHash_asU8()),
          valueHash: w.getValueHash_asU8().length > 0 ? Buffer.from(w.getValueHash_asU8()) : null,
          isDelete: w.getIsDelete(),
          isPurge: w.getIsPurge(),
        })),
        pvtRwsetHash: Buffer.from(c.getPvtRwsetHash_asU8()),
      });
    }
  }
  // The invoked chaincode: the proposal's, else the endorsed action's, else a transaction's only namespace.
  const chaincode =
    spec?.getChaincodeId()?.getName() || cca.getChaincodeId()?.getName() || (namespaces.length === 1 ? namespaces[0]!.namespace : '');
  const rwset = namespaces.find((n) => n.namespace === chaincode)?.rwset ?? emptyRwset();
  const eventBytes = cca.getEvents_asU8();
  const ev = eventBytes.length > 0 ? peer.ChaincodeEvent.deserializeBinary(eventBytes) : undefined;
  const response = cca.getResponse();
  return {
    ...base,
    chaincode,
    args,
    proposalResponsePayload: prpBytes,
    endorsements: endorsed.getEndorsementsList().map((e) => ({
      ...parseIdentity(e.getEndorser_asU8()),
      endorser: e.getEndorser_asU8(),
      signature: e.getSignature_asU8(),
    })),
    rwset,
    namespaces,
    event: ev ? { name: ev.getEventName(), payload: ev.getPayload_asU8() } : null,
    response: {
      status: response?.getStatus() ?? 0,
      message: response?.getMessage() ?? '',
      payload: response?.getPayload_asU8() ?? new Uint8Array(),
    },
  };
}

/** Decodes the plain private writes of one collection (KVRWSet bytes). */
