/**
 * `trader …` commands: keygen, sign, verify, disclose, verify-disclosure,
 * prove-inclusion and verify-inclusion. Thin edges: each parses its files
 * and options, calls a function of gateway/src/trader and prints the result.
 */
import type { Command } from 'commander';
import { parseDeclaration, parseJsonText, parseSalts } from 'customs-ledger-chaincode/domain';
import type { BlockSource } from '../audit/block-source';
import {
  buildInclusionProof,
  createDisclosure,
  generateKeystore,
  openKeystore,
  parseDisclosurePackage,
  parseSignedDeclaration,
  recordSources,
  requestInclusionProof,
  signDeclaration,
  verifyDisclosure,
  verifyDocument,
  verifyInclusionProof,
  type InclusionProof,
  type RecordSource,
} from '../trader';

export interface TraderIo {
  /** the process's exit code when the command ends: 1 for a mismatch or an invalid proof */
  exitCode(code: number): void;
  stdout(text: string): void;
  stderr(text: string): void;
  readFile(path: string): Promise<string>;
  writeFile(path: string, text: string): Promise<void>;
  /** a secret such as the keystore passphrase, from the environment variable named */
  secret(variable: string): string | undefined;
  /** how the ledger is reached; defaults to a gateway's REST API */
  records?(gateway: string, token: string | undefined): RecordSource;
  blocks?(gateway: string, token: string | undefined): BlockSource;
}

/** Output files and printed results are for people; nothing printed here is hashed. */
const show = (value: unknown): string => JSON.stringify(value, null, 2);

const readJson = async (io: TraderIo, path: string): Promise<unknown> => parseJsonText(await io.readFile(path), path);

function passphrase(io: TraderIo, variable: string): string {
  const value = io.secret(variable);
  if (!value) {
    throw new Error(`set the keystore passphrase in the environment variable ${variable}`);
  }
  return value;
}

