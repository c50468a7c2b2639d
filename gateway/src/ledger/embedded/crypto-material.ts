/**
 * Each member's CA, peer identity and user identities (officer, admin,
 * auditor), and the orderer organisation's CA and orderer node, generated on
 * first start into the data folder (keys readable by the owner only) and
 * read back on later starts. A node's certificate carries its NodeOU, as
 * Fabric's MSPs with NodeOUs enabled require: `peer` for a member's peer,
 * `orderer` for the ordering node. Nothing here is ever committed.
 */
import { mkdir, readFile, writeFile, access } from 'node:fs/promises';
import { join } from 'node:path';
import {
  createCertificateAuthority,
  issueCertificate,
  type CertificateAuthority,
  type IssuedIdentity,
  type NodeOu,
} from '../../identity/pki';

export { ROLES as USER_ROLES, type Role as UserRole } from 'customs-ledger-chaincode/domain';
import { ROLES as USER_ROLES, type Role as UserRole } from 'customs-ledger-chaincode/domain';

export interface OrganisationMaterial {
  mspId: string;
  ca: CertificateAuthority;
  /** the organisation's node: its peer (OU peer), or for the orderer organisation its orderer (OU orderer) */
  peer: IssuedIdentity;
  users: Record<UserRole, IssuedIdentity & { label: string }>;
}

async function exists(path: string): Promise<boolean> {
  try {
    await access(path);
    return true;
  } catch {
    return false;
  }
}

async function save(dir: string, name: string, identity: IssuedIdentity): Promise<void> {
  await writeFile(join(dir, `${name}.pem`), identity.certificatePem, { mode: 0o644 });
  await writeFile(join(dir, `${name}.key`), identity.privateKeyPem, { mode: 0o600 });
}

async function load(dir: string, name: string, mspId: string): Promise<IssuedIdentity> {
  return {
    mspId,
    certificatePem: await readFile(join(dir, `${name}.pem`), 'utf8'),
    privateKeyPem: await readFile(join(dir, `${name}.key`), 'utf8'),
  };
}

/** The DNS domain of an organisation's nodes and users. */
export const domainOf = (mspId: string): string => `${mspId.replace(/MSP$/, '').toLowerCase()}.customs.example`;

/** Loads the organisation's material from `dir`, creating it on first use; `node` is the OU of its node's certificate. */
export async function organisationMaterial(dir: string, mspId: string, withUsers = true, node: Extract<NodeOu, 'peer' | 'orderer'> = 'peer'): Promise<OrganisationMaterial> {
  await mkdir(dir, { recursive: true, mode: 0o700 });
  const domain = domainOf(mspId);
  if (!(await exists(join(dir, 'ca.pem')))) {
    const ca = await createCertificateAuthority(mspId, domain);
    await save(dir, 'ca', ca);
    await save(dir, 'peer0', await issueCertificate(ca, { commonName: `${node}0.${domain}`, ou: node, hosts: ['localhost', '127.0.0.1'] }));
    if (withUsers) {
      for (const role of USER_ROLES) {
        await save(dir, `${role}1`, await issueCertificate(ca, { commonName: `${role}1@${domain}`, ou: 'client', attributes: { role } }));
      }
    }
  }
  const caIdentity = await load(dir, 'ca', mspId);
  const ca: CertificateAuthority = { ...caIdentity, commonName: `ca.${domain}` };
  const users = {} as OrganisationMaterial['users'];
  if (withUsers) {
    for (const role of USER_ROLES) {
      users[role] = { ...(await load(dir, `${role}1`, mspId)), label: `${role}1` };
    }
  }
  return { mspId, ca, peer: await load(dir, 'peer0', mspId), users };
}
