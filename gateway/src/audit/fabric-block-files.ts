/**
 * The blocks of a Fabric peer's (or orderer's) block store, read straight
 * from its `blockfile_NNNNNN` files, opened read-only, files in number order.
 * Each record is a varint of its length, then the block in Fabric's own
 * serialization (common/ledger/blkstorage/block_serialization.go): the
 * number as a varint, data hash and previous hash as length-prefixed bytes,
 * the count of envelopes and each as length-prefixed bytes, the count of
 * metadata entries and each likewise. Each is handed out re-encoded as the
 * common.Block protobuf that Fabric's own deserializeBlock would build.
 *
 * A framing that cannot be followed (a length past the end of its file, a
 * varint longer than ten bytes) ends the index: the block it starts is handed
 * out as the bytes that remain of the file, so the replay reports that very
 * block as unreadable instead of stopping without a word.
 */
import { open, readdir, stat, type FileHandle } from 'node:fs/promises';
import { join } from 'node:path';
import { ProtoWriter } from '../fabric-format/proto-writer';
import type { BlockSource } from './block-source';

const BLOCK_FILE = /^blockfile_(\d{6})$/;
const MAX_BLOCK_BYTES = 512 * 1024 * 1024;

interface Entry {
  file: number;
  offset: number;
  length: number;
}

export interface FabricBlockFiles extends BlockSource {
  /** where block framing broke, if it did */
  readonly damage: string | undefined;
  close(): Promise<void>;
}

/** Whether a file name is one of Fabric's block files (blockfile_NNNNNN). */
export function isBlockFileName(name: string): boolean {
  return BLOCK_FILE.test(name);
}

/** The block file names of a channel folder, in order; empty when it holds none. */
async function blockFileNames(dir: string): Promise<string[]> {
  return (await readdir(dir)).filter(isBlockFileName).sort();
}

function readVarint(bytes: Uint8Array): { value: number; size: number } | undefined {
  let value = 0;
  let scale = 1;
  for (let i = 0; i < bytes.length && i < 10; i++) {
    const b = bytes[i]!;
    value += (b & 0x7f) * scale;
    if ((b & 0x80) === 0) {
      return { value, size: i + 1 };
    }
    scale *= 128;
  }
  return undefined;
}

class RecordReader {
  private at = 0;
  constructor(
    private readonly bytes: Uint8Array,
    private readonly what: string,
  ) {}
  varint(field: string): number {
    const v = readVarint(this.bytes.subarray(this.at));
    if (!v || !Number.isSafeInteger(v.value)) {
      throw new Error(`${this.what}: ${field} is not a valid varint`);
    }
    this.at += v.size;
    return v.value;
  }
  bytesField(field: string): Uint8Array {
    const length = this.varint(`the length of ${field}`);
    if (this.at + length > this.bytes.length) {
      throw new Error(`${this.what}: ${field} (${length} bytes) runs past the end of the record`);
    }
    const out = this.bytes.subarray(this.at, this.at + length);
    this.at += length;
    return out;
  }
  list(field: string): Uint8Array[] {
    const count = this.varint(`the count of ${field}`);
    if (count > this.bytes.length) {
      throw new Error(`${this.what}: ${count} ${field} cannot fit in the record`);
    }
    return Array.from({ length: count }, (_, i) => this.bytesField(`${field} ${i}`));
  }
  end(): void {
    if (this.at !== this.bytes.length) {
      throw new Error(`${this.what}: ${this.bytes.length - this.at} bytes follow the block's metadata`);
    }
  }
}

/** A block file record as common.Block protobuf bytes (fields in number order, proto3 defaults left out, as Go writes them). */
export function blockOfFileRecord(record: Uint8Array, what = 'block file record'): Uint8Array {
  const r = new RecordReader(record, what);
  const number = r.varint('the block number');
  const dataHash = r.bytesField('the data hash');
  const previousHash = r.bytesField('the previous hash');
  const envelopes = r.list('envelopes');
  const metadata = r.list('metadata entries');
  r.end();
  const header = new ProtoWriter().varint(1, number).bytes(2, previousHash).bytes(3, dataHash).finish();
  const data = new ProtoWriter();
  envelopes.forEach((e) => data.delimited(1, e));
  const meta = new ProtoWriter();
  metadata.forEach((m) => meta.delimited(1, m));
  return new ProtoWriter().delimited(1, header).delimited(2, data.finish()).delimited(3, meta.finish()).finish();
}

/** Indexes the block files of one channel folder (e.g. ledgersData/chains/chains/<channel>). */
export async function openFabricBlockFiles(dir: string): Promise<FabricBlockFiles> {
  const names = await blockFileNames(dir);
  const handles: FileHandle[] = [];
  const entries: Entry[] = [];
  let damage: string | undefined;
  try {
    for (const [file, name] of names.entries()) {
      const path = join(dir, name);
      const size = (await stat(path)).size;
      const handle = await open(path, 'r');
      handles.push(handle);
      const head = Buffer.alloc(10);
      let offset = 0;
      while (offset < size && damage === undefined) {
        const { bytesRead } = await handle.read(head, 0, Math.min(10, size - offset), offset);
        const varint = readVarint(head.subarray(0, bytesRead));
        const start = offset + (varint?.size ?? 0);
        if (!varint || varint.value === 0 || varint.value > MAX_BLOCK_BYTES || start + varint.value > size) {
          damage = `${name}: the block after block ${entries.length - 1} at byte ${offset} has no valid length (${varint ? `${varint.value} bytes, ${size - start} left in the file` : 'a varint of more than ten bytes'})`;
          entries.push({ file, offset: start, length: size - start });
          break;
        }
        entries.push({ file, offset: start, length: varint.value });
        offset = start + varint.value;
      }
      if (damage !== undefined) {
        break;
      }
    }
  } catch (err) {
    await Promise.all(handles.map((h) => h.close()));
    throw err;
  }
  return {
    damage,
    height: () => Promise.resolve(entries.length),
    block: async (n) => {
      const entry = entries[n];
      if (!entry) {
        throw new RangeError(`the block files hold no block ${n}`);
      }
      const bytes = new Uint8Array(entry.length);
      await handles[entry.file]!.read(bytes, 0, entry.length, entry.offset);
      if (n === entries.length - 1 && damage !== undefined) {
        throw new Error(damage);
      }
      return blockOfFileRecord(bytes, `${names[entry.file]} record of block ${n}`);
    },
    close: async () => {
      await Promise.all(handles.map((h) => h.close()));
    },
  };
}
