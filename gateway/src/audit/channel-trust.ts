/**
 * Who the channel trusts, read from its genesis CONFIG block and then from
 * every later CONFIG block: each member's root CA and the orderer
 * organisation's, and the policies of system transactions. An identity
 * belongs to an organisation when its certificate names that organisation's
 * root as issuer, is signed by it and is valid at the transaction's time
 * (as Fabric's MSP decides with Go's x509: the authority key identifier is
 * only a hint there, so a certificate whose AKID is not the root's SKID, as
 * the gateway's Fabric wallets issue them, is still the organisation's).
 * Certificates are parsed once and verdicts cached, so a replay pays for
 * each identity once.
 */
import { X509Certificate } from 'node:crypto';
import { common } from '@hyperledger/fabric-protos';
import type { DecodedBlock } from '../fabric-format/decoded';
import { readChannelConfig, type ChannelMember } from '../fabric-format/block';
import { certificateOf, verifySignature } from '../fabric-format/signing';
import { readEnvelope } from '../fabric-format/block-reader';
import { parseIdentity } from '../fabric-format/identity';
import { readPolicies, requiredConfigSigners, implicitRuleNeeds, type ChannelPolicies } from './channel-config';

export interface IdentityVerdict {
  valid: boolean;
  isPeer: boolean;
  isAdmin: boolean;
  reason: string;
}

interface CachedIdentity {
  issued: boolean;
  reason: string;
  isPeer: boolean;
  isAdmin: boolean;
  notBefore: number;
  notAfter: number;
}

export class ChannelTrust {
  private readonly roots = new Map<string, X509Certificate[]>();
  private readonly ordererRoots = new Map<string, X509Certificate[]>();
  /** verdicts by roots (members' or orderers'), MSP id and certificate */
  private readonly cache = new Map<Map<string, X509Certificate[]>, Map<string, Map<string, CachedIdentity>>>();
  /** the orderer MSP that signed the genesis config transaction, or null for an unsigned (configtxgen) genesis block */
  genesisSigner: string | null = null;

  private constructor(
    readonly channelId: string,
    members: readonly ChannelMember[],
    orderers: readonly ChannelMember[],
    /** problems with the configuration itself */
    readonly problems: string[],
    readonly policies: ChannelPolicies,
  ) {
    for (const [list, target] of [
      [members, this.roots],
      [orderers, this.ordererRoots],
    ] as const) {
      for (const m of list) {
        const root = parseRoot(m, problems);
        if (root) {
          target.set(m.mspId, [...(target.get(m.mspId) ?? []), root]);
        }
      }
    }
    if (this.roots.size === 0) {
      problems.push('the genesis block names no member organisation');
    }
    if (this.ordererRoots.size === 0) {
      problems.push('the genesis block names no orderer organisation');
    }
  }

  /** Reads the trust of a channel from its genesis block; throws when block 0 is not a config block. */
  /** The trust a replay reached at a CONFIG block it checked before (resuming from a checkpoint): read, not checked again. */
  static fromConfigBlock(block: DecodedBlock, genesisSigner: string | null): ChannelTrust {
    const envelope = block.envelopes[0];
    if (block.envelopes.length !== 1 || !envelope) {
      throw new Error(`block ${block.number} must hold exactly one config transaction`);
    }
    const tx = readEnvelope(envelope);
    if (tx.headerType !== common.HeaderType.CONFIG) {
      throw new Error(`block ${block.number} is not a CONFIG transaction`);
    }
    const trust = ChannelTrust.fromConfigEnvelope(tx.channelId, envelope, []);
    trust.genesisSigner = genesisSigner;
    return trust;
  }

  static fromGenesis(block: DecodedBlock): ChannelTrust {
    const envelope = block.envelopes[0];
    if (block.number !== 0 || block.envelopes.length !== 1 || !envelope) {
      throw new Error('block 0 must hold exactly one config transaction');
    }
    const tx = readEnvelope(envelope);
    if (tx.headerType !== common.HeaderType.CONFIG) {
      throw new Error('block 0 is not a CONFIG transaction');
    }
    const trust = ChannelTrust.fromConfigEnvelope(tx.channelId, envelope, []);
    const problems = trust.problems;
    if (isUnsigned(tx)) {
      // configtxgen writes the genesis block unsigned: its authenticity is its hash, obtained out of band.
      return trust;
    }
    trust.genesisSigner = tx.creator.mspId;
    const signer = trust.checkOrderer(tx.creator.mspId, tx.creator.certificatePem, tx.timestamp);
    if (!signer.valid) {
      problems.push(`the config transaction's creator is not an orderer identity: ${signer.reason}`);
    } else if (!verifySignature(tx.creator.certificatePem, tx.payloadBytes, tx.signature)) {
      problems.push('the config transaction signature does not verify');
    }
    return trust;
  }

