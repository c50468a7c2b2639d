/** Declarations, salts and trader signatures for tests. */
import { randomBytes } from 'node:crypto';
import { Wallet } from 'ethers';
import {
  DECLARATION_FIELDS,
  commitDeclaration,
  declarationTypedData,
  splitDeclaration,
  type Declaration,
  type Salts,
} from 'customs-ledger-chaincode/domain';
import type { LedgerBackend, SubmitResult, WalletIdentity } from 'customs-ledger-gateway/dist/ledger/backend';
import { CHANNEL } from './memory-ledger';

let counter = 0;

export function newUcr(country = 'NL'): string {
  counter += 1;
  return `6${country}123456789-C${String(counter).padStart(4, '0')}${randomBytes(2).toString('hex').toUpperCase()}`;
}

export function sampleDeclaration(overrides: Partial<Declaration> = {}): Declaration {
  return {
    ucr: newUcr(),
    type: 'import',
    office: 'NLRTM',
    destinationCountry: 'NL',
    consignor: { id: null, name: 'Shenzhen Bright Lamps Co.', country: 'CN' },
    consignee: { id: 'NL812345678', name: 'Lumen Import B.V.', country: 'NL' },
    declarant: { id: 'NL812345678', name: 'Lumen Import B.V.', country: 'NL' },
    goodsItems: [
      {
        sequence: 1,
        hsCode: '940540',
        description: 'LED luminaires for indoor use',
        packages: 120,
        grossMassKg: '1840.5',
        netMassKg: '1602',
        originCountry: 'CN',
      },
    ],
    customsValue: { amount: '48250.00', currency: 'EUR' },
    invoice: { number: 'INV-2026-0042', date: '2026-02-20' },
    transportMode: 'sea',
    transportDocument: { type: 'bill-of-lading', number: 'MAEU123456789' },
    containers: ['CSQU3054383'],
    seals: ['SL-998877'],
    dangerousGoods: [],
    ...overrides,
  };
}

export function randomSalts(): Salts {
  return Object.fromEntries(DECLARATION_FIELDS.map((f) => [f, randomBytes(32).toString('hex')])) as Salts;
}

export interface Lodgement {
  declaration: Declaration;
  salts: Salts;
  args: string[];
  transient: Record<string, unknown>;
  declarationHash: string;
  fieldRoot: string;
}

/**
 * Builds the argument of StoreDeclaration and Lodge and StoreDeclaration's
 * transient data; signed by `trader` for `authority` unless trader is null.
 */
export async function makeLodgement(
  declaration: Declaration,
  authority: string,
  trader: Wallet | null,
  salts: Salts = randomSalts(),
  version = 1,
): Promise<Lodgement> {
  const { publicPart, privatePart } = splitDeclaration(declaration);
  const commitment = commitDeclaration(declaration, salts);
  let signature: string | null = null;
  if (trader) {
    const typed = declarationTypedData(CHANNEL, {
      ucr: declaration.ucr,
      declarationHash: commitment.declarationHash,
      fieldRoot: commitment.fieldRoot,
      authority,
      version,
    });
    signature = await trader.signTypedData(typed.domain, typed.types, typed.value);
  }
  const lodgement = {
    ...publicPart,
    declarationHash: commitment.declarationHash,
    fieldRoot: commitment.fieldRoot,
    fieldHashes: commitment.fieldHashes,
    trader: trader ? trader.address : null,
    traderSignature: signature,
  };
  return {
    declaration,
    salts,
    args: [JSON.stringify(lodgement)],
    transient: { declaration: { fields: privatePart, salts } },
    declarationHash: commitment.declarationHash,
    fieldRoot: commitment.fieldRoot,
  };
}

export function newTrader(): Wallet {
  return new Wallet(`0x${randomBytes(32).toString('hex')}`);
}

/**
 * A lodgement's two transactions on a LedgerBackend: the private part into
 * the authority's own implicit collection (its own peer alone), then the
 * public record (endorsed as the chaincode policy needs).
 */
export async function lodgeOn(backend: LedgerBackend, identity: WalletIdentity, l: Lodgement): Promise<SubmitResult> {
  await backend.submit({
    identity,
    contract: 'consignment',
    fn: 'StoreDeclaration',
    args: l.args,
    transient: { declaration: Buffer.from(JSON.stringify(l.transient.declaration)) },
    endorsement: 'named',
  });
  return backend.submit({ identity, contract: 'consignment', fn: 'Lodge', args: l.args });
}
