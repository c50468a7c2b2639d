/**
 * Protocol Buffers wire encoding for the few messages a client builds on
 * every proposal. Building them as google-protobuf message objects cost as
 * much as the proposal's signature; written straight to bytes they cost a
 * fraction. The bytes are those google-protobuf writes (fields in number
 * order, proto3 default values left out), which the unit tests check
 * message by message against @hyperledger/fabric-protos.
 */

const VARINT = 0;
const LENGTH_DELIMITED = 2;

function pushVarint(out: number[], value: number): void {
  if (!Number.isSafeInteger(value) || value < 0) {
    throw new RangeError(`cannot encode ${value} as an unsigned varint`);
  }
  let v = value;
  while (v > 0x7f) {
    out.push((v % 0x80) | 0x80);
    v = Math.floor(v / 0x80);
  }
  out.push(v);
}

/**
 * Writes one message's fields, in the order of their calls: call them in
 * field-number order. Field keys and lengths are collected as numbers and
 * values as references; finish() copies them all into one buffer.
 */
export class ProtoWriter {
  /** varint bytes (keys, lengths, values) and value bytes, in order */
  private readonly parts: (number[] | Uint8Array)[] = [];
  private size = 0;

  /** An int32, int64, uint64 or enum field; left out when 0, as proto3 does. Negative values are refused. */
  varint(field: number, value: number): this {
    if (value !== 0) {
      const head: number[] = [];
      pushVarint(head, field * 8 + VARINT);
      pushVarint(head, value);
      this.push(head);
    }
    return this;
  }

  /** A bytes field; left out when empty. */
  bytes(field: number, value: Uint8Array): this {
    return value.length > 0 ? this.delimited(field, value) : this;
  }

  /** A string field, in UTF-8; left out when empty. */
  string(field: number, value: string): this {
    return value.length > 0 ? this.delimited(field, Buffer.from(value, 'utf8')) : this;
  }

  /**
   * A length-delimited value written even when empty: a sub-message that is
   * set, an element of a repeated bytes field, a map entry, a map entry's key
   * or value.
   */
  delimited(field: number, value: Uint8Array): this {
    const head: number[] = [];
    pushVarint(head, field * 8 + LENGTH_DELIMITED);
    pushVarint(head, value.length);
    this.push(head);
    this.push(value);
    return this;
  }

  /** The message's bytes; like Buffer.allocUnsafe's, a small buffer may be a slice of Node's shared pool. */
  finish(): Buffer {
    const out = Buffer.allocUnsafe(this.size);
    let offset = 0;
    for (const part of this.parts) {
      if (part instanceof Uint8Array) {
        out.set(part, offset);
        offset += part.length;
      } else {
        for (const byte of part) {
          out[offset++] = byte;
        }
      }
    }
    return out;
  }

  private push(part: number[] | Uint8Array): void {
    this.parts.push(part);
    this.size += part.length;
  }
}
