/** Test identities: one CA per member organisation and a user per role, made once per test run. */
import {
  createCertificateAuthority,
  issueCertificate,
  type CertificateAuthority,
  type IssuedIdentity,
} from 'customs-ledger-gateway/dist/identity/pki';
import { ROLES } from 'customs-ledger-chaincode/domain';

export type Role = 'admin' | 'auditor' | 'officer';
export const MEMBERS = ['BECustomsMSP', 'DECustomsMSP', 'NLCustomsMSP'] as const;
export const [BE, DE, NL] = MEMBERS;

export class TestIdentities {
  private constructor(
    readonly msps: readonly string[],
    private readonly users: Map<string, IssuedIdentity>,
    readonly cas: Map<string, CertificateAuthority>,
  ) {}

  static async create(msps: readonly string[] = MEMBERS): Promise<TestIdentities> {
    const users = new Map<string, IssuedIdentity>();
    const cas = new Map<string, CertificateAuthority>();
    for (const msp of msps) {
      const org = msp.replace(/MSP$/, '').toLowerCase();
      const ca = await createCertificateAuthority(msp, `${org}.customs.example`);
      cas.set(msp, ca);
      for (const role of ROLES) {
        users.set(`${msp}/${role}`, await issueCertificate(ca, { commonName: `${role}1`, ou: 'client', attributes: { role } }));
      }
      users.set(`${msp}/none`, await issueCertificate(ca, { commonName: 'visitor1', ou: 'client' }));
    }
    return new TestIdentities(msps, users, cas);
  }

  user(msp: string, role: Role | 'none'): IssuedIdentity {
    const found = this.users.get(`${msp}/${role}`);
    if (!found) {
      throw new Error(`no test identity ${role} of ${msp}`);
    }
    return found;
  }
}

let shared: Promise<TestIdentities> | undefined;
/** The identities every test file shares: certificate generation is done once. */
export function testIdentities(): Promise<TestIdentities> {
  shared ??= TestIdentities.create();
  return shared;
}
