/**
 * X.509 material for member organisations, made on this machine and never
 * committed: one ECDSA P-256 CA per organisation and certificates for its
 * peers and users, shaped as Fabric's MSPs expect (node OUs; a user's role
 * in the Fabric CA attribute extension, so `ctx.clientIdentity` reads it
 * exactly as on a peer).
 */
import 'reflect-metadata';
import { webcrypto, createPrivateKey, type KeyObject } from 'node:crypto';
import * as x509 from '@peculiar/x509';

x509.cryptoProvider.set(webcrypto as unknown as Parameters<typeof x509.cryptoProvider.set>[0]);

type CryptoKey = webcrypto.CryptoKey;

/** Fabric CA writes attributes as raw JSON under this extension OID. */
export const FABRIC_ATTRS_OID = '1.2.3.4.5.6.7.8.1';

const ALGORITHM = { name: 'ECDSA', namedCurve: 'P-256', hash: 'SHA-256' } as const;

export type NodeOu = 'admin' | 'client' | 'orderer' | 'peer';

export interface IssuedIdentity {
  mspId: string;
  certificatePem: string;
  privateKeyPem: string;
}

export interface CertificateAuthority extends IssuedIdentity {
  commonName: string;
}

export interface IssueRequest {
  commonName: string;
  ou: NodeOu;
  attributes?: Record<string, string>;
  /** DNS names / IPs for TLS-style use; optional. */
  hosts?: string[];
  validDays?: number;
}

async function exportKeyPem(key: CryptoKey): Promise<string> {
  const pkcs8 = Buffer.from(await webcrypto.subtle.exportKey('pkcs8', key));
  return createPrivateKey({ key: pkcs8, format: 'der', type: 'pkcs8' }).export({ format: 'pem', type: 'pkcs8' }).toString();
}

async function importKeyPem(pem: string): Promise<CryptoKey> {
  const der = createPrivateKey(pem).export({ format: 'der', type: 'pkcs8' });
  return webcrypto.subtle.importKey('pkcs8', der, { name: 'ECDSA', namedCurve: 'P-256' }, false, ['sign']);
}

function serial(): string {
  return Buffer.from(webcrypto.getRandomValues(new Uint8Array(16))).toString('hex').replace(/^[89a-f]/, '1');
}

export async function createCertificateAuthority(mspId: string, organisation: string): Promise<CertificateAuthority> {
  const keys = (await webcrypto.subtle.generateKey(ALGORITHM, true, ['sign', 'verify']));
  const commonName = `ca.${organisation}`;
  const now = new Date();
  const cert = await x509.X509CertificateGenerator.createSelfSigned({
    serialNumber: serial(),
    name: `CN=${commonName}, O=${organisation}`,
    notBefore: new Date(now.getTime() - 60_000),
    notAfter: new Date(now.getTime() + 10 * 365 * 86_400_000),
    keys,
    signingAlgorithm: ALGORITHM,
    extensions: [
      new x509.BasicConstraintsExtension(true, 1, true),
      new x509.KeyUsagesExtension(x509.KeyUsageFlags.keyCertSign | x509.KeyUsageFlags.cRLSign | x509.KeyUsageFlags.digitalSignature, true),
      await x509.SubjectKeyIdentifierExtension.create(keys.publicKey),
    ],
  });
  return { mspId, commonName, certificatePem: cert.toString('pem'), privateKeyPem: await exportKeyPem(keys.privateKey) };
}

function authorityKeyIdOf(caCert: x509.X509Certificate): x509.AuthorityKeyIdentifierExtension | undefined {
  const ski = caCert.getExtension(x509.SubjectKeyIdentifierExtension);
  return ski ? new x509.AuthorityKeyIdentifierExtension(ski.keyId) : undefined;
}

export async function issueCertificate(ca: CertificateAuthority, request: IssueRequest): Promise<IssuedIdentity> {
  const keys = (await webcrypto.subtle.generateKey(ALGORITHM, true, ['sign', 'verify']));
  const caCert = new x509.X509Certificate(ca.certificatePem);
  const now = new Date();
  const organisation = ca.commonName.replace(/^ca\./, '');
  const extensions: x509.Extension[] = [
    new x509.BasicConstraintsExtension(false, undefined, true),
    new x509.KeyUsagesExtension(x509.KeyUsageFlags.digitalSignature, true),
    await x509.SubjectKeyIdentifierExtension.create(keys.publicKey),
    // The issuer's own subject key id (cryptogen's CAs use a SHA-256 one), so chain checks match it exactly.
    authorityKeyIdOf(caCert) ?? (await x509.AuthorityKeyIdentifierExtension.create(caCert)),
  ];
  if (request.attributes) {
    const raw = Buffer.from(JSON.stringify({ attrs: request.attributes }), 'utf8');
    extensions.push(new x509.Extension(FABRIC_ATTRS_OID, false, raw));
  }
  if (request.hosts && request.hosts.length > 0) {
    extensions.push(
      new x509.SubjectAlternativeNameExtension(
        request.hosts.map((h) => (/^[0-9.]+$/.test(h) ? { type: 'ip' as const, value: h } : { type: 'dns' as const, value: h })),
      ),
    );
  }
  const cert = await x509.X509CertificateGenerator.create({
    serialNumber: serial(),
    subject: `CN=${request.commonName}, OU=${request.ou}, O=${organisation}`,
    issuer: caCert.subject,
    notBefore: new Date(now.getTime() - 60_000),
    notAfter: new Date(now.getTime() + (request.validDays ?? 3650) * 86_400_000),
    publicKey: keys.publicKey,
    signingKey: await importKeyPem(ca.privateKeyPem),
    signingAlgorithm: ALGORITHM,
    extensions,
  });
  return { mspId: ca.mspId, certificatePem: cert.toString('pem'), privateKeyPem: await exportKeyPem(keys.privateKey) };
}

/** The private key of an identity as a node:crypto KeyObject, parsed once. */
export function privateKeyOf(identity: IssuedIdentity): KeyObject {
  return createPrivateKey(identity.privateKeyPem);
}
