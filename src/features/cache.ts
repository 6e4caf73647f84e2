import { createHash, randomBytes } from "node:crypto";
import { existsSync, readFileSync, renameSync, rmSync, statSync, writeFileSync } from "node:fs";
import { join } from "node:path";
import type { Matrix } from "../core/matrix.js";
import { FmbenchError } from "../errors.js";
import { makeDirectory } from "../files.js";

const MAGIC = "FMBFEAT1";
const HEADER_BYTES = 8 + 4 + 4 + 32;
/** Bump when the extraction code changes its output, so old cache entries are not reused. */
export const FEATURE_CACHE_VERSION = 1;

/**
 * Extracted features on disk, keyed by everything that determines them (dataset
 * checksums, split, image count, feature parameters, code version). Each file holds
 * a header (magic, rows, cols, SHA-256 of the values) and the float32 values; a file
 * whose header or checksum does not match is treated as absent and rebuilt.
 */
export class FeatureCache {
  constructor(readonly dir: string) {}

  static key(parts: Record<string, unknown>): string {
    return createHash("sha256").update(JSON.stringify({ ...parts, version: FEATURE_CACHE_VERSION })).digest("hex").slice(0, 24);
  }

  path(name: string, key: string): string {
    const safe = name.replace(/[^A-Za-z0-9.,x-]+/g, "_");
    return join(this.dir, `${safe}-${key}.f32`);
  }

  /** The cached matrix, or null when absent or corrupt (`onCorrupt` is told why). */
  load(name: string, key: string, onCorrupt?: (file: string, why: string) => void): Matrix | null {
    const file = this.path(name, key);
    if (!existsSync(file)) return null;
    let bytes: Buffer;
    try {
      if (!statSync(file).isFile()) {
        // Not ours to delete: say so, and extract the features without the cache.
        onCorrupt?.(file, "not a regular file; move it away to cache these features again");
        return null;
      }
      bytes = readFileSync(file);
    } catch (err) {
      onCorrupt?.(file, `cannot read it: ${(err as NodeJS.ErrnoException).code ?? (err as Error).message}`);
      return null;
    }
    const why = checkFile(bytes);
    if (why) {
      onCorrupt?.(file, why);
      rmSync(file, { force: true });
      return null;
    }
    const rows = bytes.readUInt32LE(8);
    const cols = bytes.readUInt32LE(12);
    const data = new Float32Array(rows * cols);
    new Uint8Array(data.buffer).set(bytes.subarray(HEADER_BYTES));
    return { data, rows, cols };
  }

  /** Writes atomically (temp file + rename). */
  save(name: string, key: string, m: Matrix): string {
    makeDirectory(this.dir, "feature cache directory");
    const payload = new Uint8Array(m.data.buffer, m.data.byteOffset, m.data.byteLength);
    const header = Buffer.alloc(HEADER_BYTES);
    header.write(MAGIC, 0, "latin1");
    header.writeUInt32LE(m.rows, 8);
    header.writeUInt32LE(m.cols, 12);
    createHash("sha256").update(payload).digest().copy(header, 16);
    const file = this.path(name, key);
    const temp = `${file}.tmp-${process.pid}-${randomBytes(4).toString("hex")}`;
    try {
      writeFileSync(temp, Buffer.concat([header, payload]));
      renameSync(temp, file);
    } catch (err) {
      rmSync(temp, { force: true });
      throw new FmbenchError(`feature cache: cannot write ${file}: ${(err as NodeJS.ErrnoException).code ?? (err as Error).message}`);
    }
    return file;
  }
}

function checkFile(bytes: Buffer): string | null {
  if (bytes.length < HEADER_BYTES || bytes.toString("latin1", 0, 8) !== MAGIC) return "not a feature cache file";
  const rows = bytes.readUInt32LE(8);
  const cols = bytes.readUInt32LE(12);
  if (bytes.length !== HEADER_BYTES + rows * cols * 4) {
    return `size ${bytes.length} does not match ${rows} x ${cols} float32 values`;
  }
  const sum = createHash("sha256").update(bytes.subarray(HEADER_BYTES)).digest();
  if (!sum.equals(bytes.subarray(16, 48))) return "checksum mismatch";
  return null;
}
