import { existsSync, readFileSync } from "node:fs";
import { fileURLToPath } from "node:url";
import { FmbenchError } from "../errors.js";
import { estimatorEntry } from "../grid/registry.js";
import type { ParamValue } from "../params.js";
import { readResults } from "../runner/results.js";
import { buildMatrix, type ResultMatrix } from "./matrix.js";

/** One configuration's score in a reference (published table or another run). */
export interface ReferenceEntry {
  readonly classifier: string;
  readonly params: Readonly<Record<string, ParamValue>>;
  readonly score: number;
  /** Feature set the score was measured on; absent means raw pixels (the published table). */
  readonly features?: string;
}

export interface Reference {
  /** Shown as the comparison column's heading, e.g. "published (Xiao et al. 2017, Table 3)". */
  readonly label: string;
  readonly entries: readonly ReferenceEntry[];
}

const PUBLISHED_FILE = fileURLToPath(new URL("../../data/published-table3.json", import.meta.url));

/** Parameters that do not change a model's accuracy, ignored when matching. */
const IGNORED = new Set(["random_state", "n_jobs", "verbose", "cache_size", "copy_X"]);

/**
 * Values that scikit-learn renamed since the paper (sklearn 0.19), mapped to the
 * current spelling, per classifier and parameter.
 */
const RENAMED: Readonly<Record<string, Readonly<Record<string, Readonly<Record<string, string>>>>>> = {
  GradientBoostingClassifier: { loss: { deviance: "log_loss" } },
  SGDClassifier: { loss: { log: "log_loss" } },
};

/**
 * scikit-learn defaults for parameters a reference may name while our grid does not
 * (or the reverse), for classifiers not registered in fmbench yet. The registry's
 * declared defaults win when the classifier is registered.
 */
const FALLBACK_DEFAULTS: Readonly<Record<string, Readonly<Record<string, ParamValue>>>> = {
  GaussianNB: { priors: null, var_smoothing: 1e-9 },
  DecisionTreeClassifier: { criterion: "gini", splitter: "best", max_depth: null },
  ExtraTreeClassifier: { criterion: "gini", splitter: "random", max_depth: null },
  RandomForestClassifier: { criterion: "gini", max_depth: null, n_estimators: 100 },
  GradientBoostingClassifier: { loss: "log_loss", n_estimators: 100, max_depth: 3 },
  KNeighborsClassifier: { n_neighbors: 5, weights: "uniform", p: 2 },
  SVC: { C: 1, kernel: "rbf" },
  LinearSVC: { C: 1, loss: "squared_hinge", penalty: "l2", multi_class: "ovr" },
  LogisticRegression: { C: 1, penalty: "l2" },
  MLPClassifier: { activation: "relu", hidden_layer_sizes: [100] },
  SGDClassifier: { loss: "hinge", penalty: "l2" },
  Perceptron: { penalty: null },
  PassiveAggressiveClassifier: { C: 1 },
};

function defaultOf(classifier: string, param: string): ParamValue | undefined {
  try {
    const spec = estimatorEntry(classifier).paramSpecs[param];
    if (spec) return spec.default;
  } catch {
    // Not registered (yet): fall back to the table.
  }
  return FALLBACK_DEFAULTS[classifier]?.[param];
}

/** Parses a Python tuple/list literal of numbers such as "(100,)" or "(10, 10)". */
function parseTuple(text: string): number[] | null {
  const m = /^\(\s*(.*?)\s*\)$/.exec(text.trim());
  if (!m) return null;
  const parts = m[1].split(",").map((p) => p.trim()).filter((p) => p !== "");
  const nums = parts.map(Number);
  return nums.every((n) => Number.isFinite(n)) ? nums : null;
}

/**
 * Brings a parameter value to one spelling: the tuple string "(100,)" and the list
 * [100] are equal, 100.0 and 100 are equal, Python's None/True/False are JSON's, and
 * renamed option values take their current name.
 */
