/**
 * What an auditor names with `--blocks`: a gateway's URL, a Fabric peer's or
 * orderer's ledger folder (its `blockfile_*` files, read in place,
 * read-only), or an embedded peer's LevelDB store (opened from a copy, so
 * that LevelDB's recovery on open never rewrites the evidence). A path that
 * does not exist, or holds neither, is refused: nothing is created.
 */
import { cp, mkdtemp, readdir, readFile, rm, stat } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { basename, join } from 'node:path';
import { PeerStore } from '../ledger';
import { blockSources, type BlockSource } from './block-source';
import { isBlockFileName, openFabricBlockFiles } from './fabric-block-files';
import { openFabricStateDb } from './fabric-state-db';
import { DEFAULT_CHAINCODE } from './replay';
import { peerStoreState, type PeerStateView } from './state-comparison';

export class BlockLocationError extends Error {
  constructor(message: string) {
    super(message);
    this.name = 'BlockLocationError';
  }
}

export interface OpenedBlocks {
  kind: 'http' | 'fabric-block-files' | 'embedded-store';
  /** what was opened, for the report */
  description: string;
  source: BlockSource;
  /** the store's own world state and private-data hashes, to compare with the replay */
  state?: PeerStateView;
  /** where the blocks' framing broke (Fabric block files), if it did */
  damage?: string;
  close(): Promise<void>;
}

export interface LocationOptions {
  /** bearer token for a gateway URL */
  token?: string;
  /** the channel, when a Fabric ledger folder holds several */
  channel?: string;
  /** the chaincode whose world state a Fabric peer's state database is compared for */
  chaincode?: string;
}

const MAX_DEPTH = 6;

/** Folders under `dir` (itself included) that hold Fabric block files, depth first, in name order. */
async function channelFolders(dir: string, depth = 0): Promise<string[]> {
  const entries = (await readdir(dir, { withFileTypes: true })).sort((a, b) => (a.name < b.name ? -1 : 1));
  if (entries.some((e) => e.isFile() && isBlockFileName(e.name))) {
    return [dir];
  }
  if (depth >= MAX_DEPTH) {
    return [];
  }
  const found: string[] = [];
  for (const e of entries.filter((entry) => entry.isDirectory())) {
    found.push(...(await channelFolders(join(dir, e.name), depth + 1)));
  }
  return found;
}

async function isLevelDb(dir: string): Promise<boolean> {
  try {
    return /^MANIFEST-\d+\s*$/.test(await readFile(join(dir, 'CURRENT'), 'utf8'));
  } catch {
    return false;
  }
}

/**
 * A peer's ledger folder: ledgersData/chains/chains/<channel> holds the block
 * files, ledgersData/stateLeveldb the world state (an orderer has none). The
 * state database is copied before it is opened.
 */
async function openFabricFolder(folder: string, chaincode: string): Promise<OpenedBlocks> {
  const channel = basename(folder);
  const stateDb = join(folder, '..', '..', '..', 'stateLeveldb');
  const files = await openFabricBlockFiles(folder);
  let copy: string | undefined;
  try {
    let state: Awaited<ReturnType<typeof openFabricStateDb>> | undefined;
    if (await isLevelDb(stateDb)) {
      copy = await mkdtemp(join(tmpdir(), 'customs-audit-statedb-'));
      await cp(stateDb, copy, { recursive: true, filter: (src) => basename(src) !== 'LOCK' });
      state = await openFabricStateDb(copy, channel, chaincode);
    }
    const kept = copy;
    return {
      kind: 'fabric-block-files',
      description: `Fabric block files of channel ${channel} in ${folder}${state ? ', world state from a copy of its stateLeveldb' : ' (no world state beside them)'}`,
      source: files,
      ...(state ? { state } : {}),
      ...(files.damage !== undefined ? { damage: files.damage } : {}),
      close: async () => {
        await files.close();
        await state?.close();
        if (kept !== undefined) {
          await rm(kept, { recursive: true, force: true });
        }
      },
    };
  } catch (err) {
    await files.close();
    if (copy !== undefined) {
      await rm(copy, { recursive: true, force: true });
    }
    throw new BlockLocationError(`the world state in ${stateDb} cannot be read: ${(err as Error).message}`);
  }
}

async function openEmbeddedCopy(dir: string): Promise<OpenedBlocks> {
  const copy = await mkdtemp(join(tmpdir(), 'customs-audit-store-'));
  try {
    await cp(dir, copy, { recursive: true, filter: (src) => basename(src) !== 'LOCK' });
    const store = new PeerStore(copy, { createIfMissing: false });
    await store.open();
    return {
      kind: 'embedded-store',
      description: `embedded peer store ${dir} (read from a copy)`,
      source: blockSources.store(store),
      state: peerStoreState(store),
      close: async () => {
        await store.close();
        await rm(copy, { recursive: true, force: true });
      },
    };
  } catch (err) {
    await rm(copy, { recursive: true, force: true });
    throw new BlockLocationError(`${dir} cannot be opened as an embedded peer store: ${(err as Error).message}`);
  }
}

export async function openBlockLocation(location: string, options: LocationOptions = {}): Promise<OpenedBlocks> {
  if (/^https?:\/\//.test(location)) {
    const url = `${location.replace(/\/$/, '')}/api/v1/audit/raw-blocks`;
    return {
      kind: 'http',
      description: url,
      source: blockSources.http(url, options.token ? { token: options.token } : {}),
      close: () => Promise.resolve(),
    };
  }
  let info;
  try {
    info = await stat(location);
  } catch {
    throw new BlockLocationError(`${location} does not exist`);
  }
  if (!info.isDirectory()) {
    throw new BlockLocationError(`${location} is not a folder: name a peer's ledger folder, an embedded peer store or a gateway URL`);
  }
  if (await isLevelDb(location)) {
    return openEmbeddedCopy(location);
  }
  let folders = await channelFolders(location);
  if (options.channel !== undefined) {
    folders = folders.filter((f) => basename(f) === options.channel);
  }
  if (folders.length === 1) {
    return openFabricFolder(folders[0]!, options.chaincode ?? DEFAULT_CHAINCODE);
  }
  if (folders.length > 1) {
    throw new BlockLocationError(
      `${location} holds the block files of ${folders.length} ledgers (${folders.join(', ')}): name one of them${options.channel === undefined ? ' or give --channel' : ''}`,
    );
  }
  throw new BlockLocationError(
    `${location} holds neither Fabric block files (blockfile_*${options.channel !== undefined ? ` of channel ${options.channel}` : ''}) nor an embedded peer store (a LevelDB folder)`,
  );
}
