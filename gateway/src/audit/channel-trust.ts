/**
 * Who the channel trusts, read from its genesis CONFIG block alone: each
 * member's root CA and the orderer organisation's. An identity belongs to
 * an organisation when its certificate was issued and signed by that
 * organisation's root and is valid at the transaction's time. Certificates
 * are parsed once and verdicts cached, so a replay pays for each identity once.
 */
import { X509Certificate } from 'node:crypto';
import { common } from '@hyperledger/fabric-protos';
import type { DecodedBlock } from '../ledger/fabric-format/block';
import { readChannelConfig, type ChannelMember } from '../ledger/fabric-format/block';
import { certificateOf, verifySignature } from '../ledger/fabric-format/signing';
import { decodeEnvelope } from '../ledger/fabric-format/transaction';

export interface IdentityVerdict {
  valid: boolean;
  isPeer: boolean;
  reason: string;
}

interface CachedIdentity {
  issued: boolean;
  reason: string;
  isPeer: boolean;
  notBefore: number;
  notAfter: number;
}

export class ChannelTrust {
  private readonly roots = new Map<string, X509Certificate[]>();
  private readonly ordererRoots = new Map<string, X509Certificate[]>();
  private readonly cache = new Map<string, CachedIdentity>();

  private constructor(
    readonly channelId: string,
    members: readonly ChannelMember[],
    orderers: readonly ChannelMember[],
    /** problems with the configuration itself */
    readonly problems: string[],
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
  static fromGenesis(block: DecodedBlock): ChannelTrust {
    const envelope = block.envelopes[0];
    if (block.number !== 0 || block.envelopes.length !== 1 || !envelope) {
      throw new Error('block 0 must hold exactly one config transaction');
    }
    const tx = decodeEnvelope(envelope);
    if (tx.headerType !== common.HeaderType.CONFIG) {
      throw new Error('block 0 is not a CONFIG transaction');
    }
    const config = readChannelConfig(envelope);
    const problems: string[] = [];
    const trust = new ChannelTrust(tx.channelId, config.application, config.orderer, problems);
    const signer = trust.checkOrderer(tx.creator.mspId, tx.creator.certificatePem, tx.timestamp);
    if (!signer.valid) {
      problems.push(`the config transaction's creator is not an orderer identity: ${signer.reason}`);
    } else if (!verifySignature(tx.creator.certificatePem, tx.payloadBytes, tx.signature)) {
      problems.push('the config transaction signature does not verify');
    }
    return trust;
  }

  get members(): string[] {
    return [...this.roots.keys()].sort();
  }

  checkMember(mspId: string, certificatePem: string, at: Date): IdentityVerdict {
    return this.check(this.roots, mspId, certificatePem, at);
  }

  checkOrderer(mspId: string, certificatePem: string, at: Date): IdentityVerdict {
    return this.check(this.ordererRoots, mspId, certificatePem, at);
  }

  private check(roots: Map<string, X509Certificate[]>, mspId: string, pem: string, at: Date): IdentityVerdict {
    const cacheKey = `${roots === this.roots ? 'm' : 'o'}\u0000${mspId}\u0000${pem}`;
    let cached = this.cache.get(cacheKey);
    if (!cached) {
      cached = issuedBy(roots.get(mspId), mspId, pem);
      this.cache.set(cacheKey, cached);
    }
    if (!cached.issued) {
      return { valid: false, isPeer: false, reason: cached.reason };
    }
    const t = at.getTime();
    if (t < cached.notBefore || t > cached.notAfter) {
      return { valid: false, isPeer: false, reason: `certificate of ${mspId} is not valid at ${at.toISOString()}` };
    }
    return { valid: true, isPeer: cached.isPeer, reason: '' };
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
  const refused = (reason: string): CachedIdentity => ({ issued: false, reason, isPeer: false, notBefore: 0, notAfter: 0 });
  if (!roots) {
    return refused(`${mspId} is not an organisation of the channel`);
  }
  let cert: X509Certificate;
  try {
    cert = certificateOf(pem).cert;
  } catch {
    return refused(`identity of ${mspId} is not an X.509 certificate`);
  }
  if (!roots.some((root) => cert.checkIssued(root) && cert.verify(root.publicKey))) {
    return refused(`certificate ${cert.subject.replace(/\n/g, ', ')} was not issued by the CA of ${mspId}`);
  }
  return {
    issued: true,
    reason: '',
    isPeer: /(^|\n)OU=peer(\n|$)/.test(cert.subject),
    notBefore: Date.parse(cert.validFrom),
    notAfter: Date.parse(cert.validTo),
  };
}
