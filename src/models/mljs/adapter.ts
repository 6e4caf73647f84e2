import { createRequire } from "node:module";
import type { Matrix } from "../../core/matrix.js";

// What every mljs adapter needs: the libraries take `number[][]` only (typed arrays throw), and the
// CommonJS ones without type declarations are loaded on first use, so that importing fmbench never
// loads a reference engine nobody asked for.

/** The rows of X as the `number[][]` mljs wants (one copy; mljs keeps references to them). */
export function toRows(X: Matrix): number[][] {
  const rows: number[][] = new Array(X.rows);
  for (let i = 0; i < X.rows; i++) rows[i] = Array.from(X.data.subarray(i * X.cols, (i + 1) * X.cols));
  return rows;
}

const require = createRequire(import.meta.url);
const loaded = new Map<string, unknown>();

/** The CommonJS mljs package `name`, required on first use and typed by the caller's interface. */
export function mljsPackage<T>(name: string): T {
  if (!loaded.has(name)) loaded.set(name, require(name));
  return loaded.get(name) as T;
}
