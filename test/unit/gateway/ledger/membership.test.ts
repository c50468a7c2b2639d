import { strict as assert } from 'node:assert';
import { X509Certificate } from 'node:crypto';
import { mkdtemp, rm } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { organisationMaterial, type OrganisationMaterial } from 'customs-ledger-gateway/dist/ledger/embedded/crypto-material';
import { Membership } from 'customs-ledger-gateway/dist/ledger/embedded/membership';
import { BE, NL } from '../../../support/identities';


describe('channel membership of an identity', () => {
  let dir: string;
  let nl: OrganisationMaterial;
  let be: OrganisationMaterial;

  before(async () => {
    dir = await mkdtemp(join(tmpdir(), 'customs-membership-'));
    nl = await organisationMaterial(join(dir, NL), NL);
    be = await organisationMaterial(join(dir, BE), BE);
  });
  after(() => rm(dir, { recursive: true, force: true }));

  it('accepts a certificate its organisation issued, and tells peers from users', () => {
    const m = new Membership([{ mspId: NL, rootCertificatePem: nl.ca.certificatePem }]);
    assert.deepEqual(m.check(NL, nl.users.officer.certificatePem), { valid: true, isPeer: false });
    assert.equal(m.check(NL, nl.peer.certificatePem).isPeer, true);
  });

  it('refuses another organisation\'s certificate under this one\'s name, and a non-member', () => {
    const m = new Membership([{ mspId: NL, rootCertificatePem: nl.ca.certificatePem }]);
    assert.match(m.check(NL, be.users.officer.certificatePem).reason ?? '', /not issued by the CA of NLCustomsMSP/);
    assert.match(m.check(BE, be.users.officer.certificatePem).reason ?? '', /not a member/);
  });

  it('refuses a certificate outside its validity even after it was accepted inside it', () => {
    const m = new Membership([{ mspId: NL, rootCertificatePem: nl.ca.certificatePem }]);
    const pem = nl.users.officer.certificatePem;
    const cert = new X509Certificate(pem);
    assert.equal(m.check(NL, pem).valid, true);
    const after = new Date(new Date(cert.validTo).getTime() + 1000);
    assert.match(m.check(NL, pem, after).reason ?? '', /not valid at this time/);
    const before = new Date(new Date(cert.validFrom).getTime() - 1000);
    assert.equal(m.check(NL, pem, before).valid, false);
    assert.equal(m.check(NL, pem).valid, true);
  });
});