  private static fromConfigEnvelope(channelId: string, envelope: Uint8Array, problems: string[]): ChannelTrust {
    const config = readChannelConfig(envelope);
    const payload = common.Payload.deserializeBinary(common.Envelope.deserializeBinary(envelope).getPayload_asU8());
    const policies = readPolicies(common.ConfigEnvelope.deserializeBinary(payload.getData_asU8()).getConfig());
    return new ChannelTrust(channelId, config.application, config.orderer, problems, policies);
  }

  /**
   * A CONFIG transaction after the genesis block, checked as Fabric would:
   * the orderer signed the envelope, and the config update it carries is
   * signed by the admins its modifications need, each signature verified
   * under the configuration in force before it. Returns the channel's new
   * trust, read from the new configuration, and what is wrong.
   */
  applyConfigTransaction(envelope: Uint8Array): { trust: ChannelTrust | undefined; problems: string[] } {
    const problems: string[] = [];
    const tx = readEnvelope(envelope);
    if (tx.channelId !== this.channelId) {
      problems.push(`the config transaction is for channel ${tx.channelId}, not ${this.channelId}`);
    }
    const signer = this.checkOrderer(tx.creator.mspId, tx.creator.certificatePem, tx.timestamp);
    if (!signer.valid) {
      problems.push(`the config transaction's creator is not an orderer identity: ${signer.reason}`);
    } else if (!verifySignature(tx.creator.certificatePem, tx.payloadBytes, tx.signature)) {
      problems.push('the config transaction signature does not verify');
    }
    let next: ChannelTrust;
    try {
      const payload = common.Payload.deserializeBinary(tx.payloadBytes);
      const lastUpdate = common.ConfigEnvelope.deserializeBinary(payload.getData_asU8()).getLastUpdate();
      if (!lastUpdate) {
        problems.push('the config transaction carries no config update');
      } else {
        problems.push(...this.checkConfigUpdate(lastUpdate, tx.timestamp));
      }
      next = ChannelTrust.fromConfigEnvelope(this.channelId, envelope, []);
    } catch (err) {
      problems.push(`the new channel configuration cannot be read: ${(err as Error).message}`);
      return { trust: undefined, problems };
    }
    problems.push(...next.problems);
    next.genesisSigner = this.genesisSigner;
    return { trust: next, problems };
  }

  private checkConfigUpdate(lastUpdate: common.Envelope, at: Date): string[] {
    const payload = common.Payload.deserializeBinary(lastUpdate.getPayload_asU8());
    const updateEnvelope = common.ConfigUpdateEnvelope.deserializeBinary(payload.getData_asU8());
    const updateBytes = updateEnvelope.getConfigUpdate_asU8();
    const update = common.ConfigUpdate.deserializeBinary(updateBytes);
    const problems: string[] = [];
    if (update.getChannelId() !== this.channelId) {
      problems.push(`the config update is for channel ${update.getChannelId()}`);
    }
    const adminsOf = new Set<string>();
    let ordererAdmin = false;
    for (const s of updateEnvelope.getSignaturesList()) {
      const header = common.SignatureHeader.deserializeBinary(s.getSignatureHeader_asU8());
      const id = parseIdentity(header.getCreator_asU8());
      if (!verifySignature(id.certificatePem, [s.getSignatureHeader_asU8(), updateBytes], s.getSignature_asU8())) {
        problems.push(`the config update signature of ${id.mspId} does not verify`);
        continue;
      }
      const member = this.checkMember(id.mspId, id.certificatePem, at);
      if (member.valid && member.isAdmin) {
        adminsOf.add(id.mspId);
      } else if (this.ordererRoots.has(id.mspId)) {
        const orderer = this.checkOrderer(id.mspId, id.certificatePem, at);
        ordererAdmin ||= orderer.valid && orderer.isAdmin;
      }
    }
    const required = requiredConfigSigners(update);
    for (const org of required.applicationOrgs) {
      if (this.roots.has(org) && !adminsOf.has(org)) {
        problems.push(`the config update modifies ${org} without the signature of an admin of ${org}`);
      }
    }
    const majority = implicitRuleNeeds('MAJORITY', this.roots.size);
    const newOrgs = [...required.applicationOrgs].filter((o) => !this.roots.has(o));
    if ((required.applicationMajority || newOrgs.length > 0) && [...adminsOf].filter((o) => this.roots.has(o)).length < majority) {
      problems.push(`the config update modifies the channel or its application group without MAJORITY of the members' admins (${majority} of ${this.roots.size})`);
    }
    if (required.orderer && !ordererAdmin) {
      problems.push('the config update modifies the orderer group without an orderer admin\'s signature');
    }
    return problems;
  }

