/**
 * The genesis block of a channel as configtxgen writes it for an
 * application channel ordered by etcdraft: one CONFIG envelope, unsigned
 * (no creator, no signature; its authenticity is its hash), whose config
 * holds the channel's values (HashingAlgorithm, BlockDataHashingStructure,
 * Capabilities) and ImplicitMeta policies; an Application group with each
 * member's MSP (NodeOUs enabled), signature policies and anchor peer; and an
 * Orderer group with the orderer organisation, BatchSize, BatchTimeout,
 * ChannelRestrictions and the etcdraft ConsensusType with its consenters.
 * Every group, value and policy has mod_policy Admins and version 0, as
 * configtxgen's defaults give them.
 */
import { randomBytes } from 'node:crypto';
import { common, msp, orderer, peer } from '@hyperledger/fabric-protos';
import { Timestamp } from 'google-protobuf/google/protobuf/timestamp_pb';
import { signaturePolicy, type PrincipalRole } from 'customs-ledger-chaincode/policy';
import { buildBlock, type BuiltBlock } from './block';
import { sha256 } from './signing';

export interface GenesisOrganisation {
  mspId: string;
  rootCertificatePem: string;
  /** the root of the organisation's TLS certificates, when it has one */
  tlsRootCertificatePem?: string;
}

export interface GenesisMember extends GenesisOrganisation {
  /** the member's anchor peer */
  anchorPeer: { host: string; port: number };
}

export interface GenesisOrderer extends GenesisOrganisation {
  /** the ordering node: its address and the certificate by which the raft cluster knows it */
  host: string;
  port: number;
  certificatePem: string;
}

export interface GenesisConfig {
  channelId: string;
  members: readonly GenesisMember[];
  orderer: GenesisOrderer;
  /** the rule of the channel's Endorsement policy over the members' Endorsement policies */
  endorsement: 'ANY' | 'MAJORITY' | 'ALL';
  batch: { maxMessages: number; timeoutMs: number };
}

const ADMINS = 'Admins';
const CHANNEL_CAPABILITY = 'V2_0';
const ORDERER_CAPABILITY = 'V2_0';
const APPLICATION_CAPABILITY = 'V2_5';
/** configtxgen's defaults for what the embedded ordering service does not bound */
const ABSOLUTE_MAX_BYTES = 10 * 1024 * 1024;
const PREFERRED_MAX_BYTES = 2 * 1024 * 1024;
const RAFT_OPTIONS = { tickInterval: '500ms', electionTick: 10, heartbeatTick: 1, maxInflightBlocks: 5, snapshotIntervalSize: 16 * 1024 * 1024 };

const pemBytes = (pem: string): Uint8Array => Buffer.from(pem, 'utf8');

function value(message: { serializeBinary(): Uint8Array }): common.ConfigValue {
  const v = new common.ConfigValue();
  v.setValue(message.serializeBinary());
  v.setModPolicy(ADMINS);
  return v;
}

function configPolicy(type: number, value: Uint8Array | { serializeBinary(): Uint8Array }): common.ConfigPolicy {
  const policy = new common.Policy();
  policy.setType(type);
  policy.setValue(value instanceof Uint8Array ? value : value.serializeBinary());
  const p = new common.ConfigPolicy();
  p.setPolicy(policy);
  p.setModPolicy(ADMINS);
  return p;
}

function implicitMeta(rule: 'ANY' | 'MAJORITY' | 'ALL', subPolicy: string): common.ConfigPolicy {
  const meta = new common.ImplicitMetaPolicy();
  meta.setRule(common.ImplicitMetaPolicy.Rule[rule]);
  meta.setSubPolicy(subPolicy);
  return configPolicy(common.Policy.PolicyType.IMPLICIT_META, meta);
}


/** OR('<msp>.<role>', …): one of the roles signs. */
function signedByAnyOf(mspId: string, roles: readonly PrincipalRole[]): common.ConfigPolicy {
  return configPolicy(common.Policy.PolicyType.SIGNATURE, signaturePolicy(roles.map((role) => ({ mspId, role })), 1));
}

function capabilities(name: string): common.ConfigValue {
  const c = new common.Capabilities();
  c.getCapabilitiesMap().set(name, new common.Capability());
  return value(c);
}

