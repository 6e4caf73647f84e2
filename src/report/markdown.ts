import { formatParams, type ResultMatrix } from "./matrix.js";
import { fmtDiff, fmtInterval, fmtP, fmtScore, fmtSeconds, statusText } from "./tabular.js";

/**
 * Text from a grid, a dataset path or an error message, made inert in Markdown: no raw
 * HTML, no links or images, no code spans, and no cell break in a table. Emphasis
 * characters are left alone: at worst they change the look of a cell.
 */
export function escapeMarkdown(text: string): string {
  return text
    .replace(/[\\`<>|]/g, (c) => `\\${c}`)
    .replace(/\]\(/g, "]\\(")
    .replace(/[\r\n]+/g, " ");
}

function table(header: string[], rows: string[][], align: ("l" | "r")[]): string {
  const lines = [`| ${header.join(" | ")} |`, `|${align.map((a) => (a === "r" ? "---:" : ":---")).join("|")}|`];
  for (const r of rows) lines.push(`| ${r.map(escapeMarkdown).join(" | ")} |`);
  return lines.join("\n");
}

/** What the scores were measured on: "test", or held-out training images. */
export function evaluationLabel(evaluations: readonly string[]): string {
  if (!evaluations.includes("validation")) return "test";
  return evaluations.includes("test") ? "test or validation" : "validation (held-out training images)";
}

/** Says how the training set was augmented, if it was: " (with mirrored copies)". */
export function augmentationLabel(augmentations: readonly string[]): string {
  const used = augmentations.filter((a) => a !== "none");
  if (used.length === 0) return "";
  const named = used.map((a) => (a === "hflip" ? "mirrored copies (hflip)" : a)).join(", ");
  return used.length < augmentations.length ? ` (some with ${named})` : ` (originals + ${named})`;
}

/** One line saying what was run: dataset, sizes, scaling, counts. */
export function describeRun(matrix: ResultMatrix): string {
  const m = matrix.meta;
  const parts = [
    m.datasets.length ? `dataset ${m.datasets.join(", ")}` : null,
    m.train_sizes.length ? `${m.train_sizes.join("/")} train${augmentationLabel(m.augmentations ?? [])}` : null,
    m.test_sizes.length ? `${m.test_sizes.join("/")} ${evaluationLabel(m.evaluations)}` : null,
    m.features.length ? `features ${m.features.join(", ")}` : null,
    m.preprocess.length ? `${m.preprocess.join(", ")} scaling` : null,
    `${matrix.rows.length} configurations: ${m.counts.ok} ok, ${m.counts.failed} failed, ${m.counts.timeout} timed out`,
  ];
  return parts.filter((p) => p !== null).join(" · ");
}

/**
 * The report as Markdown: what was run, the best configuration per classifier (like
 * Table 3 of the Fashion-MNIST paper), then the full result matrix in file order.
 */
export function matrixMarkdown(matrix: ResultMatrix): string {
  const cmp = matrix.compareLabel !== undefined;
  const out: string[] = ["# fmbench results", "", escapeMarkdown(describeRun(matrix)), ""];
  if (matrix.meta.skipped_lines.length) out.push(`Skipped unreadable lines: ${matrix.meta.skipped_lines.join(", ")}.`, "");
  if (cmp) out.push(`Reference: ${escapeMarkdown(matrix.compareLabel ?? "")}.`, "");

  out.push("## Best configuration per classifier", "");
  const famHeader = ["Classifier", "Best parameters", "mean_test_score", "95% interval", "std_test_score", "mean_fit_time", "Configurations"];
  if (cmp) famHeader.push("Reference (same config)", "Reference best");
  out.push(table(
    famHeader,
    matrix.families.map((f) => {
      const counts = `${f.ok}/${f.configurations} ok${f.failed ? `, ${f.failed} failed` : ""}${f.timeout ? `, ${f.timeout} timeout` : ""}`;
      const row = [
        f.label, f.best ? formatParams(f.best.params) : "–", fmtScore(f.best?.mean_test_score),
        fmtInterval(f.best?.accuracy_ci95_low, f.best?.accuracy_ci95_high), fmtScore(f.best?.std_test_score), fmtSeconds(f.best?.mean_fit_time), counts,
      ];
      if (cmp) row.push(fmtScore(f.best?.compare?.reference), fmtScore(f.reference_best));
      return row;
    }),
    cmp ? ["l", "l", "r", "r", "r", "r", "l", "r", "r"] : ["l", "l", "r", "r", "r", "r", "l"],
  ), "");

  out.push("## Result matrix", "");
  out.push(
    "95% interval: Wilson's score interval of the accuracy over the evaluation images. p vs best: McNemar's exact test " +
      "against the best configuration on the same images (small p: the two differ on more images than chance explains).",
    "",
  );
  const header = ["#", "classifier", "params", "mean_test_score", "95% interval", "std_test_score", "rank_test_score", "p vs best", "mean_fit_time", "mean_score_time", "status"];
  if (cmp) header.push("reference", "diff");
  out.push(table(
    header,
    matrix.rows.map((r) => {
      const row = [
        String(r.index), r.label, formatParams(r.params), fmtScore(r.mean_test_score), fmtInterval(r.accuracy_ci95_low, r.accuracy_ci95_high),
        fmtScore(r.std_test_score), String(r.rank_test_score), fmtP(r.mcnemar_p_vs_best), fmtSeconds(r.mean_fit_time), fmtSeconds(r.mean_score_time), statusText(r),
      ];
      if (cmp) row.push(fmtScore(r.compare?.reference), fmtDiff(r.compare?.diff));
      return row;
    }),
    cmp ? ["r", "l", "l", "r", "r", "r", "r", "r", "r", "r", "l", "r", "r"] : ["r", "l", "l", "r", "r", "r", "r", "r", "r", "r", "l"],
  ), "");
  return out.join("\n");
}
