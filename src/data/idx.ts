import { createHash } from "node:crypto";
import { createReadStream } from "node:fs";
import { open } from "node:fs/promises";
import { pipeline } from "node:stream";
import { createGunzip } from "node:zlib";
import { IdxFormatError } from "../errors.js";

/** Contents of one IDX file: unsigned bytes plus the dimensions from its header. */
export interface IdxArray {
  readonly data: Uint8Array;
  readonly dims: readonly number[];
  /** SHA-256 (hex) of the decompressed bytes, header included. */
  readonly sha256: string;
}

const GZIP_MAGIC_0 = 0x1f;
const GZIP_MAGIC_1 = 0x8b;
const IDX_TYPE_UBYTE = 0x08;
const IDX_TYPE_NAMES: Record<number, string> = {
  0x08: "unsigned byte", 0x09: "signed byte", 0x0b: "short", 0x0c: "int", 0x0d: "float", 0x0e: "double",
};

/** Parses the IDX header; returns null while fewer bytes than the header needs are available. */
function parseHeader(file: string, head: Uint8Array): { dims: number[]; headerBytes: number; typeCode: number } | null {
  if (head.length < 4) return null;
  if (head[0] !== 0 || head[1] !== 0) {
    throw new IdxFormatError(file, `not an IDX file: bad magic number 0x${hex(head.subarray(0, 4))} (expected 0x0000 followed by type and rank)`);
  }
  const typeCode = head[2];
  const rank = head[3];
  if (rank < 1 || rank > 4) {
    throw new IdxFormatError(file, `not an IDX file: rank ${rank} in the magic number (expected 1 to 4)`);
  }
  const headerBytes = 4 + 4 * rank;
  if (head.length < headerBytes) return null;
  const view = new DataView(head.buffer, head.byteOffset, headerBytes);
  const dims: number[] = [];
  for (let i = 0; i < rank; i++) dims.push(view.getUint32(4 + 4 * i, false));
  return { dims, headerBytes, typeCode };
}

function hex(bytes: Uint8Array): string {
  return Buffer.from(bytes).toString("hex");
}

function isGzip(first: Uint8Array): boolean {
  return first.length >= 2 && first[0] === GZIP_MAGIC_0 && first[1] === GZIP_MAGIC_1;
}

/** Deflate's largest expansion of one compressed byte. */
const MAX_DEFLATE_RATIO = 1032;
/** Bytes past the declared data read before a file is refused as overlong. */
const MAX_OVERFLOW_BYTES = 1 << 20;

/**
 * Reads an IDX file, gzipped or raw (detected from its first bytes, not its name),
 * streaming the decompression straight into one preallocated buffer.
 * Throws IdxFormatError naming the file for a bad magic number, an unsupported
 * element type, a rank other than `expectedRank`, a truncated or overlong body, or
 * corrupt gzip data.
 */
