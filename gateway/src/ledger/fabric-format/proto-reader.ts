/**
 * Protocol Buffers wire decoding for messages read on hot paths (a peer's
 * proposals, the auditor's blocks), where google-protobuf's message objects
 * cost more than the work done with them. Callers read fields as
 * google-protobuf's generated code does: unknown fields are skipped, a
 * field that occurs twice keeps its last value, a repeated field keeps
 * every value. Anything malformed or truncated throws.
 */

const VARINT = 0;
const FIXED64 = 1;
const LENGTH_DELIMITED = 2;
const FIXED32 = 5;

/** One message's fields, in the order they occur. */
export class ProtoReader {
  private offset = 0;
  /** wire type of the field last read by next() */
  private wireType = -1;

  constructor(private readonly message: Uint8Array) {}

  /** The next field's number, or 0 at the end of the message. */
  next(): number {
    if (this.offset >= this.message.length) {
      return 0;
    }
    const key = this.readVarint();
    const field = Math.floor(key / 8);
    this.wireType = key % 8;
    if (field === 0) {
      throw new Error('protobuf field number 0');
    }
    return field;
  }

  /** The current field as a varint (int32, int64, uint64, enum, bool), as a number. */
  varint(): number {
    this.expect(VARINT);
    const value = this.readVarint();
    // int64 and int32 carry negative values as 64-bit two's complement
    return value >= 2 ** 63 ? value - 2 ** 64 : value;
  }

  /** The current field as bytes (a view into the message, not a copy). */
  bytes(): Uint8Array {
    this.expect(LENGTH_DELIMITED);
    const length = this.readVarint();
    const end = this.offset + length;
    if (end > this.message.length) {
      throw new Error('protobuf length-delimited field runs past the end of its message');
    }
    const value = this.message.subarray(this.offset, end);
    this.offset = end;
    return value;
  }

  /** The current field as a UTF-8 string. */
  string(): string {
    const b = this.bytes();
    return Buffer.from(b.buffer, b.byteOffset, b.byteLength).toString('utf8');
  }

  /** Skips the current field. */
  skip(): void {
    switch (this.wireType) {
      case VARINT:
        this.readVarint();
        return;
      case FIXED64:
        this.advance(8);
        return;
      case LENGTH_DELIMITED:
        this.bytes();
        return;
      case FIXED32:
        this.advance(4);
        return;
      default:
        throw new Error(`protobuf wire type ${this.wireType} is not supported`);
    }
  }

  private expect(wireType: number): void {
    if (this.wireType !== wireType) {
      throw new Error(`protobuf field has wire type ${this.wireType}, expected ${wireType}`);
    }
  }

  private advance(n: number): void {
    if (this.offset + n > this.message.length) {
      throw new Error('protobuf field runs past the end of its message');
    }
    this.offset += n;
  }

  /** An unsigned varint of up to 64 bits, as a number (exact up to 2^53). */
  private readVarint(): number {
    let value = 0;
    let scale = 1;
    for (let i = 0; i < 10; i++) {
      if (this.offset >= this.message.length) {
        throw new Error('protobuf varint runs past the end of its message');
      }
      const byte = this.message[this.offset++]!;
      value += (byte & 0x7f) * scale;
      if (byte < 0x80) {
        return value;
      }
      scale *= 0x80;
    }
    throw new Error('protobuf varint is longer than 10 bytes');
  }
}
