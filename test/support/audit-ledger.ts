/**
 * A realistic ledger on the embedded network, for the auditor's tests:
 * agreements (active, terminated, never accepted), lodgements with and
 * without trader signatures (several in one block), shares, status updates,
 * an MVCC-invalidated update, a share refused for lack of the recipient's
 * endorsement, an access request and a purge. Returns the blocks of one peer
 * and the signing material a forger would need.
 */
import { mkdtemp, readFile, rm } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { backends, EmbeddedNetwork, type LedgerBackend, type WalletIdentity } from 'customs-ledger-gateway/dist/ledger';
import type { Signer } from 'customs-ledger-gateway/dist/fabric-format/identity';
import type { ShareRecord } from 'customs-ledger-chaincode/domain';
import { makeLodgement, newTrader, sampleDeclaration, type Lodgement } from './fixtures';
import { agreementJson, sharedPayload } from './scenario';
import { BE, DE, NL } from './identities';
import type { Role } from 'customs-ledger-chaincode/domain';

export { BE, DE, NL } from './identities';

export const CHANNEL_ID = 'customs';

const json = (o: unknown): Uint8Array => Buffer.from(JSON.stringify(o));

export interface AuditLedger {
  dir: string;
  network: EmbeddedNetwork;
  backends: Record<string, LedgerBackend>;
  wallets: Record<string, Record<Role, WalletIdentity>>;
  lodged: Lodgement[];
  shares: ShareRecord[];
  /** peers', officers' and the orderer's signing material */
  signer(msp: string, who: 'peer0' | 'officer1' | 'admin1'): Promise<Signer>;
  orderer(): Promise<Signer>;
  close(): Promise<void>;
}

export async function startNetwork(): Promise<{ dir: string; network: EmbeddedNetwork }> {
  const dir = await mkdtemp(join(tmpdir(), 'customs-audit-ledger-'));
  const network = await EmbeddedNetwork.start({ dataDir: dir, channelId: CHANNEL_ID, members: [NL, BE, DE], syncWrites: false });
  return { dir, network };
}

export async function buildAuditLedger(): Promise<AuditLedger> {
  const { dir, network } = await startNetwork();
  const b: Record<string, LedgerBackend> = { [NL]: backends.embedded(network, NL), [BE]: backends.embedded(network, BE), [DE]: backends.embedded(network, DE) };
  const wallets: AuditLedger['wallets'] = { [NL]: network.wallet(NL), [BE]: network.wallet(BE), [DE]: network.wallet(DE) };
  const submit = (msp: string, role: 'officer' | 'admin', contract: 'agreement' | 'consignment', fn: string, args: string[], extra: { transient?: Record<string, Uint8Array>; endorsingOrgs?: string[]; endorsement?: 'named' } = {}) =>
    b[msp]!.submit({ identity: wallets[msp]![role], contract, fn, args, ...extra });

  await submit(NL, 'admin', 'agreement', 'Propose', [agreementJson({ id: 'AGR-NL-BE', parties: [NL, BE], purposes: ['risk-assessment', 'enforcement'] })]);
  await submit(BE, 'admin', 'agreement', 'Accept', ['AGR-NL-BE']);
  await submit(NL, 'admin', 'agreement', 'Propose', [agreementJson({ id: 'AGR-NL-DE', parties: [NL, DE], categories: ['goods'] })]);
  await submit(DE, 'admin', 'agreement', 'Accept', ['AGR-NL-DE']);
  await submit(BE, 'admin', 'agreement', 'Propose', [agreementJson({ id: 'AGR-BE-DE', parties: [BE, DE] })]);

  const lodged = await Promise.all([
    makeLodgement(sampleDeclaration(), NL, newTrader()),
    makeLodgement(sampleDeclaration(), NL, newTrader()),
    makeLodgement(sampleDeclaration(), NL, null),
    makeLodgement(sampleDeclaration({ office: 'BEANR', destinationCountry: 'BE' }), BE, newTrader()),
  ]);
  const lodgeBy = [NL, NL, NL, BE];
  await Promise.all(
    lodged.map(async (l, i) => {
      await submit(lodgeBy[i]!, 'officer', 'consignment', 'StoreDeclaration', l.args, { transient: { declaration: json(l.transient.declaration) }, endorsement: 'named' });
      return submit(lodgeBy[i]!, 'officer', 'consignment', 'Lodge', l.args);
    }),
  );
  const share = async (l: Lodgement, from: string, to: string, agreementId: string, categories: ('goods' | 'valuation')[], endorsingOrgs = [from, to]) =>
    JSON.parse(
      (
        await submit(from, 'officer', 'consignment', 'Share', [l.declaration.ucr, to, agreementId, 'risk-assessment', JSON.stringify(categories)], {
          transient: { shared: json(sharedPayload(l, categories)) },
          endorsingOrgs,
        })
      ).payload.toString(),
    ) as ShareRecord;
  const shares = [await share(lodged[0], NL, BE, 'AGR-NL-BE', ['goods', 'valuation']), await share(lodged[1], NL, DE, 'AGR-NL-DE', ['goods'])];
  // Refused at commit: the recipient did not endorse the write into its collection.
  await share(lodged[2], NL, BE, 'AGR-NL-BE', ['goods'], [NL]).catch(() => undefined);
  await submit(NL, 'officer', 'consignment', 'UpdateStatus', [lodged[0].declaration.ucr, 'risk-assessed', 'routine']);
  // Two concurrent updates of one record: one is MVCC-invalidated.
  await Promise.allSettled([
    submit(NL, 'officer', 'consignment', 'UpdateStatus', [lodged[1].declaration.ucr, 'risk-assessed', 'first']),
    submit(NL, 'officer', 'consignment', 'UpdateStatus', [lodged[1].declaration.ucr, 'risk-assessed', 'second']),
  ]);
  await submit(BE, 'officer', 'consignment', 'RequestAccess', [lodged[0].declaration.ucr, 'risk-assessment']);
  await submit(BE, 'officer', 'consignment', 'UpdateStatus', [lodged[3].declaration.ucr, 'risk-assessed', 'routine']);
  await submit(NL, 'admin', 'agreement', 'Terminate', ['AGR-NL-DE', 'ended by NL']);
  await submit(DE, 'officer', 'consignment', 'Purge', [lodged[1].declaration.ucr, shares[1]!.shareId]);
  await network.settled();

  const material = async (msp: string, who: string): Promise<Signer> => ({
    mspId: msp,
    certificatePem: await readFile(join(dir, 'crypto', msp, `${who}.pem`), 'utf8'),
    privateKeyPem: await readFile(join(dir, 'crypto', msp, `${who}.key`), 'utf8'),
  });
  return {
    dir,
    network,
    backends: b,
    wallets,
    lodged,
    shares,
    signer: (msp, who) => material(msp, who),
    orderer: () => material('OrdererMSP', 'peer0'),
    close: async () => {
      await network.close();
      await rm(dir, { recursive: true, force: true });
    },
  };
}

/** Every block a peer holds. */
export async function blocksOf(backend: LedgerBackend): Promise<Uint8Array[]> {
  const out: Uint8Array[] = [];
  const height = await backend.blockHeight();
  for (let n = 0; n < height; n++) {
    out.push(await backend.blockBytes(n));
  }
  return out;
}