export async function readIdx(file: string, expectedRank?: number): Promise<IdxArray> {
  let gzip: boolean;
  let fileBytes: number;
  try {
    const handle = await open(file, "r");
    try {
      fileBytes = (await handle.stat()).size;
      const probe = new Uint8Array(2);
      const { bytesRead } = await handle.read(probe, 0, 2, 0);
      if (bytesRead === 0) throw new IdxFormatError(file, "empty file");
      gzip = isGzip(probe.subarray(0, bytesRead));
    } finally {
      await handle.close();
    }
  } catch (err) {
    if (err instanceof IdxFormatError) throw err;
    throw new IdxFormatError(file, `cannot read: ${(err as Error).message}`);
  }
  const sha = createHash("sha256");
  const raw = createReadStream(file);
  // pipeline() propagates a read error or a gunzip error to the stream we iterate.
  const source: AsyncIterable<Buffer> = gzip ? pipeline(raw, createGunzip(), () => {}) : raw;

  let header: ReturnType<typeof parseHeader> = null;
  let pending = new Uint8Array(0);
  let body: Uint8Array | null = null;
  let filled = 0;
  let overflow = 0;
  try {
    for await (const chunk of source) {
      sha.update(chunk);
      let bytes: Uint8Array = chunk;
      if (header === null) {
        const joined = new Uint8Array(pending.length + bytes.length);
        joined.set(pending, 0);
        joined.set(bytes, pending.length);
        header = parseHeader(file, joined);
        if (header === null) {
          pending = joined;
          continue;
        }
        checkHeader(file, header, expectedRank);
        const size = header.dims.reduce((a, b) => a * b, 1);
        // The header alone does not decide how much memory is taken: a raw file holds what
        // its size says, and deflate expands a byte to at most 1,032.
        const most = gzip ? fileBytes * MAX_DEFLATE_RATIO : fileBytes - header.headerBytes;
        if (size > most) {
          throw new IdxFormatError(file, gzip
            ? `header declares ${header.dims.join(" x ")} = ${size} data bytes, more than a gzip file of ${fileBytes} bytes can hold`
            : `truncated: header declares ${header.dims.join(" x ")} = ${size} data bytes but the file holds ${most}`);
        }
        body = new Uint8Array(size);
        bytes = joined.subarray(header.headerBytes);
      }
      const room = body!.length - filled;
      if (bytes.length > room) {
        overflow += bytes.length - room;
        bytes = bytes.subarray(0, room);
        // Stop decompressing a stream that goes on and on past its data (a gzip bomb).
        if (overflow > MAX_OVERFLOW_BYTES) break;
      }
      body!.set(bytes, filled);
      filled += bytes.length;
    }
  } catch (err) {
    if (err instanceof IdxFormatError) throw err;
    const e = err as NodeJS.ErrnoException;
    if (gzip && (e.code?.startsWith("Z_") || /unexpected end of file|incorrect header|invalid/i.test(e.message))) {
      throw new IdxFormatError(file, `corrupt gzip data (${e.message})`);
    }
    throw new IdxFormatError(file, `cannot read: ${e.message}`);
  }
  if (header === null) {
    throw new IdxFormatError(file, `truncated: ${pending.length} bytes is shorter than an IDX header`);
  }
  if (filled < body!.length) {
    throw new IdxFormatError(
      file,
      `truncated: header declares ${header.dims.join(" x ")} = ${body!.length} data bytes but the file holds ${filled}`,
    );
  }
  if (overflow > 0) {
    const count = overflow > MAX_OVERFLOW_BYTES ? `more than ${MAX_OVERFLOW_BYTES}` : String(overflow);
    throw new IdxFormatError(file, `${count} unexpected bytes after the ${body!.length} data bytes the header declares`);
  }
  return { data: body!, dims: header.dims, sha256: sha.digest("hex") };
}

function checkHeader(file: string, header: { dims: number[]; typeCode: number }, expectedRank?: number): void {
  if (header.typeCode !== IDX_TYPE_UBYTE) {
    const name = IDX_TYPE_NAMES[header.typeCode] ?? `unknown type 0x${header.typeCode.toString(16)}`;
    throw new IdxFormatError(file, `element type ${name} is not supported (fmbench reads unsigned-byte IDX files)`);
  }
  if (expectedRank !== undefined && header.dims.length !== expectedRank) {
    const kind = expectedRank === 1 ? "labels (idx1)" : expectedRank === 3 ? "images (idx3)" : `rank ${expectedRank}`;
    throw new IdxFormatError(file, `expected ${kind} but the header has rank ${header.dims.length}`);
  }
  const size = header.dims.reduce((a, b) => a * b, 1);
  if (size > 2 ** 31) {
    throw new IdxFormatError(file, `header declares ${header.dims.join(" x ")} elements, more than fmbench can hold`);
  }
}

/** Images and labels of one split, with shape metadata. */
export interface LabelledImages {
  /** Row-major pixels, one image of `height * width` bytes per row. */
  readonly images: Uint8Array;
  readonly labels: Uint8Array;
  readonly count: number;
  readonly height: number;
  readonly width: number;
  readonly sha256: { readonly images: string; readonly labels: string };
}

/** Reads an idx3 image file and an idx1 label file and checks that their counts agree. */
export async function readLabelledImages(imagesFile: string, labelsFile: string): Promise<LabelledImages> {
  const [images, labels] = await Promise.all([readIdx(imagesFile, 3), readIdx(labelsFile, 1)]);
  const [count, height, width] = images.dims;
  if (labels.dims[0] !== count) {
    throw new IdxFormatError(
      labelsFile,
      `holds ${labels.dims[0]} labels but ${imagesFile} holds ${count} images`,
    );
  }
  return {
    images: images.data, labels: labels.data, count, height, width,
    sha256: { images: images.sha256, labels: labels.sha256 },
  };
}
