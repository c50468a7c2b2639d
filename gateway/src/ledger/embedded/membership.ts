/**
 * The channel's members as their MSPs define them: an identity belongs to an
 * organisation when its certificate was issued by that organisation's root
 * CA and is within its validity. Results are cached per certificate.
 */
import { X509Certificate } from 'node:crypto';
import { certificateOf } from '../fabric-format/signing';

export interface IdentityCheck {
  valid: boolean;
  isPeer: boolean;
  reason?: string;
}

export class Membership {
  private readonly roots = new Map<string, X509Certificate>();
  private readonly cache = new Map<string, IdentityCheck>();

  constructor(roots: readonly { mspId: string; rootCertificatePem: string }[]) {
    for (const r of roots) {
      this.roots.set(r.mspId, new X509Certificate(r.rootCertificatePem));
    }
  }

  get mspIds(): string[] {
    return [...this.roots.keys()].sort();
  }

  has(mspId: string): boolean {
    return this.roots.has(mspId);
  }

  check(mspId: string, certificatePem: string, at: Date = new Date()): IdentityCheck {
    const cacheKey = `${mspId}\u0000${certificatePem}`;
    const cached = this.cache.get(cacheKey);
    if (cached && cached.valid) {
      return cached;
    }
    const result = this.verify(mspId, certificatePem, at);
    this.cache.set(cacheKey, result);
    return result;
  }

  private verify(mspId: string, certificatePem: string, at: Date): IdentityCheck {
    const root = this.roots.get(mspId);
    if (!root) {
      return { valid: false, isPeer: false, reason: `${mspId} is not a member of the channel` };
    }
    let cert: X509Certificate;
    try {
      cert = certificateOf(certificatePem).cert;
    } catch {
      return { valid: false, isPeer: false, reason: 'not an X.509 certificate' };
    }
    if (!cert.checkIssued(root) || !cert.verify(root.publicKey)) {
      return { valid: false, isPeer: false, reason: `certificate was not issued by the CA of ${mspId}` };
    }
    if (at < new Date(cert.validFrom) || at > new Date(cert.validTo)) {
      return { valid: false, isPeer: false, reason: 'certificate is not valid at this time' };
    }
    return { valid: true, isPeer: /(^|\n)OU=peer(\n|$)/.test(cert.subject) };
  }
}
