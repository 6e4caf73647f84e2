import { formatParams, type FamilySummary, type MatrixRow } from "./matrix.js";

// Inline SVG charts for the HTML report. Everything is computed here, in Node, so the
// report renders without scripts and without any library; only the confusion-matrix
// heat map is also drawn in the browser, by the same function (see heatmapSvg).

/** One colour per classifier: a qualitative palette that stays readable on white. */
const PALETTE = [
  "#1d4ed8", "#dc2626", "#16a34a", "#f59e0b", "#9333ea", "#06b6d4", "#db2777", "#84cc16",
  "#334155", "#a16207", "#fb7185", "#0f766e", "#a78bfa", "#ea580c", "#64748b",
];

export function familyColours(classifiers: readonly string[]): Map<string, string> {
  return new Map(classifiers.map((c, i) => [c, PALETTE[i % PALETTE.length]]));
}

export function esc(text: string): string {
  return text.replace(/&/g, "&amp;").replace(/</g, "&lt;").replace(/>/g, "&gt;").replace(/"/g, "&quot;");
}

function r1(v: number): string {
  return (Math.round(v * 10) / 10).toString();
}

/** A score axis that shows the data with a little room, on 0.05 steps (0.01 when narrow). */
export function scoreDomain(values: readonly number[]): { lo: number; hi: number; step: number } {
  if (values.length === 0) return { lo: 0, hi: 1, step: 0.1 };
  let lo = Math.min(...values);
  let hi = Math.max(...values);
  if (hi - lo < 0.02) {
    lo -= 0.01;
    hi += 0.01;
  }
  const step = hi - lo > 0.3 ? 0.1 : hi - lo > 0.08 ? 0.05 : 0.01;
  lo = Math.max(0, Math.floor(lo / step - 1e-9) * step);
  hi = Math.min(1, Math.ceil(hi / step + 1e-9) * step);
  if (hi <= lo) hi = Math.min(1, lo + step);
  return { lo, hi, step };
}

function ticks(lo: number, hi: number, step: number): number[] {
  const out: number[] = [];
  for (let k = Math.round(lo / step); k * step <= hi + 1e-9; k++) out.push(Number((k * step).toFixed(6)));
  return out;
}

function decimalsFor(step: number): number {
  return step >= 0.1 ? 1 : 2;
}

/**
 * Accuracy per classifier: a line over the range of its configurations, a faint dot
 * per configuration, a solid dot with its value for the best one, and a dark tick for
 * the reference's best when comparing.
 */
export function familyChartSvg(families: readonly FamilySummary[], colours: Map<string, string>): string {
  const scored = families.filter((f) => f.max_score !== null);
  const interval = (f: FamilySummary): [number, number] | null =>
    f.best && f.best.accuracy_ci95_low !== null && f.best.accuracy_ci95_high !== null ? [f.best.accuracy_ci95_low, f.best.accuracy_ci95_high] : null;
  const values = scored.flatMap((f) => [...f.all_scores, ...(typeof f.reference_best === "number" ? [f.reference_best] : []), ...(interval(f) ?? [])]);
  const { lo, hi, step } = scoreDomain(values);
  // Room for the longest classifier name at 12px (about 6.7px a character).
  const labelW = Math.max(110, Math.ceil(Math.max(0, ...families.map((f) => f.label.length)) * 6.7) + 18);
  const plotW = 300;
  // Few classifiers get taller rows so the chart keeps its height beside the scatter plot.
  const rowH = Math.round(Math.min(46, Math.max(28, 250 / Math.max(1, families.length))));
  const top = 14;
  const width = labelW + plotW + 56;
  const height = top + Math.max(1, families.length) * rowH + 36;
  const x = (v: number): number => labelW + ((v - lo) / (hi - lo)) * plotW;
  const parts: string[] = [];
  parts.push(`<svg class="chart" id="family-chart" viewBox="0 0 ${width} ${height}" width="${width}" height="${height}" role="img" aria-label="Accuracy per classifier">`);
  const axisY = top + families.length * rowH + 6;
  for (const t of ticks(lo, hi, step)) {
    parts.push(`<line class="grid" x1="${r1(x(t))}" x2="${r1(x(t))}" y1="${top - 6}" y2="${axisY}"/>`);
    parts.push(`<text class="tick" x="${r1(x(t))}" y="${axisY + 16}" text-anchor="middle">${t.toFixed(decimalsFor(step))}</text>`);
  }
  parts.push(`<text class="axis-title" x="${labelW + plotW / 2}" y="${height - 2}" text-anchor="middle">mean test accuracy</text>`);
  families.forEach((f, i) => {
    const cy = top + i * rowH + rowH / 2;
    const colour = colours.get(f.classifier) ?? "#475569";
    if (i % 2 === 0) parts.push(`<rect class="band" x="0" y="${cy - rowH / 2}" width="${labelW + plotW + 8}" height="${rowH}"/>`);
    parts.push(`<text class="label" x="${labelW - 12}" y="${cy + 4}" text-anchor="end">${esc(f.label)}</text>`);
    if (f.max_score === null) {
      const why = f.failed || f.timeout ? `no scored configuration (${f.failed} failed, ${f.timeout} timed out)` : "no scored configuration";
      parts.push(`<text class="note" x="${labelW + 4}" y="${cy + 4}">${esc(why)}</text>`);
      return;
    }
    parts.push(`<line class="range" x1="${r1(x(f.min_score!))}" x2="${r1(x(f.max_score))}" y1="${cy}" y2="${cy}" stroke="${colour}"/>`);
    for (const s of f.all_scores) parts.push(`<circle class="config" cx="${r1(x(s))}" cy="${cy}" r="3.2" fill="${colour}"/>`);
    if (typeof f.reference_best === "number") {
      const rx = r1(x(f.reference_best));
      parts.push(`<path class="ref" d="M${rx} ${cy - 8}V${cy + 8}"><title>reference best ${f.reference_best.toFixed(3)}</title></path>`);
    }
    const best = f.best!;
    const ci = interval(f);
    if (ci) {
      // The best configuration's 95% interval, as a whisker with end caps.
      const [a, b] = ci.map((v) => r1(x(v)));
      parts.push(
        `<path class="ci" d="M${a} ${cy - 5}V${cy + 5}M${a} ${cy}H${b}M${b} ${cy - 5}V${cy + 5}" stroke="${colour}">` +
          `<title>${esc(`95% interval ${ci[0].toFixed(4)}–${ci[1].toFixed(4)} over ${best.test_size} images`)}</title></path>`,
      );
    }
    parts.push(
      `<circle class="best" cx="${r1(x(f.max_score))}" cy="${cy}" r="6" fill="${colour}" data-index="${best.index}">` +
        `<title>${esc(`${f.label} ${formatParams(best.params)}: ${f.max_score.toFixed(4)}`)}</title></circle>`,
    );
    parts.push(`<text class="value" x="${r1(x(hi) + 10)}" y="${cy + 4}">${f.max_score.toFixed(3)}</text>`);
  });
  parts.push("</svg>");
  return parts.join("");
}

function fmtTime(seconds: number): string {
  if (seconds >= 1) return `${Number(seconds.toPrecision(3))} s`;
  if (seconds >= 1e-3) return `${Number((seconds * 1e3).toPrecision(3))} ms`;
  return `${Number((seconds * 1e6).toPrecision(3))} µs`;
}

/** Accuracy against mean fit time on a log axis, one colour per classifier. */
export function scatterSvg(rows: readonly MatrixRow[], colours: Map<string, string>): string {
  const pts = rows.filter((r) => r.mean_test_score !== null && r.mean_fit_time !== null);
  const width = 540;
  const height = 360;
  const m = { l: 54, r: 26, t: 12, b: 46 };
  const pw = width - m.l - m.r;
  const ph = height - m.t - m.b;
  const times = pts.map((p) => Math.max(p.mean_fit_time!, 1e-6));
  let d0 = times.length ? Math.floor(Math.log10(Math.min(...times))) : -3;
  let d1 = times.length ? Math.ceil(Math.log10(Math.max(...times))) : 0;
  if (d1 <= d0) d1 = d0 + 1;
  if (d1 - d0 < 2) d0 -= 1;
  const { lo, hi, step } = scoreDomain(pts.map((p) => p.mean_test_score!));
  const x = (t: number): number => m.l + ((Math.log10(Math.max(t, 1e-6)) - d0) / (d1 - d0)) * pw;
  const y = (v: number): number => m.t + (1 - (v - lo) / (hi - lo)) * ph;
  const parts: string[] = [];
  parts.push(`<svg class="chart" id="scatter-chart" viewBox="0 0 ${width} ${height}" width="${width}" height="${height}" role="img" aria-label="Accuracy against fit time">`);
  for (let d = d0; d <= d1; d++) {
    const gx = r1(x(10 ** d));
    parts.push(`<line class="grid" x1="${gx}" x2="${gx}" y1="${m.t}" y2="${m.t + ph}"/>`);
    parts.push(`<text class="tick" x="${gx}" y="${m.t + ph + 18}" text-anchor="middle">${fmtTime(10 ** d)}</text>`);
    if (d < d1) {
      for (let k = 2; k <= 9; k++) {
        const mx = r1(x(k * 10 ** d));
        parts.push(`<line class="minor" x1="${mx}" x2="${mx}" y1="${m.t + ph}" y2="${m.t + ph + 4}"/>`);
      }
    }
  }
  for (const t of ticks(lo, hi, step)) {
    const gy = r1(y(t));
    parts.push(`<line class="grid" x1="${m.l}" x2="${m.l + pw}" y1="${gy}" y2="${gy}"/>`);
    parts.push(`<text class="tick" x="${m.l - 8}" y="${Number(gy) + 4}" text-anchor="end">${t.toFixed(decimalsFor(step))}</text>`);
  }
  parts.push(`<rect class="frame" x="${m.l}" y="${m.t}" width="${pw}" height="${ph}"/>`);
  parts.push(`<text class="axis-title" x="${m.l + pw / 2}" y="${height - 6}" text-anchor="middle">mean fit time (log scale)</text>`);
  parts.push(`<text class="axis-title" transform="translate(14 ${m.t + ph / 2}) rotate(-90)" text-anchor="middle">mean test accuracy</text>`);
  // Best last, so it is drawn on top.
  const ordered = [...pts].sort((a, b) => a.mean_test_score! - b.mean_test_score!);
  for (const p of ordered) {
    const colour = colours.get(p.classifier) ?? "#475569";
    parts.push(
      `<circle class="point" cx="${r1(x(p.mean_fit_time!))}" cy="${r1(y(p.mean_test_score!))}" r="5" fill="${colour}" data-index="${p.index}">` +
        `<title>${esc(`#${p.index} ${p.classifier} ${formatParams(p.params)}\naccuracy ${p.mean_test_score!.toFixed(4)}, fit ${fmtTime(p.mean_fit_time!)}`)}</title></circle>`,
    );
  }
  if (pts.length === 0) parts.push(`<text class="note" x="${m.l + pw / 2}" y="${m.t + ph / 2}" text-anchor="middle">no scored configuration yet</text>`);
  parts.push("</svg>");
  return parts.join("");
}

/**
 * Confusion-matrix heat map (rows = true class). Cells are shaded by the share of
 * their true class: the diagonal in blue, confusions in red, so the errors stand out.
 * This function must stay self-contained (no imports, no outer names): the HTML
 * report embeds its source and calls it in the browser when a row is clicked.
 */
export function heatmapSvg(cm: readonly (readonly number[])[], names: readonly string[]): string {
  const n = cm.length;
  const cell = n <= 10 ? 40 : Math.max(14, Math.floor(400 / n));
  const labelW = 96;
  const top = 8;
  const bottom = 92;
  const width = labelW + n * cell + 12;
  const height = top + n * cell + bottom;
  const escText = (t: string): string => t.replace(/&/g, "&amp;").replace(/</g, "&lt;").replace(/>/g, "&gt;");
  const out: string[] = [];
  out.push(`<svg class="chart heatmap" viewBox="0 0 ${width} ${height}" width="${width}" height="${height}" role="img" aria-label="Confusion matrix">`);
  for (let t = 0; t < n; t++) {
    let rowSum = 0;
    for (let p = 0; p < n; p++) rowSum += cm[t][p];
    const label = names[t] ?? String(t);
    out.push(`<text class="label" x="${labelW - 8}" y="${top + t * cell + cell / 2 + 4}" text-anchor="end">${escText(label)}</text>`);
    for (let p = 0; p < n; p++) {
      const c = cm[t][p];
      const share = rowSum === 0 ? 0 : c / rowSum;
      let fill: string;
      let dark: boolean;
      if (t === p) {
        const light = 96 - 58 * share;
        fill = `hsl(217 72% ${light.toFixed(1)}%)`;
        dark = light < 60;
      } else {
        // Confusions are rarely above a third of a class: stretch their scale.
        const s = Math.min(1, share * 3);
        const light = c === 0 ? 98 : 93 - 50 * s;
        fill = `hsl(6 78% ${light.toFixed(1)}%)`;
        dark = light < 58;
      }
      const cx = labelW + p * cell;
      const cy = top + t * cell;
      const tip = `true ${label}, predicted ${names[p] ?? String(p)}: ${c} (${(share * 100).toFixed(1)}% of ${label})`;
      out.push(`<rect x="${cx}" y="${cy}" width="${cell - 1}" height="${cell - 1}" rx="2" fill="${fill}"><title>${escText(tip)}</title></rect>`);
      if (c > 0 && cell >= 24) {
        out.push(`<text class="count${dark ? " on-dark" : ""}" x="${cx + (cell - 1) / 2}" y="${cy + cell / 2 + 4}" text-anchor="middle">${c}</text>`);
      }
    }
  }
  for (let p = 0; p < n; p++) {
    const x = labelW + p * cell + cell / 2;
    const y = top + n * cell + 8;
    out.push(`<text class="label" transform="translate(${x} ${y}) rotate(-40)" text-anchor="end">${escText(names[p] ?? String(p))}</text>`);
  }
  out.push(`<text class="axis-title" x="${labelW + (n * cell) / 2}" y="${height - 4}" text-anchor="middle">predicted class</text>`);
  out.push("</svg>");
  return out.join("");
}