export function normalizeParamValue(classifier: string, param: string, v: ParamValue): ParamValue {
  if (typeof v === "string") {
    const tuple = v.startsWith("(") ? parseTuple(v) : null;
    if (tuple) return tuple;
    if (v === "None") return null;
    if (v === "True") return true;
    if (v === "False") return false;
    return RENAMED[classifier]?.[param]?.[v] ?? v;
  }
  if (Array.isArray(v)) return v.map((x) => normalizeParamValue(classifier, param, x));
  return v;
}

function isUniform(v: ParamValue): boolean {
  if (!Array.isArray(v) || v.length === 0) return false;
  return v.every((x) => typeof x === "number" && Math.abs(x - 1 / v.length) < 1e-12);
}

function sameValue(classifier: string, param: string, a: ParamValue | undefined, b: ParamValue | undefined): boolean {
  const na = a === undefined ? undefined : normalizeParamValue(classifier, param, a);
  const nb = b === undefined ? undefined : normalizeParamValue(classifier, param, b);
  if (JSON.stringify(na) === JSON.stringify(nb)) return true;
  // The paper gave GaussianNB uniform priors; Fashion-MNIST's training set is exactly
  // balanced, so scikit-learn's default priors (class frequencies) are the same.
  if (classifier === "GaussianNB" && param === "priors") {
    return (na === null && isUniform(nb as ParamValue)) || (nb === null && isUniform(na as ParamValue));
  }
  return false;
}

/**
 * Whether two parameter sets describe the same configuration of `classifier`: every
 * parameter named on either side must agree, a missing one taking its default.
 */
export function sameConfiguration(
  classifier: string, a: Readonly<Record<string, ParamValue>>, b: Readonly<Record<string, ParamValue>>,
): boolean {
  const keys = new Set([...Object.keys(a), ...Object.keys(b)]);
  for (const k of keys) {
    if (IGNORED.has(k)) continue;
    const va = k in a ? a[k] : defaultOf(classifier, k);
    const vb = k in b ? b[k] : defaultOf(classifier, k);
    if (va === undefined || vb === undefined) return false;
    if (!sameValue(classifier, k, va, vb)) return false;
  }
  return true;
}

function sameSpelledParams(classifier: string, a: Readonly<Record<string, ParamValue>>, b: Readonly<Record<string, ParamValue>>): boolean {
  const ka = Object.keys(a).filter((k) => !IGNORED.has(k)).sort();
  const kb = Object.keys(b).filter((k) => !IGNORED.has(k)).sort();
  if (ka.join("\0") !== kb.join("\0")) return false;
  return ka.every((k) => JSON.stringify(normalizeParamValue(classifier, k, a[k])) === JSON.stringify(normalizeParamValue(classifier, k, b[k])));
}

/**
 * The reference entry for a configuration, or null. An entry naming the same
 * parameters with the same values wins over one that matches only through defaults
 * or equivalences (a run that has both `priors=uniform` and the default must compare
 * each with itself).
 */
export function findReference(
  ref: Reference, classifier: string, params: Readonly<Record<string, ParamValue>>, features = "raw",
): ReferenceEntry | null {
  const mine = ref.entries.filter((e) => e.classifier === classifier && (e.features ?? "raw") === features);
  return mine.find((e) => sameSpelledParams(classifier, e.params, params))
    ?? mine.find((e) => sameConfiguration(classifier, e.params, params))
    ?? null;
}

interface PublishedFile {
  readonly source: string;
  readonly rows: readonly { classifier: string; params: Record<string, ParamValue>; fashion?: number; mnist?: number }[];
}

function publishedColumn(dataset: string | undefined): "fashion" | "mnist" {
  return dataset === "mnist" ? "mnist" : "fashion";
}

function fromPublished(doc: PublishedFile, dataset: string | undefined, label: string): Reference {
  const column = publishedColumn(dataset);
  const entries = doc.rows
    .filter((r) => typeof r[column] === "number")
    .map((r) => ({ classifier: r.classifier, params: r.params, score: r[column] as number }));
  return { label, entries };
}

