/**
 * Where the auditor reads raw blocks from: anything that can say how many
 * blocks there are and hand over block n as Fabric's common.Block bytes.
 */
import type { LedgerBackend } from '../ledger/backend';

export interface BlockSource {
  /** number of blocks (the next block's number) */
  height(): Promise<number>;
  /** block n as protobuf common.Block bytes */
  block(n: number): Promise<Uint8Array>;
}

/** A peer's block store, as gateway/src/ledger/embedded/storage.ts's PeerStore offers it. */
export interface StoredBlocks {
  height(): Promise<number>;
  block(n: number): Promise<Uint8Array | undefined>;
}

class ArrayBlocks implements BlockSource {
  constructor(private readonly blocks: readonly Uint8Array[]) {}
  height(): Promise<number> {
    return Promise.resolve(this.blocks.length);
  }
  block(n: number): Promise<Uint8Array> {
    const bytes = this.blocks[n];
    return bytes ? Promise.resolve(bytes) : Promise.reject(new RangeError(`no block ${n}`));
  }
}

export const blockSources = {
  /** The blocks of a gateway's own peer. */
  backend(backend: Pick<LedgerBackend, 'blockHeight' | 'blockBytes'>): BlockSource {
    return { height: () => backend.blockHeight(), block: (n) => backend.blockBytes(n) };
  },
  /** A peer's LevelDB block store (a stopped peer, or a copy of its data folder). */
  store(store: StoredBlocks): BlockSource {
    return {
      height: () => store.height(),
      block: async (n) => {
        const bytes = await store.block(n);
        if (!bytes) {
          throw new RangeError(`the block store has no block ${n}`);
        }
        return bytes;
      },
    };
  },
  /** Blocks held in memory, e.g. a copy under test. */
  memory(blocks: readonly Uint8Array[]): BlockSource {
    return new ArrayBlocks(blocks);
  },
  /**
   * Raw blocks over HTTP: GET `${baseUrl}/${n}` answers application/octet-stream,
   * GET `${baseUrl}` answers {"height": n} (the gateway's /api/v1/audit/raw-blocks, auditor token).
   */
  http(baseUrl: string, options: { token?: string; fetch?: typeof fetch } = {}): BlockSource {
    const fetchFn = options.fetch ?? fetch;
    const headers: Record<string, string> = options.token ? { authorization: `Bearer ${options.token}` } : {};
    return {
      height: async () => {
        const res = await fetchFn(baseUrl, { headers, signal: AbortSignal.timeout(30_000) });
        const body = (await res.json().catch(() => null)) as { height?: unknown; error?: { message?: unknown } } | null;
        if (!res.ok) {
          // the gateway's own reason: no token (401), a token of another role than auditor (403), …
          const reason = typeof body?.error?.message === 'string' ? `: ${body.error.message}` : '';
          throw new Error(`${baseUrl} answered ${res.status}${reason}`);
        }
        const height = body?.height;
        if (typeof height !== 'number' || !Number.isSafeInteger(height)) {
          throw new Error(`${baseUrl} did not answer a block height`);
        }
        return height;
      },
      block: async (n) => {
        const res = await fetchFn(`${baseUrl}/${n}`, { headers, signal: AbortSignal.timeout(30_000) });
        if (!res.ok) {
          throw new Error(`${baseUrl}/${n} answered ${res.status}`);
        }
        return new Uint8Array(await res.arrayBuffer());
      },
    };
  },
};
