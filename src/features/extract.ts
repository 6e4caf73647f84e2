import type { Matrix, PixelMatrix } from "../data/matrix.js";
import { FmbenchError } from "../errors.js";
import type { SharedHeap } from "../wasm/heap.js";
import { hogFeatures } from "./hog.js";
import type { FeatureSpec } from "./spec.js";

/** Computes one feature set for a batch of images (row-major, height x width pixels per row). */
export type FeatureExtractor = (images: PixelMatrix, height: number, width: number, spec: FeatureSpec, heap: SharedHeap) => Matrix;

const extractors = new Map<string, FeatureExtractor>([
  ["hog", (images, height, width, spec, heap) => {
    if (spec.kind !== "hog") throw new FmbenchError(`hog extractor called for '${spec.kind}' features`);
    const { kind: _kind, ...params } = spec;
    return hogFeatures({ ...images, height, width }, params, heap);
  }],
]);

/** Registers the extractor of a feature kind (raw pixels need none: the scalers read them directly). */
export function registerFeatureExtractor(kind: string, extractor: FeatureExtractor): void {
  extractors.set(kind, extractor);
}

export function extractFeatures(spec: FeatureSpec, images: PixelMatrix, height: number, width: number, heap: SharedHeap): Matrix {
  const extractor = extractors.get(spec.kind);
  if (!extractor) throw new FmbenchError(`feature kind '${spec.kind}' is not available in this build of fmbench`);
  return extractor(images, height, width, spec, heap);
}
