/**
 * Protocol Buffers wire decoding for messages read on hot paths (a peer's
 * proposals, the auditor's blocks), where google-protobuf's message objects
 * cost more than the work done with them. Callers read fields as
 * google-protobuf's generated code does: unknown fields are skipped, a
 * field that occurs twice keeps its last value (block-reader.ts refuses it),
 * a repeated field keeps every value. Anything malformed or truncated
 * throws.
 *
 * One reader reads nested messages too: enter() narrows it to a message
 * held in a length-delimited field (or at offsets noted earlier with
 * span()), leave() carries on with the enclosing one, so a message is read
 * without a reader or a view of its bytes of its own. Views (bytes(),
 * view()) are made only for values that are kept.
 */
import { isUtf8 } from 'node:buffer';

const VARINT = 0;
const FIXED64 = 1;
const LENGTH_DELIMITED = 2;
const FIXED32 = 5;

/**
 * Texts decoded by ProtoReader.recurringUtf8: their bytes and the one string
 * made of them, by a fingerprint (the length and the last bytes: for a
 * certificate in PEM, part of its signature), so that a text is found
 * without comparing it with every other one of its length.
 */
const recurring = new Map<string, { bytes: Buffer; text: string }[]>();
/** Fingerprints kept at most (a certificate's bytes and string each, a few hundred kilobytes in all). */
const RECURRING_TEXTS = 512;
/** Texts kept under one fingerprint at most. */
const SAME_FINGERPRINT = 4;
/** How many of a text's last bytes its fingerprint holds. */
const FINGERPRINT_BYTES = 48;

/** One message's fields, in the order they occur. */
export class ProtoReader {
  private offset = 0;
  /** the end of the message being read: the whole message, or the one entered */
  private limit: number;
  /** wire type of the field last read by next() */
  private wireType = -1;
  /** the message as a Buffer over the same memory, for decoding text in place */
  private text: Buffer | undefined;
  /** where the bytes of the field last read by span() end */
  spanEnd = 0;

  constructor(private readonly message: Uint8Array) {
    this.limit = message.length;
  }

  /** The next field's number, or 0 at the end of the message. */
  next(): number {
    if (this.offset >= this.limit) {
      return 0;
    }
    const key = this.readVarint();
    const field = Math.floor(key / 8);
    this.wireType = key % 8;
    // field numbers run from 1 to 2^29 - 1; Go's protobuf refuses a larger one, whose key (and wire type) a number may not even hold exactly
    if (field === 0 || key >= 2 ** 32) {
      throw new Error(`protobuf field number ${field} is out of range`);
    }
    return field;
  }

  /** The current field as a varint (int64, uint64, bool; an int32 or an enum is read by int32()), as a number. */
  varint(): number {
    this.expect(VARINT);
    const start = this.offset;
    const value = this.readVarint();
    // A double holds a value below 2^53 exactly. Past it, the value is read again from its bytes, as the
    // 64-bit two's complement in which int64 carries negative values (-1 is ten bytes, and not 2^64 - 2^64 = 0).
    return value < 2 ** 53 ? value : Number(BigInt.asIntN(64, this.exactVarint(start)));
  }

  /**
   * The current field as an int32 (or an enum): the low 32 bits of its
   * varint, signed, as Go's protobuf and google-protobuf read one (a damaged
   * one can hold more).
   */
  int32(): number {
    this.expect(VARINT);
    const start = this.offset;
    const value = this.readVarint();
    return value < 2 ** 31 ? value : Number(BigInt.asIntN(32, this.exactVarint(start)));
  }

  /** The varint read from `start` up to the current offset, exactly. */
  private exactVarint(start: number): bigint {
    let value = 0n;
    for (let i = start; i < this.offset; i++) {
      value |= BigInt(this.message[i]! & 0x7f) << BigInt(7 * (i - start));
    }
    return value;
  }

  /** The current field as bytes (a view into the message, not a copy). */
  bytes(): Uint8Array {
    return this.view(this.span(), this.spanEnd);
  }

  /** The current field as a UTF-8 string (invalid bytes read as U+FFFD). */
  string(): string {
    return this.utf8(this.span(), this.spanEnd);
  }

  /** The current field as a string, which must be valid UTF-8. */
  strictString(): string {
    const start = this.span();
    const end = this.spanEnd;
    const m = this.message;
    let i = start;
    while (i < end && m[i]! < 0x80) {
      i++;
    }
    if (i === end) {
      // ASCII, which latin1 decodes as UTF-8 does, and faster
      return this.textView().toString('latin1', start, end);
    }
    if (!isUtf8(this.view(start, end))) {
      throw new Error('protobuf string field is not UTF-8');
    }
    return this.utf8(start, end);
  }

