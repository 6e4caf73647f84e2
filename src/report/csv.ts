import { canonicalParams, type ResultMatrix } from "./matrix.js";
import { cvCell, cvColumns, type Cell } from "./tabular.js";

/**
 * Text a spreadsheet would take for a formula (OWASP's list of leading characters): such a
 * text cell gets a leading apostrophe, which spreadsheets show as text. Numbers are
 * written as they are, so negative numbers stay numbers.
 */
const FORMULA_START = /^[=+\-@\t\r]/;
const APOSTROPHE = "\u0027";

function csvField(v: Cell): string {
  let text: string;
  if (v === null) text = "";
  else if (typeof v === "object") text = Array.isArray(v) ? JSON.stringify(v) : canonicalParams(v as Record<string, never>);
  else if (typeof v === "string" && FORMULA_START.test(v)) text = APOSTROPHE + v;
  else text = String(v);
  return /[",\n\r]/.test(text) ? `"${text.replace(/"/g, '""')}"` : text;
}

/**
 * The result matrix as CSV with cv_results_ column names, one line per configuration
 * in file order. `params` is JSON with sorted keys; a masked `param_<name>` is empty.
 */
export function matrixCsv(matrix: ResultMatrix): string {
  const cols = cvColumns(matrix);
  const lines = [cols.join(",")];
  for (const row of matrix.rows) lines.push(cols.map((c) => csvField(cvCell(row, c))).join(","));
  return `${lines.join("\n")}\n`;
}
