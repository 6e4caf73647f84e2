import { gzipSync } from "node:zlib";

/** Builds an unsigned-byte IDX file: header (magic, dims) followed by `data`. */
export function idxBytes(dims: number[], data: Uint8Array | number[], typeCode = 0x08): Uint8Array {
  const header = Buffer.alloc(4 + 4 * dims.length);
  header[2] = typeCode;
  header[3] = dims.length;
  dims.forEach((d, i) => header.writeUInt32BE(d, 4 + 4 * i));
  return new Uint8Array(Buffer.concat([header, Buffer.from(data)]));
}

export function gz(bytes: Uint8Array): Uint8Array {
  return new Uint8Array(gzipSync(bytes));
}

/** A tiny labelled image set: `count` images of h x w with deterministic pixels. */
export function tinyImages(count: number, h = 4, w = 4): { images: Uint8Array; labels: Uint8Array } {
  const images = new Uint8Array(count * h * w);
  for (let i = 0; i < images.length; i++) images[i] = (i * 37 + 11) % 256;
  const labels = Uint8Array.from({ length: count }, (_, i) => i % 10);
  return { images, labels };
}
