import { GridError } from "../errors.js";
import { HOG_BLOCK_NORMS, HOG_DEFAULTS, type HogBlockNorm } from "./hog.js";

/** HOG parameters with scikit-image's names. */
export interface HogSpec {
  readonly kind: "hog";
  readonly orientations: number;
  readonly pixels_per_cell: readonly [number, number];
  readonly cells_per_block: readonly [number, number];
  readonly block_norm: HogBlockNorm;
  readonly transform_sqrt: boolean;
}

export interface RawSpec {
  readonly kind: "raw";
}

/**
 * Several feature sets side by side, like scikit-learn's FeatureUnion: each image's
 * vector is the parts' vectors concatenated in order (e.g. HOG descriptors and the pixels).
 */
export interface UnionSpec {
  readonly kind: "union";
  readonly parts: readonly (RawSpec | HogSpec)[];
}

/** A feature set: raw pixels, HOG descriptors, or a union of those. */
export type FeatureSpec = RawSpec | HogSpec | UnionSpec;

export const RAW: RawSpec = { kind: "raw" };

/** The simple feature sets a spec is made of, in column order (raw and hog specs are their own one part). */
export function featureParts(spec: FeatureSpec): readonly (RawSpec | HogSpec)[] {
  return spec.kind === "union" ? spec.parts : [spec];
}

function pair(value: unknown, name: string, where: string): [number, number] {
  const v = typeof value === "number" ? [value, value] : value;
  if (!Array.isArray(v) || v.length !== 2 || !v.every((x) => Number.isInteger(x) && x >= 1)) {
    throw new GridError(`${where}: HOG parameter '${name}' must be two positive integers such as [4, 4]; got ${JSON.stringify(value)}`);
  }
  return [v[0], v[1]];
}

/** Validates one entry of a grid file's "features" list (or CLI options), filling in scikit-image's defaults. */
export function parseFeatureSpec(raw: unknown, where: string): FeatureSpec {
  if (typeof raw !== "object" || raw === null || Array.isArray(raw)) {
    throw new GridError(`${where}: a feature set must be an object such as {"kind": "hog", "orientations": 9}`);
  }
  const obj = raw as Record<string, unknown>;
  if (obj.kind === "union") {
    const extra = Object.keys(obj).filter((k) => k !== "kind" && k !== "parts");
    if (extra.length > 0) throw new GridError(`${where}: a union of feature sets takes only 'parts'; got ${extra.join(", ")}`);
    if (!Array.isArray(obj.parts) || obj.parts.length < 2) {
      throw new GridError(`${where}: a union needs 'parts', a list of at least two feature sets such as [{"kind": "hog"}, {"kind": "raw"}]`);
    }
    const parts = obj.parts.map((part, i) => {
      const parsed = parseFeatureSpec(part, `${where}, part ${i + 1}`);
      if (parsed.kind === "union") throw new GridError(`${where}, part ${i + 1}: a union cannot contain another union`);
      return parsed;
    });
    return { kind: "union", parts };
  }
  if (obj.kind === "raw") {
    const extra = Object.keys(obj).filter((k) => k !== "kind");
    if (extra.length > 0) throw new GridError(`${where}: raw features take no parameters; got ${extra.join(", ")}`);
    return RAW;
  }
  if (obj.kind !== "hog") throw new GridError(`${where}: unknown feature kind ${JSON.stringify(obj.kind)}; known kinds: raw, hog, union`);
  const known = ["kind", "orientations", "pixels_per_cell", "cells_per_block", "block_norm", "transform_sqrt"];
  const unknown = Object.keys(obj).filter((k) => !known.includes(k));
  if (unknown.length > 0) {
    throw new GridError(`${where}: unknown HOG parameter '${unknown[0]}'; valid parameters are ${known.slice(1).join(", ")}`);
  }
  const orientations = obj.orientations ?? HOG_DEFAULTS.orientations;
  if (!Number.isInteger(orientations) || (orientations as number) < 1) {
    throw new GridError(`${where}: HOG parameter 'orientations' must be a positive integer; got ${JSON.stringify(orientations)}`);
  }
  const blockNorm = obj.block_norm ?? HOG_DEFAULTS.block_norm;
  if (!(HOG_BLOCK_NORMS as readonly unknown[]).includes(blockNorm)) {
    throw new GridError(`${where}: HOG parameter 'block_norm' must be one of ${HOG_BLOCK_NORMS.join(", ")}; got ${JSON.stringify(blockNorm)}`);
  }
  const sqrt = obj.transform_sqrt ?? false;
  if (typeof sqrt !== "boolean") throw new GridError(`${where}: HOG parameter 'transform_sqrt' must be true or false`);
  return {
    kind: "hog",
    orientations: orientations as number,
    pixels_per_cell: pair(obj.pixels_per_cell ?? HOG_DEFAULTS.pixels_per_cell, "pixels_per_cell", where),
    cells_per_block: pair(obj.cells_per_block ?? HOG_DEFAULTS.cells_per_block, "cells_per_block", where),
    block_norm: blockNorm as HogBlockNorm,
    transform_sqrt: sqrt,
  };
}

/** The name a feature set has in result lines and reports, e.g. `hog(9,4x4,2x2,L2-Hys)`, `raw` or `hog(...)+raw`. */
export function featureName(spec: FeatureSpec): string {
  if (spec.kind === "raw") return "raw";
  if (spec.kind === "union") return spec.parts.map(featureName).join("+");
  const [a, b] = spec.pixels_per_cell;
  const [c, d] = spec.cells_per_block;
  return `hog(${spec.orientations},${a}x${b},${c}x${d},${spec.block_norm}${spec.transform_sqrt ? ",sqrt" : ""})`;
}