  get members(): string[] {
    return [...this.roots.keys()].sort();
  }

  /** Whether an organisation is a member of the channel (not the orderer's). */
  isMember(mspId: string): boolean {
    return this.roots.has(mspId);
  }

  checkMember(mspId: string, certificatePem: string, at: Date): IdentityVerdict {
    return this.check(this.roots, mspId, certificatePem, at);
  }

  checkOrderer(mspId: string, certificatePem: string, at: Date): IdentityVerdict {
    return this.check(this.ordererRoots, mspId, certificatePem, at);
  }

  private check(roots: Map<string, X509Certificate[]>, mspId: string, pem: string, at: Date): IdentityVerdict {
    let byMsp = this.cache.get(roots);
    if (!byMsp) {
      byMsp = new Map();
      this.cache.set(roots, byMsp);
    }
    let byPem = byMsp.get(mspId);
    if (!byPem) {
      byPem = new Map();
      byMsp.set(mspId, byPem);
    }
    let cached = byPem.get(pem);
    if (!cached) {
      cached = issuedBy(roots.get(mspId), mspId, pem);
      byPem.set(pem, cached);
    }
    if (!cached.issued) {
      return { valid: false, isPeer: false, isAdmin: false, reason: cached.reason };
    }
    const t = at.getTime();
    if (t < cached.notBefore || t > cached.notAfter) {
      return { valid: false, isPeer: false, isAdmin: false, reason: `certificate of ${mspId} is not valid at ${at.toISOString()}` };
    }
    return { valid: true, isPeer: cached.isPeer, isAdmin: cached.isAdmin, reason: '' };
  }
}

function parseRoot(m: ChannelMember, problems: string[]): X509Certificate | undefined {
  try {
    const root = new X509Certificate(m.rootCertificatePem);
    if (!root.ca) {
      problems.push(`root certificate of ${m.mspId} is not a CA certificate`);
    } else if (!root.checkIssued(root) || !root.verify(root.publicKey)) {
      problems.push(`root certificate of ${m.mspId} is not self-signed`);
    }
    return root;
  } catch {
    problems.push(`root certificate of ${m.mspId} is not an X.509 certificate`);
    return undefined;
  }
}

function issuedBy(roots: X509Certificate[] | undefined, mspId: string, pem: string): CachedIdentity {
  const refused = (reason: string): CachedIdentity => ({ issued: false, reason, isPeer: false, isAdmin: false, notBefore: 0, notAfter: 0 });
  if (!roots) {
    return refused(`${mspId} is not an organisation of the channel`);
  }
  let cert: X509Certificate;
  try {
    cert = certificateOf(pem).cert;
  } catch {
    return refused(`identity of ${mspId} is not an X.509 certificate`);
  }
  // Issuer name and signature, as Go's x509 chains a certificate to a root (OpenSSL's checkIssued also demands AKID = SKID).
  if (!roots.some((root) => cert.issuer === root.subject && cert.verify(root.publicKey))) {
    return refused(`certificate ${cert.subject.replace(/\n/g, ', ')} was not issued by the CA of ${mspId}`);
  }
  return {
    issued: true,
    reason: '',
    isPeer: /(^|\n)OU=peer(\n|$)/.test(cert.subject),
    isAdmin: /(^|\n)OU=admin(\n|$)/.test(cert.subject),
    notBefore: Date.parse(cert.validFrom),
    notAfter: Date.parse(cert.validTo),
  };
}

/** A config transaction with no creator and no signature, as configtxgen writes a genesis block. */
function isUnsigned(tx: { creator: { mspId: string; certificatePem: string }; signature: Uint8Array }): boolean {
  return tx.creator.mspId === '' && tx.creator.certificatePem === '' && tx.signature.length === 0;
}
