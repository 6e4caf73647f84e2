import { closeSync, openSync, renameSync, rmSync, writeSync } from "node:fs";
import type { Matrix } from "../core/matrix.js";

/**
 * NumPy .npy format, version 1.0: the magic string, the version, a little-endian
 * u16 header length, then a Python dict literal padded with spaces and ended by a
 * newline so that the data starts at a multiple of 64 bytes (as numpy writes it),
 * then the raw array. fmbench writes float32, little-endian, C order.
 */

const MAGIC = [0x93, 0x4e, 0x55, 0x4d, 0x50, 0x59]; // \x93NUMPY
const ALIGN = 64;
const LITTLE_ENDIAN = new Uint8Array(new Uint16Array([1]).buffer)[0] === 1;

/** The header of a .npy v1.0 file holding a C-order '<f4' array of `shape`. */
export function npyHeader(shape: readonly number[]): Uint8Array {
  const dims = shape.length === 1 ? `${shape[0]},` : shape.join(", ");
  const dict = `{'descr': '<f4', 'fortran_order': False, 'shape': (${dims}), }`;
  const unpadded = MAGIC.length + 2 + 2 + dict.length + 1;
  const total = Math.ceil(unpadded / ALIGN) * ALIGN;
  const headerLen = total - MAGIC.length - 4;
  if (headerLen > 0xffff) throw new RangeError(".npy v1.0 header too long");
  const out = new Uint8Array(total);
  out.set(MAGIC, 0);
  out[6] = 1; // major version
  out[7] = 0; // minor version
  out[8] = headerLen & 0xff;
  out[9] = headerLen >> 8;
  const text = dict + " ".repeat(total - unpadded) + "\n";
  for (let i = 0; i < text.length; i++) out[10 + i] = text.charCodeAt(i);
  return out;
}

/** Little-endian bytes of `data` (a view on it where the host is little-endian). */
function littleEndianBytes(data: Float32Array): Uint8Array {
  if (LITTLE_ENDIAN) return new Uint8Array(data.buffer, data.byteOffset, data.byteLength);
  const out = new Uint8Array(data.byteLength);
  const view = new DataView(out.buffer);
  for (let i = 0; i < data.length; i++) view.setFloat32(i * 4, data[i], true);
  return out;
}

/** The whole .npy file for `m` (shape rows x cols) in memory. */
export function npyBytes(m: Matrix): Uint8Array {
  const header = npyHeader([m.rows, m.cols]);
  const out = new Uint8Array(header.length + m.data.byteLength);
  out.set(header, 0);
  out.set(littleEndianBytes(m.data), header.length);
  return out;
}

/** Writes `m` as a float32 .npy file of shape (rows, cols) that `numpy.load` reads. */
export function writeNpy(path: string, m: Matrix): void {
  if (m.data.length !== m.rows * m.cols) throw new RangeError(`writeNpy: ${m.data.length} values do not make ${m.rows} x ${m.cols}`);
  const writer = new NpyWriter(path, m.rows, m.cols);
  try {
    writer.append(m.data);
  } finally {
    writer.close();
  }
}

/**
 * Streams a float32 (rows, cols) .npy file: the header first, then rows in any
 * number of append() calls. close() checks that exactly rows x cols values came.
 */
export class NpyWriter {
  private readonly fd: number;
  /** The file being written; renamed to `path` only when complete, so an interrupted write leaves no torn .npy. */
  private readonly temp: string;
  private written = 0;

  constructor(readonly path: string, readonly rows: number, readonly cols: number) {
    this.temp = `${path}.part-${process.pid}`;
    this.fd = openSync(this.temp, "w");
    this.write(npyHeader([rows, cols]));
  }

  append(values: Float32Array): void {
    if (this.written + values.length > this.rows * this.cols) {
      throw new RangeError(`${this.path}: more than ${this.rows} x ${this.cols} values appended`);
    }
    this.write(littleEndianBytes(values));
    this.written += values.length;
  }

  close(): void {
    closeSync(this.fd);
    if (this.written !== this.rows * this.cols) {
      rmSync(this.temp, { force: true });
      throw new RangeError(`${this.path}: ${this.written} values written, the header promises ${this.rows} x ${this.cols}`);
    }
    renameSync(this.temp, this.path);
  }

  private write(bytes: Uint8Array): void {
    // Chunks keep each write small; the source may be a view on the shared WASM heap.
    const CHUNK = 16 << 20;
    for (let at = 0; at < bytes.length; at += CHUNK) {
      const part = bytes.subarray(at, Math.min(at + CHUNK, bytes.length));
      let done = 0;
      while (done < part.length) done += writeSync(this.fd, part, done, part.length - done);
    }
  }
}
