/**
 * The step after `network.sh up`: cryptogen's users carry no `role`
 * attribute, but the contracts authorise by it. So each member's officer1,
 * admin1 and auditor1 are issued by that member's cryptogen CA, with OU
 * "client" (the MSPs have NodeOUs enabled) and the role in Fabric CA's
 * attribute extension, and kept under .fabric/network/wallets/<MSP>/ so the
 * same identities are used across runs of one network.
 */
import { X509Certificate } from 'node:crypto';
import { mkdir, readFile, writeFile } from 'node:fs/promises';
import { join } from 'node:path';
import { z } from 'zod';
import { parseJsonText, parseWith } from 'customs-ledger-chaincode/domain';
import { issueCertificate, type CertificateAuthority } from '../../identity/pki';
import type { WalletIdentity } from '../backend';
import { USER_ROLES, type UserRole } from '../embedded/crypto-material';
import type { FabricNetworkMaterial, FabricPeer } from './material';

export type FabricWallet = Record<UserRole, WalletIdentity>;

const storedSchema = z.strictObject({
  label: z.string(),
  mspId: z.string(),
  certificatePem: z.string(),
  privateKeyPem: z.string(),
});

function authorityOf(peer: FabricPeer): CertificateAuthority {
  return {
    mspId: peer.mspId,
    commonName: `ca.${peer.domain}`,
    certificatePem: peer.caCertificatePem,
    privateKeyPem: peer.caPrivateKeyPem,
  };
}

/** True if `identity` was issued by this CA (a regenerated network has new CAs). */
function issuedBy(identity: WalletIdentity, caPem: string): boolean {
  try {
    const cert = new X509Certificate(identity.certificatePem);
    return cert.verify(new X509Certificate(caPem).publicKey) && new Date(cert.validTo) > new Date();
  } catch {
    return false;
  }
}

async function loadStored(path: string): Promise<WalletIdentity | undefined> {
  let text: string;
  try {
    text = await readFile(path, 'utf8');
  } catch {
    return undefined;
  }
  return parseWith(storedSchema, parseJsonText(text, path), path);
}

/** One member's wallet: reused when the stored identities come from its current CA, issued otherwise. */
export async function fabricWallet(material: FabricNetworkMaterial, peer: FabricPeer): Promise<FabricWallet> {
  const dir = join(material.networkDir, 'wallets', peer.mspId);
  await mkdir(dir, { recursive: true, mode: 0o700 });
  const wallet: Partial<FabricWallet> = {};
  for (const role of USER_ROLES) {
    const label = `${role}1`;
    const path = join(dir, `${label}.json`);
    const stored = await loadStored(path);
    if (stored && stored.mspId === peer.mspId && issuedBy(stored, peer.caCertificatePem)) {
      wallet[role] = stored;
      continue;
    }
    const issued = await issueCertificate(authorityOf(peer), { commonName: label, ou: 'client', attributes: { role } });
    const identity: WalletIdentity = { label, ...issued };
    await writeFile(path, `${JSON.stringify(identity, null, 2)}\n`, { mode: 0o600 });
    wallet[role] = identity;
  }
  return wallet as FabricWallet;
}

/** Every member's wallet, by MSP id. */
export async function fabricWallets(material: FabricNetworkMaterial): Promise<Record<string, FabricWallet>> {
  const out: Record<string, FabricWallet> = {};
  for (const peer of material.peers) {
    out[peer.mspId] = await fabricWallet(material, peer);
  }
  return out;
}