  /** The current field, length-delimited, as offsets into the message without a view: returns its start; spanEnd is its end. */
  span(): number {
    this.expect(LENGTH_DELIMITED);
    const length = this.readVarint();
    const start = this.offset;
    const end = start + length;
    if (end > this.limit) {
      throw new Error('protobuf length-delimited field runs past the end of its message');
    }
    this.offset = end;
    this.spanEnd = end;
    return start;
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
        this.span();
        return;
      case FIXED32:
        this.advance(4);
        return;
      default:
        throw new Error(`protobuf wire type ${this.wireType} is not supported`);
    }
  }

  /**
   * Reads the message at message[start, end) (a span() of the message being
   * read, or of one that encloses it) until leave(); returns what leave()
   * needs to carry on with the message being read now.
   */
  enter(start: number, end: number): number {
    const outer = this.limit;
    this.offset = start;
    this.limit = end;
    return outer;
  }

  /** enter() the current field, a length-delimited message. */
  enterField(): number {
    const start = this.span();
    return this.enter(start, this.spanEnd);
  }

  /** Carries on with the enclosing message after the end of the one entered (the value enter() returned). */
  leave(outer: number): void {
    this.offset = this.limit;
    this.limit = outer;
  }

  /** message[start, end) as a view of the message's own kind (as subarray makes, for a Buffer more cheaply). */
  view(start: number, end: number): Uint8Array {
    const m = this.message;
    return m.constructor === Buffer ? Buffer.from(m.buffer, m.byteOffset + start, end - start) : m.subarray(start, end);
  }

  /** message[start, end) as a Buffer view. */
  bufferView(start: number, end: number): Buffer {
    const m = this.message;
    return Buffer.from(m.buffer, m.byteOffset + start, end - start);
  }

  /** message[start, end) decoded as UTF-8 (invalid bytes read as U+FFFD). */
  utf8(start: number, end: number): string {
    return this.textView().toString('utf8', start, end);
  }

  /**
   * message[start, end) decoded as UTF-8, for a text that recurs in many
   * messages (a certificate in every transaction of its signer): the same
   * bytes give the same string, compared byte for byte, so it is decoded
   * once and a map keyed by it hashes it once.
   */
  recurringUtf8(start: number, end: number): string {
    const text = this.textView();
    const fingerprint = `${end - start}:${text.toString('latin1', Math.max(start, end - FINGERPRINT_BYTES), end)}`;
    let same = recurring.get(fingerprint);
    if (same) {
      for (const known of same) {
        if (known.bytes.compare(text, start, end) === 0) {
          return known.text;
        }
      }
    }
    const decoded = this.utf8(start, end);
    if (!same) {
      if (recurring.size >= RECURRING_TEXTS) {
        recurring.clear();
      }
      same = [];
      recurring.set(fingerprint, same);
    }
    if (same.length < SAME_FINGERPRINT) {
      same.push({ bytes: Buffer.from(text.subarray(start, end)), text: decoded });
    }
    return decoded;
  }

  /** The byte at `offset` of the message. */
  byteAt(offset: number): number {
    return this.message[offset]!;
  }

  private textView(): Buffer {
    const m = this.message;
    return (this.text ??= m.constructor === Buffer ? (m as Buffer) : Buffer.from(m.buffer, m.byteOffset, m.byteLength));
  }

  private expect(wireType: number): void {
    if (this.wireType !== wireType) {
      throw new Error(`protobuf field has wire type ${this.wireType}, expected ${wireType}`);
    }
  }

  private advance(n: number): void {
    if (this.offset + n > this.limit) {
      throw new Error('protobuf field runs past the end of its message');
    }
    this.offset += n;
  }

  /** An unsigned varint of up to 64 bits, as a number (exact up to 2^53). */
  private readVarint(): number {
    const m = this.message;
    if (this.offset < this.limit && m[this.offset]! < 0x80) {
      return m[this.offset++]!;
    }
    let value = 0;
    let scale = 1;
    for (let i = 0; ; i++) {
      if (this.offset >= this.limit) {
        throw new Error('protobuf varint runs past the end of its message');
      }
      const byte = m[this.offset++]!;
      // the tenth byte holds bit 63 alone: as Go's protobuf, refuse more (google-protobuf drops it)
      if (i === 9 && byte > 1) {
        throw new Error('protobuf varint overflows 64 bits');
      }
      value += (byte & 0x7f) * scale;
      if (byte < 0x80) {
        return value;
      }
      scale *= 0x80;
    }
  }
}

/** A google.protobuf.Timestamp message, from the reader's current message, as Timestamp.toDate reads it. */
export function readTimestamp(r: ProtoReader): Date {
  let seconds = 0;
  let nanos = 0;
  for (let n = r.next(); n !== 0; n = r.next()) {
    if (n === 1) {
      seconds = r.varint();
    } else if (n === 2) {
      nanos = r.int32();
    } else {
      r.skip();
    }
  }
  return new Date(seconds * 1000 + nanos / 1_000_000);
}
