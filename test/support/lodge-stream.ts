/**
 * A child process for the durability test: starts the embedded network in
 * the given folder and lodges declarations eight at a time until it is
 * killed, printing "ok <ucr>" for every lodgement that committed.
 */
import { backends, EmbeddedNetwork } from 'customs-ledger-gateway/dist/ledger';
import { lodgeOn, makeLodgement, sampleDeclaration } from './fixtures';
import { MEMBERS } from './identities';

async function main(): Promise<void> {
  const dataDir = process.argv[2];
  if (!dataDir) {
    throw new Error('usage: lodge-stream <data folder>');
  }
  const network = await EmbeddedNetwork.start({ dataDir, channelId: 'customs', members: [...MEMBERS] });
  const backend = backends.embedded(network, 'NLCustomsMSP');
  const officer = network.wallet('NLCustomsMSP').officer;
  process.stdout.write('ready\n');
  const worker = async (): Promise<void> => {
    for (;;) {
      const l = await makeLodgement(sampleDeclaration(), 'NLCustomsMSP', null);
      await lodgeOn(backend, officer, l);
      process.stdout.write(`ok ${l.declaration.ucr}\n`);
    }
  };
  await Promise.all(Array.from({ length: 8 }, worker));
}

main().catch((err: unknown) => {
  process.stderr.write(`${String(err)}\n`);
  process.exit(1);
});
