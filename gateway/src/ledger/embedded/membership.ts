/**
 * The channel's members as their MSPs define them: an identity belongs to an
 * organisation when its certificate was issued by that organisation's root
 * CA and is within its validity. Results are cached per certificate.
 */
import { X509Certificate } from 'node:crypto';
import { certificateOf } from '../../fabric-format/signing';

export interface IdentityCheck {
  valid: boolean;
  isPeer: boolean;
  reason?: string;
}

interface CachedCheck {
  check: IdentityCheck;
  valid: boolean;
  validFrom: Date;
  validTo: Date;
}

const refused = (reason: string): CachedCheck => ({ check: { valid: false, isPeer: false, reason }, valid: false, validFrom: new Date(0), validTo: new Date(0) });

export class Membership {
  private readonly roots = new Map<string, X509Certificate>();
  private readonly cache = new Map<string, CachedCheck>();

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
    // Issuer and signature never change; validity does, so a cached answer holds only inside its window.
    if (cached && cached.valid && at >= cached.validFrom && at <= cached.validTo) {
      return cached.check;
    }
    const result = this.verify(mspId, certificatePem, at);
    this.cache.set(cacheKey, result);
    return result.check;
  }

  private verify(mspId: string, certificatePem: string, at: Date): CachedCheck {
    const root = this.roots.get(mspId);
    if (!root) {
      return refused(`${mspId} is not a member of the channel`);
    }
    let cert: X509Certificate;
    try {
      cert = certificateOf(certificatePem).cert;
    } catch {
      return refused('not an X.509 certificate');
    }
    if (!cert.checkIssued(root) || !cert.verify(root.publicKey)) {
      return refused(`certificate was not issued by the CA of ${mspId}`);
    }
    const validFrom = new Date(cert.validFrom);
    const validTo = new Date(cert.validTo);
    if (at < validFrom || at > validTo) {
      return refused('certificate is not valid at this time');
    }
    return { check: { valid: true, isPeer: /(^|\n)OU=peer(\n|$)/.test(cert.subject) }, valid: true, validFrom, validTo };
  }
}
