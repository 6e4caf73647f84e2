import type { PixelMatrix } from "../core/matrix.js";
import { FmbenchError } from "../errors.js";
import type { SharedHeap } from "../wasm/heap.js";

/**
 * Training-set augmentations: extra training images derived from the originals,
 * added after them. Only the training set is augmented; evaluation images never are.
 * - `hflip`: each training image mirrored left to right (a shirt or a shoe seen in a
 *   mirror is still a shirt or a shoe), doubling the training set.
 */
export const AUGMENTATIONS = ["hflip"] as const;
export type Augmentation = (typeof AUGMENTATIONS)[number];

export function checkAugmentation(name: string): Augmentation {
  if ((AUGMENTATIONS as readonly string[]).includes(name)) return name as Augmentation;
  throw new FmbenchError(`unknown augmentation '${name}'; known: ${AUGMENTATIONS.join(", ")}`);
}

/** Each image (height x width, one per row) mirrored left to right, written into the heap. */
export function mirrorImages(images: PixelMatrix, height: number, width: number, heap: SharedHeap): PixelMatrix {
  if (height * width !== images.cols) {
    throw new FmbenchError(`mirrorImages: ${height} x ${width} images need ${height * width} pixels per row; got ${images.cols}`);
  }
  const src = images.data;
  const out = heap.allocU8(images.rows * images.cols);
  for (let row = 0; row < height * images.rows; row++) {
    const at = row * width;
    const last = at + width - 1;
    for (let c = 0; c < width; c++) out[at + c] = src[last - c];
  }
  return { data: out, rows: images.rows, cols: images.cols };
}