/** The organisation's MSP value: a FabricMSPConfig with its root, SHA-256 and NodeOUs under that root. */
function mspValue(org: GenesisOrganisation): common.ConfigValue {
  const root = pemBytes(org.rootCertificatePem);
  const ou = (name: string): msp.FabricOUIdentifier => {
    const id = new msp.FabricOUIdentifier();
    id.setCertificate(root);
    id.setOrganizationalUnitIdentifier(name);
    return id;
  };
  const nodeOus = new msp.FabricNodeOUs();
  nodeOus.setEnable(true);
  nodeOus.setClientOuIdentifier(ou('client'));
  nodeOus.setPeerOuIdentifier(ou('peer'));
  nodeOus.setAdminOuIdentifier(ou('admin'));
  nodeOus.setOrdererOuIdentifier(ou('orderer'));
  const crypto = new msp.FabricCryptoConfig();
  crypto.setSignatureHashFamily('SHA2');
  crypto.setIdentityIdentifierHashFunction('SHA256');
  const config = new msp.FabricMSPConfig();
  config.setName(org.mspId);
  config.setRootCertsList([root]);
  config.setCryptoConfig(crypto);
  if (org.tlsRootCertificatePem) {
    config.setTlsRootCertsList([pemBytes(org.tlsRootCertificatePem)]);
  }
  config.setFabricNodeOus(nodeOus);
  const mspConfig = new msp.MSPConfig();
  mspConfig.setType(0);
  mspConfig.setConfig(config.serializeBinary());
  return value(mspConfig);
}

function group(): common.ConfigGroup {
  const g = new common.ConfigGroup();
  g.setModPolicy(ADMINS);
  return g;
}

function memberGroup(m: GenesisMember): common.ConfigGroup {
  const g = group();
  const anchor = new peer.AnchorPeer();
  anchor.setHost(m.anchorPeer.host);
  anchor.setPort(m.anchorPeer.port);
  const anchors = new peer.AnchorPeers();
  anchors.setAnchorPeersList([anchor]);
  g.getValuesMap().set('AnchorPeers', value(anchors));
  g.getValuesMap().set('MSP', mspValue(m));
  g.getPoliciesMap().set('Admins', signedByAnyOf(m.mspId, ['ADMIN']));
  g.getPoliciesMap().set('Endorsement', signedByAnyOf(m.mspId, ['PEER']));
  g.getPoliciesMap().set('Readers', signedByAnyOf(m.mspId, ['ADMIN', 'PEER', 'CLIENT']));
  g.getPoliciesMap().set('Writers', signedByAnyOf(m.mspId, ['ADMIN', 'CLIENT']));
  return g;
}

function applicationGroup(config: GenesisConfig): common.ConfigGroup {
  const g = group();
  for (const m of [...config.members].sort((a, b) => (a.mspId < b.mspId ? -1 : 1))) {
    g.getGroupsMap().set(m.mspId, memberGroup(m));
  }
  g.getValuesMap().set('Capabilities', capabilities(APPLICATION_CAPABILITY));
  g.getPoliciesMap().set('Admins', implicitMeta('MAJORITY', 'Admins'));
  g.getPoliciesMap().set('Endorsement', implicitMeta(config.endorsement, 'Endorsement'));
  g.getPoliciesMap().set('LifecycleEndorsement', implicitMeta('MAJORITY', 'Endorsement'));
  g.getPoliciesMap().set('Readers', implicitMeta('ANY', 'Readers'));
  g.getPoliciesMap().set('Writers', implicitMeta('ANY', 'Writers'));
  return g;
}

