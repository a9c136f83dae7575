import * as jspb from "google-protobuf";

/**
 * Makes google-protobuf encode and decode strings with Node's native UTF-8 codec in this process.
 *
 * Every provider call and registration carries a dynamic resource's serialized provider, 50 to
 * 150 KB of source text, often twice (olds and news). google-protobuf's JavaScript codec walks such
 * a string one character at a time into a plain array, about 40 ms per request each way, which
 * made the engine the slowest party on a large stack (the real engine is Go and pays ~nothing).
 * A string field and a bytes field share one wire format, so writing the string's UTF-8 bytes as
 * bytes gives the same output byte for byte; reading takes the field's bytes and decodes them.
 * Idempotent; affects every google-protobuf user in this process, identically but faster.
 */
export function useNativeUtf8Strings(): void {
  const writer = jspb.BinaryWriter.prototype as unknown as PatchableWriter;
  const reader = jspb.BinaryReader.prototype as unknown as PatchableReader;
  if (writer.writeString === writeString) return;
  writer.writeString = writeString;
  reader.readString = readString;
}

interface PatchableWriter {
  writeString(field: number, value?: string | null): void;
  writeBytes(field: number, value?: Uint8Array | null): void;
}

interface PatchableReader {
  readString(): string;
  readBytes(): Uint8Array;
}

function writeString(this: PatchableWriter, field: number, value?: string | null): void {
  if (value === null || value === undefined) return;
  this.writeBytes(field, Buffer.from(value, "utf8"));
}

function readString(this: PatchableReader): string {
  const bytes = this.readBytes();
  return Buffer.from(bytes.buffer, bytes.byteOffset, bytes.byteLength).toString("utf8");
}
