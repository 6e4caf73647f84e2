import { readFileSync, statSync } from "node:fs";
import { GridError } from "../errors.js";
import type { ParamValue, Params } from "../params.js";
import { RAW, parseFeatureSpec, type FeatureSpec } from "../features/spec.js";

/**
 * The upstream grid format (fashion-mnist's benchmark/baselines.json):
 * `{"common": {...}, "classifiers": {"Name": [group, group, ...]}}` where each group
 * maps parameter names to lists of values. A classifier's configurations are the
 * cartesian product over every key of every group, in file order, with `common`
 * merged into each. String values that start with "(" are Python tuples
 * ("(100,)", "(10,10,)") and become arrays of numbers.
 */
export interface GridFile {
  readonly common: Params;
  /**
   * fmbench's extension: the feature sets every configuration runs on (default: raw
   * pixels only, which is what an upstream file means).
   */
  readonly features: readonly FeatureSpec[];
  readonly classifiers: Readonly<Record<string, readonly Readonly<Record<string, readonly ParamValue[]>>[]>>;
}

/** One configuration of the expanded grid. */
export interface GridConfig {
  readonly classifier: string;
  readonly params: Params;
}

function isPlainObject(v: unknown): v is Record<string, unknown> {
  return typeof v === "object" && v !== null && !Array.isArray(v);
}

/** Parses a Python tuple literal of numbers, e.g. "(10,)" or "(100, 10)". */
export function parseTupleLiteral(text: string, where: string): number[] {
  const trimmed = text.trim();
  if (!trimmed.startsWith("(") || !trimmed.endsWith(")")) {
    throw new GridError(`${where}: '${text}' is not a tuple literal`);
  }
  const inner = trimmed.slice(1, -1).trim();
  if (inner === "") return [];
  const parts = inner.split(",").map((p) => p.trim());
  if (parts[parts.length - 1] === "") parts.pop();
  return parts.map((p) => {
    if (!/^[-+]?(\d+\.?\d*|\.\d+)([eE][-+]?\d+)?$/.test(p)) {
      throw new GridError(`${where}: tuple '${text}' holds '${p}', which is not a number`);
    }
    return Number(p);
  });
}

function convertValue(v: unknown, where: string): ParamValue {
  if (typeof v === "string" && v.startsWith("(")) return parseTupleLiteral(v, where);
  if (v === null || typeof v === "string" || typeof v === "number" || typeof v === "boolean") return v;
  if (Array.isArray(v)) return v.map((x, i) => convertValue(x, `${where}[${i}]`));
  throw new GridError(`${where}: unsupported value ${JSON.stringify(v)}`);
}

const MAX_GRID_FILE_BYTES = 16 * 2 ** 20;

/** The most configurations one grid may expand to (the upstream grid has 143): a bound on what a typo can allocate. */
export const MAX_CONFIGURATIONS = 100_000;

/** Validates the shape of a parsed grid document; `source` names it in errors. */
export function parseGrid(doc: unknown, source: string): GridFile {
  if (!isPlainObject(doc)) throw new GridError(`${source}: a grid file must be a JSON object`);
  const common = doc.common ?? {};
  if (!isPlainObject(common)) throw new GridError(`${source}: "common" must be an object`);
  const classifiers = doc.classifiers;
  if (!isPlainObject(classifiers)) {
    throw new GridError(`${source}: "classifiers" must be an object mapping classifier names to lists of parameter groups`);
  }
  if (Object.keys(classifiers).length === 0) {
    throw new GridError(`${source}: "classifiers" is empty; a grid needs at least one classifier, e.g. {"classifiers": {"GaussianNB": []}}`);
  }
  const out: Record<string, Record<string, ParamValue[]>[]> = {};
  for (const [name, groups] of Object.entries(classifiers)) {
    if (!Array.isArray(groups)) {
      throw new GridError(`${source}: classifiers.${name} must be a list of parameter groups`);
    }
    out[name] = groups.map((group, gi) => {
      const where = `${source}: classifiers.${name}[${gi}]`;
      if (!isPlainObject(group)) throw new GridError(`${where} must be an object of parameter lists`);
      const converted: Record<string, ParamValue[]> = {};
      for (const [key, values] of Object.entries(group)) {
        if (!Array.isArray(values) || values.length === 0) {
          throw new GridError(`${where}.${key} must be a non-empty list of values`);
        }
        converted[key] = values.map((v, vi) => convertValue(v, `${where}.${key}[${vi}]`));
      }
      return converted;
    });
  }
  let count = 0;
  for (const groups of Object.values(out)) {
    count += groups.reduce((n, group) => Object.values(group).reduce((m, values) => m * values.length, n), 1);
  }
  if (count > MAX_CONFIGURATIONS) {
    throw new GridError(`${source}: the grid expands to ${count} configurations, more than the ${MAX_CONFIGURATIONS} fmbench runs in one grid; split it into several grids`);
  }
  const commonParams: Record<string, ParamValue> = {};
  for (const [k, v] of Object.entries(common)) commonParams[k] = convertValue(v, `${source}: common.${k}`);
  let features: FeatureSpec[] = [RAW];
  if (doc.features !== undefined) {
    if (!Array.isArray(doc.features) || doc.features.length === 0) {
      throw new GridError(`${source}: "features" must be a non-empty list of feature sets such as [{"kind": "raw"}]`);
    }
    features = doc.features.map((f, i) => parseFeatureSpec(f, `${source}: features[${i}]`));
  }
  return { common: commonParams, classifiers: out, features };
}

/** Reads and validates a grid file. */
export function readGridFile(path: string): GridFile {
  let text: string;
  try {
    const bytes = statSync(path).size;
    // The upstream grid is 4 KB: a file this large is not a grid, and is not read into memory.
    if (bytes > MAX_GRID_FILE_BYTES) throw new GridError(`${path}: ${bytes} bytes is too large for a grid file (at most ${MAX_GRID_FILE_BYTES})`);
    text = readFileSync(path, "utf8");
  } catch (err) {
    if (err instanceof GridError) throw err;
    throw new GridError(`cannot read grid file ${path}: ${(err as NodeJS.ErrnoException).code ?? (err as Error).message}`);
  }
  let doc: unknown;
  try {
    doc = JSON.parse(text);
  } catch (err) {
    throw new GridError(`${path}: not valid JSON (${(err as Error).message})`);
  }
  return parseGrid(doc, path);
}

/** Expands a grid into configurations, classifier by classifier in file order. */
export function expandGrid(grid: GridFile): GridConfig[] {
  const configs: GridConfig[] = [];
  for (const [classifier, groups] of Object.entries(grid.classifiers)) {
    const axes: [string, readonly ParamValue[]][] = [];
    for (const group of groups) for (const [key, values] of Object.entries(group)) axes.push([key, values]);
    // Cartesian product with the last axis varying fastest, like itertools.product.
    let combos: ParamValue[][] = [[]];
    for (const [, values] of axes) {
      const next: ParamValue[][] = [];
      for (const combo of combos) for (const v of values) next.push([...combo, v]);
      combos = next;
    }
    for (const combo of combos) {
      const params: Record<string, ParamValue> = {};
      axes.forEach(([key], i) => (params[key] = combo[i]));
      Object.assign(params, grid.common);
      configs.push({ classifier, params });
    }
  }
  return configs;
}