/** The paper's Table 3 (126 scikit-learn configurations), column for `dataset` (fashion or mnist). */
export function publishedReference(dataset?: string): Reference {
  const doc = JSON.parse(readFileSync(PUBLISHED_FILE, "utf8")) as PublishedFile;
  const column = publishedColumn(dataset);
  return fromPublished(doc, dataset, `published (Xiao et al. 2017, Table 3, ${column === "mnist" ? "MNIST" : "Fashion-MNIST"})`);
}

/**
 * Turns a Python literal as pandas writes a `params` column ("{'C': 1.0, 'hidden_layer_sizes': (100,)}")
 * into JSON text. Not a general Python parser: enough for parameter dicts.
 */
export function pythonLiteralToJson(text: string): string {
  let out = "";
  let i = 0;
  while (i < text.length) {
    const ch = text[i];
    if (ch === "'" || ch === '"') {
      let j = i + 1;
      let s = "";
      while (j < text.length && text[j] !== ch) {
        if (text[j] === "\\" && j + 1 < text.length) {
          s += text[j + 1];
          j += 2;
        } else s += text[j++];
      }
      out += JSON.stringify(s);
      i = j + 1;
    } else if (ch === "(") {
      out += "[";
      i++;
    } else if (ch === ")") {
      out = out.replace(/,\s*$/, "");
      out += "]";
      i++;
    } else if (/[A-Za-z_]/.test(ch)) {
      let j = i;
      while (j < text.length && /[A-Za-z_0-9.]/.test(text[j])) j++;
      const word = text.slice(i, j);
      out += word === "None" ? "null" : word === "True" ? "true" : word === "False" ? "false" : word === "inf" ? "1e999" : word;
      i = j;
    } else {
      out += ch;
      i++;
    }
  }
  return out.replace(/,(\s*[\]}])/g, "$1");
}

function parseParams(text: string, where: string): Record<string, ParamValue> {
  const trimmed = text.trim();
  if (trimmed === "" || trimmed === "(defaults)") return {};
  for (const candidate of [trimmed, pythonLiteralToJson(trimmed)]) {
    try {
      const v = JSON.parse(candidate) as unknown;
      if (typeof v === "object" && v !== null && !Array.isArray(v)) return v as Record<string, ParamValue>;
    } catch {
      // try the next reading
    }
  }
  throw new FmbenchError(`${where}: cannot read params '${text}' (expected a JSON or Python dict)`);
}

/** Splits CSV text into records (RFC 4180 quoting). */
export function parseCsv(text: string): string[][] {
  const records: string[][] = [];
  let field = "";
  let record: string[] = [];
  let quoted = false;
  for (let i = 0; i < text.length; i++) {
    const ch = text[i];
    if (quoted) {
      if (ch === '"' && text[i + 1] === '"') {
        field += '"';
        i++;
      } else if (ch === '"') quoted = false;
      else field += ch;
    } else if (ch === '"') quoted = true;
    else if (ch === ",") {
      record.push(field);
      field = "";
    } else if (ch === "\n" || ch === "\r") {
      if (ch === "\r" && text[i + 1] === "\n") i++;
      record.push(field);
      if (record.length > 1 || record[0] !== "") records.push(record);
      record = [];
      field = "";
    } else field += ch;
  }
  if (field !== "" || record.length > 0) {
    record.push(field);
    records.push(record);
  }
  return records;
}

function scoreOf(o: Record<string, unknown>): number | null {
  for (const k of ["mean_test_score", "accuracy", "score", "test_score"]) {
    const v = o[k];
    if (typeof v === "number" && Number.isFinite(v)) return v;
    if (typeof v === "string" && v.trim() !== "" && Number.isFinite(Number(v))) return Number(v);
  }
  return null;
}

function entriesFromObjects(objects: readonly Record<string, unknown>[], where: string, defaultClassifier?: string): ReferenceEntry[] {
  const out: ReferenceEntry[] = [];
  objects.forEach((o, i) => {
    const score = scoreOf(o);
    if (score === null) return;
    if (o.status !== undefined && o.status !== "ok") return;
    const classifier = typeof o.classifier === "string" ? o.classifier : defaultClassifier;
    if (!classifier) throw new FmbenchError(`${where}: entry ${i} has a score but no 'classifier'`);
    const params = typeof o.params === "string" ? parseParams(o.params, `${where}: entry ${i}`)
      : typeof o.params === "object" && o.params !== null ? (o.params as Record<string, ParamValue>) : {};
    out.push({ classifier, params, score });
  });
  return out;
}