export function registerTraderCommands(program: Command, io: TraderIo): Command {
  const trader = program.command('trader').description('trader integrity proofs: sign, verify, disclose, prove inclusion');
  const recordsOf = (o: { gateway: string; token?: string }): RecordSource =>
    io.records ? io.records(o.gateway, o.token) : recordSources.http(o.gateway, o.token !== undefined ? { token: o.token } : {});

  trader
    .command('keygen')
    .description('create a key in an encrypted JSON keystore')
    .requiredOption('--out <file>', 'keystore file to write')
    .option('--passphrase-env <name>', 'environment variable holding the passphrase', 'TRADER_PASSPHRASE')
    .action(async (o: { out: string; passphraseEnv: string }) => {
      const { address, keystore } = await generateKeystore(passphrase(io, o.passphraseEnv));
      await io.writeFile(o.out, keystore);
      io.stdout(`${address}\n`);
    });

  trader
    .command('sign <declaration>')
    .description('salt and sign a declaration (JSON) for an authority; writes the signed declaration')
    .requiredOption('--keystore <file>', 'the trader\'s keystore')
    .requiredOption('--authority <msp>', 'MSP id of the lodging authority')
    .requiredOption('--out <file>', 'signed declaration file to write')
    .option('--channel <id>', 'channel id', 'customs')
    .option('--passphrase-env <name>', 'environment variable holding the passphrase', 'TRADER_PASSPHRASE')
    .action(async (file: string, o: { keystore: string; authority: string; out: string; channel: string; passphraseEnv: string }) => {
      const wallet = await openKeystore(await io.readFile(o.keystore), passphrase(io, o.passphraseEnv));
      const signed = await signDeclaration(parseDeclaration(await readJson(io, file)), wallet, { authority: o.authority, channelId: o.channel });
      await io.writeFile(o.out, show(signed));
      io.stdout(`signed ${signed.declaration.ucr} as ${signed.trader}\n`);
    });

  trader
    .command('verify <document>')
    .description('check a declaration (or signed declaration) against the ledger')
    .requiredOption('--gateway <url>', 'a member authority\'s gateway')
    .option('--token <token>', 'bearer token (auditor)')
    .option('--salts <file>', 'salts file, to name the fields that differ')
    .option('--channel <id>', 'channel id', 'customs')
    .action(async (file: string, o: { gateway: string; token?: string; salts?: string; channel: string }) => {
      const input = await readJson(io, file);
      const signed = typeof input === 'object' && input !== null && 'signature' in input ? parseSignedDeclaration(input) : undefined;
      const salts = o.salts ? parseSalts(await readJson(io, o.salts)) : signed?.salts;
      const result = await verifyDocument(signed?.declaration ?? input, recordsOf(o), { channelId: o.channel, ...(salts ? { salts } : {}) });
      io.stdout(`${show(result)}\n`);
      if (!result.match) {
        io.exitCode(1);
      }
    });

  trader
    .command('disclose <signed>')
    .description('package chosen fields with their salts and Merkle proofs')
    .requiredOption('--fields <names>', 'comma-separated field names')
    .requiredOption('--out <file>', 'disclosure package to write')
    .action(async (file: string, o: { fields: string; out: string }) => {
      const pkg = createDisclosure(parseSignedDeclaration(await readJson(io, file)), o.fields.split(',').map((f) => f.trim()));
      await io.writeFile(o.out, show(pkg));
      io.stdout(`disclosed ${pkg.fields.map((f) => f.field).join(', ')} of ${pkg.ucr}\n`);
    });

  trader
    .command('verify-disclosure <package>')
    .description('check a disclosure package against the record on the ledger')
    .requiredOption('--gateway <url>', 'a member authority\'s gateway')
    .option('--token <token>', 'bearer token (auditor)')
    .action(async (file: string, o: { gateway: string; token?: string }) => {
      const result = await verifyDisclosure(parseDisclosurePackage(await readJson(io, file)), recordsOf(o));
      io.stdout(`${show(result)}\n`);
      if (!result.valid) {
        io.exitCode(1);
      }
    });

  trader
    .command('prove-inclusion <ucr>')
    .description('write an offline proof that the record\'s lodge transaction is in the ledger')
    .requiredOption('--gateway <url>', 'a member authority\'s gateway')
    .requiredOption('--out <file>', 'proof file to write')
    .option('--keystore <file>', 'the record\'s trader keystore: signs the request, no token needed')
    .option('--passphrase-env <name>', 'environment variable holding the passphrase', 'TRADER_PASSPHRASE')
    .option('--token <token>', 'bearer token (auditor): builds the proof here from the raw blocks instead')
    .action(async (ucr: string, o: { gateway: string; token?: string; keystore?: string; passphraseEnv: string; out: string }) => {
      let proof: InclusionProof;
      if (o.keystore !== undefined) {
        const wallet = await openKeystore(await io.readFile(o.keystore), passphrase(io, o.passphraseEnv));
        proof = await requestInclusionProof(o.gateway, ucr, wallet);
      } else if (o.token !== undefined && io.blocks) {
        proof = await buildInclusionProof(ucr, recordsOf(o), io.blocks(o.gateway, o.token));
      } else {
        throw new Error('prove-inclusion needs --keystore (the record\'s trader) or --token (an auditor\'s)');
      }
      await io.writeFile(o.out, show(proof));
      io.stdout(`block ${proof.block.number}, head ${proof.headHash}\n`);
    });

  trader
    .command('verify-inclusion <proof>')
    .description('check an inclusion proof offline')
    .option('--head <hash>', 'the newest header hash, from a source you trust')
    .option('--declaration-hash <hash>', 'the declaration hash you expect')
    .action(async (file: string, o: { head?: string; declarationHash?: string }) => {
      const result = verifyInclusionProof((await readJson(io, file)) as InclusionProof, {
        ...(o.head ? { trustedHeadHash: o.head } : {}),
        ...(o.declarationHash ? { declarationHash: o.declarationHash } : {}),
      });
      io.stdout(`${show(result)}\n`);
      if (!result.valid) {
        io.exitCode(1);
      }
    });
  return trader;
}