function ordererGroup(config: GenesisConfig): common.ConfigGroup {
  const o = config.orderer;
  const org = group();
  const endpoints = new common.OrdererAddresses();
  endpoints.setAddressesList([`${o.host}:${o.port}`]);
  org.getValuesMap().set('Endpoints', value(endpoints));
  org.getValuesMap().set('MSP', mspValue(o));
  org.getPoliciesMap().set('Admins', signedByAnyOf(o.mspId, ['ADMIN']));
  org.getPoliciesMap().set('Readers', signedByAnyOf(o.mspId, ['MEMBER']));
  org.getPoliciesMap().set('Writers', signedByAnyOf(o.mspId, ['MEMBER']));

  const g = group();
  g.getGroupsMap().set(o.mspId, org);
  const batchSize = new orderer.BatchSize();
  batchSize.setMaxMessageCount(config.batch.maxMessages);
  batchSize.setAbsoluteMaxBytes(ABSOLUTE_MAX_BYTES);
  batchSize.setPreferredMaxBytes(PREFERRED_MAX_BYTES);
  g.getValuesMap().set('BatchSize', value(batchSize));
  const batchTimeout = new orderer.BatchTimeout();
  batchTimeout.setTimeout(`${config.batch.timeoutMs}ms`);
  g.getValuesMap().set('BatchTimeout', value(batchTimeout));
  g.getValuesMap().set('Capabilities', capabilities(ORDERER_CAPABILITY));
  g.getValuesMap().set('ChannelRestrictions', value(new orderer.ChannelRestrictions()));
  const consenter = new orderer.etcdraft.Consenter();
  consenter.setHost(o.host);
  consenter.setPort(o.port);
  consenter.setClientTlsCert(pemBytes(o.certificatePem));
  consenter.setServerTlsCert(pemBytes(o.certificatePem));
  const options = new orderer.etcdraft.Options();
  options.setTickInterval(RAFT_OPTIONS.tickInterval);
  options.setElectionTick(RAFT_OPTIONS.electionTick);
  options.setHeartbeatTick(RAFT_OPTIONS.heartbeatTick);
  options.setMaxInflightBlocks(RAFT_OPTIONS.maxInflightBlocks);
  options.setSnapshotIntervalSize(RAFT_OPTIONS.snapshotIntervalSize);
  const raft = new orderer.etcdraft.ConfigMetadata();
  raft.setConsentersList([consenter]);
  raft.setOptions(options);
  const consensus = new orderer.ConsensusType();
  consensus.setType('etcdraft');
  consensus.setMetadata(raft.serializeBinary());
  consensus.setState(orderer.ConsensusType.State.STATE_NORMAL);
  g.getValuesMap().set('ConsensusType', value(consensus));
  g.getPoliciesMap().set('Admins', implicitMeta('MAJORITY', 'Admins'));
  g.getPoliciesMap().set('BlockValidation', implicitMeta('ANY', 'Writers'));
  g.getPoliciesMap().set('Readers', implicitMeta('ANY', 'Readers'));
  g.getPoliciesMap().set('Writers', implicitMeta('ANY', 'Writers'));
  return g;
}

function channelGroup(config: GenesisConfig): common.ConfigGroup {
  const g = group();
  g.getGroupsMap().set('Application', applicationGroup(config));
  g.getGroupsMap().set('Orderer', ordererGroup(config));
  const hashing = new common.HashingAlgorithm();
  hashing.setName('SHA256');
  g.getValuesMap().set('HashingAlgorithm', value(hashing));
  const structure = new common.BlockDataHashingStructure();
  structure.setWidth(0xffffffff);
  g.getValuesMap().set('BlockDataHashingStructure', value(structure));
  g.getValuesMap().set('Capabilities', capabilities(CHANNEL_CAPABILITY));
  g.getPoliciesMap().set('Admins', implicitMeta('MAJORITY', 'Admins'));
  g.getPoliciesMap().set('Readers', implicitMeta('ANY', 'Readers'));
  g.getPoliciesMap().set('Writers', implicitMeta('ANY', 'Writers'));
  return g;
}

/** Block 0 of the channel, unsigned as configtxgen makes it. */
export function buildGenesisBlock(config: GenesisConfig, at: Date = new Date()): BuiltBlock {
  const channelConfig = new common.Config();
  channelConfig.setChannelGroup(channelGroup(config));
  const configEnvelope = new common.ConfigEnvelope();
  configEnvelope.setConfig(channelConfig);

  // configtxgen's header: version 1, whole seconds, a random nonce, no creator; the id derives from nonce and (empty) creator
  const nonce = randomBytes(24);
  const timestamp = new Timestamp();
  timestamp.setSeconds(Math.floor(at.getTime() / 1000));
  const ch = new common.ChannelHeader();
  ch.setType(common.HeaderType.CONFIG);
  ch.setVersion(1);
  ch.setChannelId(config.channelId);
  ch.setTimestamp(timestamp);
  ch.setTxId(sha256(nonce).toString('hex'));
  const sh = new common.SignatureHeader();
  sh.setNonce(nonce);
  const header = new common.Header();
  header.setChannelHeader(ch.serializeBinary());
  header.setSignatureHeader(sh.serializeBinary());
  const payload = new common.Payload();
  payload.setHeader(header);
  payload.setData(configEnvelope.serializeBinary());
  const envelope = new common.Envelope();
  envelope.setPayload(payload.serializeBinary());
  return buildBlock(0, new Uint8Array(), [envelope.serializeBinary()], null, null);
}