/**
 * Reads a reference from a file: an fmbench results.jsonl, our results.json/results.csv,
 * the published-table format ({"rows": [{classifier, params, fashion, mnist}]}), a JSON
 * list of {classifier, params, mean_test_score|accuracy|score}, or scikit-learn's
 * `cv_results_` dumped as JSON (column arrays; `classifier` a column or a top-level key)
 * or as CSV by pandas (a `params` column of Python dicts).
 */
export function loadReferenceFile(path: string, dataset?: string): Reference {
  if (!existsSync(path)) throw new FmbenchError(`--compare: no such file '${path}' (or use 'published')`);
  const text = readFileSync(path, "utf8");
  const label = path.split("/").pop() ?? path;
  const trimmed = text.trim();
  if (path.endsWith(".csv")) {
    const [header, ...records] = parseCsv(text);
    if (!header) return { label, entries: [] };
    const objects = records.map((r) => Object.fromEntries(header.map((h, i) => [h.trim(), r[i] ?? ""])));
    return { label, entries: entriesFromObjects(objects, path) };
  }
  let doc: unknown;
  try {
    doc = JSON.parse(trimmed);
  } catch {
    doc = undefined; // JSON Lines (results.jsonl), read below
  }
  if (Array.isArray(doc)) return { label, entries: entriesFromObjects(doc as Record<string, unknown>[], path) };
  if (typeof doc === "object" && doc !== null && !("classifier" in doc && "status" in doc)) {
    const d = doc as Record<string, unknown>;
    if (Array.isArray(d.rows) && d.rows.every((r) => typeof r === "object" && r !== null && ("fashion" in r || "mnist" in r))) {
      return fromPublished(d as unknown as PublishedFile, dataset, label);
    }
    if (Array.isArray(d.rows)) return { label, entries: entriesFromObjects(d.rows as Record<string, unknown>[], path) };
    if (Array.isArray(d.params) && Array.isArray(d.mean_test_score)) {
      const classifiers = Array.isArray(d.classifier) ? d.classifier : null;
      const objects = (d.params as unknown[]).map((p, i) => ({
        params: p, mean_test_score: (d.mean_test_score as unknown[])[i], classifier: classifiers ? classifiers[i] : undefined,
      }));
      return { label, entries: entriesFromObjects(objects, path, typeof d.classifier === "string" ? d.classifier : undefined) };
    }
    throw new FmbenchError(`${path}: a JSON reference needs "rows", or cv_results_ columns "params" and "mean_test_score"`);
  }
  const { lines } = readResults(path);
  const matrix: ResultMatrix = buildMatrix(lines, path);
  const entries = matrix.rows
    .filter((r) => r.mean_test_score !== null)
    .map((r) => ({ classifier: r.classifier, params: r.params, score: r.mean_test_score!, features: r.features }));
  if (entries.length === 0 && lines.length === 0) throw new FmbenchError(`${path}: no results found (expected results.jsonl, .json or .csv)`);
  return { label, entries };
}

/** `published` or a file path. */
export function loadReference(spec: string, dataset?: string): Reference {
  return spec === "published" ? publishedReference(dataset) : loadReferenceFile(spec, dataset);
}

/** Fills each row's comparison cell and each family's best reference score. */
export function applyComparison(matrix: ResultMatrix, ref: Reference): void {
  for (const row of matrix.rows) {
    const hit = findReference(ref, row.classifier, row.params, row.features);
    const reference = hit ? hit.score : null;
    row.compare = { reference, diff: reference !== null && row.mean_test_score !== null ? row.mean_test_score - reference : null };
  }
  for (const fam of matrix.families) {
    const scores = ref.entries.filter((e) => e.classifier === fam.classifier && (e.features ?? "raw") === fam.features).map((e) => e.score);
    fam.reference_best = scores.length ? Math.max(...scores) : null;
  }
  matrix.compareLabel = ref.label;
}
