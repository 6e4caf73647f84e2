import { esc, familyChartSvg, familyColours, heatmapSvg, scatterSvg } from "./charts.js";
import { augmentationLabel, describeRun, evaluationLabel } from "./markdown.js";
import { bestRow, formatParams, type MatrixRow, type ResultMatrix } from "./matrix.js";
import { classificationReportText } from "../metrics/classification.js";
import { fmtDiff, fmtInterval, fmtP, fmtScore, fmtSeconds } from "./tabular.js";

export interface HtmlOptions {
  /** Row whose confusion matrix is shown first; default the best configuration. */
  readonly selected?: number;
  /** Page title; default "fmbench results". */
  readonly title?: string;
}

const CSS = `
:root{--ink:#111827;--muted:#6b7280;--line:#e5e7eb;--bg:#f5f6f8;--card:#fff;--accent:#1d4ed8;--good:#047857;--bad:#b91c1c;--warn:#b45309}
*{box-sizing:border-box}
body{margin:0;background:var(--bg);color:var(--ink);font:14px/1.45 system-ui,-apple-system,"Segoe UI",Roboto,"Helvetica Neue",Arial,sans-serif}
header{background:#0f172a;color:#f8fafc;padding:28px 0 64px}
header .wrap{display:flex;flex-direction:column;gap:6px}
header h1{margin:0;font-size:24px;font-weight:650;letter-spacing:-.01em}
header p{margin:0;color:#cbd5e1}
.wrap{max-width:1240px;margin:0 auto;padding:0 28px}
.kpis{display:grid;grid-template-columns:repeat(auto-fit,minmax(210px,1fr));gap:14px;margin-top:-44px}
.kpi{background:var(--card);border:1px solid var(--line);border-radius:10px;padding:14px 16px;box-shadow:0 1px 2px rgba(15,23,42,.05)}
.kpi .k{color:var(--muted);font-size:12px;text-transform:uppercase;letter-spacing:.06em}
.kpi .v{font-size:24px;font-weight:650;margin-top:2px;font-variant-numeric:tabular-nums}
.kpi .s{color:var(--muted);font-size:12.5px;overflow:hidden;text-overflow:ellipsis;white-space:nowrap}
section.card{background:var(--card);border:1px solid var(--line);border-radius:10px;padding:18px 20px;margin:18px 0;box-shadow:0 1px 2px rgba(15,23,42,.05)}
h2{font-size:16px;margin:0 0 4px;font-weight:650}
.sub{color:var(--muted);margin:0 0 14px;font-size:13px}
.grid2{display:grid;grid-template-columns:minmax(0,1fr) minmax(0,1fr);gap:18px}
@media (max-width:1100px){.grid2{grid-template-columns:1fr}}
.grid2 section.card{margin:0}
svg.chart{max-width:100%;height:auto;display:block}
svg text{font-family:inherit;fill:#374151}
svg .tick{font-size:11px;fill:#6b7280;font-variant-numeric:tabular-nums}
svg .label{font-size:12px}
svg .value{font-size:12px;font-weight:600;font-variant-numeric:tabular-nums}
svg .axis-title{font-size:12px;fill:#6b7280}
svg .note{font-size:12px;fill:#9ca3af;font-style:italic}
svg .grid{stroke:#eef0f3}
svg .minor{stroke:#cbd5e1}
svg .frame{fill:none;stroke:#d1d5db}
svg .band{fill:#f9fafb}
svg .range{stroke-width:3;stroke-linecap:round;opacity:.35}
svg .config{opacity:.45}
svg .best,svg .point{stroke:#fff;stroke-width:1.5;cursor:pointer}
svg .point{opacity:.88}
svg .point:hover,svg .best:hover{stroke:#111827}
svg .ref{stroke:#111827;stroke-width:2.5}
svg .ci{stroke-width:1.6;fill:none}
svg .count{font-size:11.5px;fill:#1f2937;font-variant-numeric:tabular-nums}
svg .count.on-dark{fill:#fff}
.legend{display:flex;flex-wrap:wrap;gap:6px 14px;margin-top:10px;font-size:12.5px;color:#374151}
.legend span{display:inline-flex;align-items:center;gap:6px}
.dot{width:10px;height:10px;border-radius:50%;display:inline-block;flex:none}
.tick-key{display:inline-block;width:2.5px;height:12px;background:#111827}
table{border-collapse:collapse;width:100%;font-size:13px}
th,td{padding:6px 9px;border-bottom:1px solid var(--line);text-align:left;vertical-align:top}
th{font-weight:600;color:#374151;background:#f9fafb;position:sticky;top:0;z-index:1;font-size:12px;line-height:1.3;vertical-align:bottom}
td.num,th.num{text-align:right;font-variant-numeric:tabular-nums}
td.num{white-space:nowrap}
table.sortable th{cursor:pointer;user-select:none}
table.sortable th:hover{color:var(--accent)}
th[aria-sort=ascending]::after{content:" ▲";font-size:10px}
th[aria-sort=descending]::after{content:" ▼";font-size:10px}
#matrix tbody tr{cursor:pointer}
#matrix tbody tr:hover{background:#f8fafc}
#matrix tbody tr.selected{background:#eff6ff;box-shadow:inset 3px 0 0 var(--accent)}
.params{max-width:230px;font-family:ui-monospace,SFMono-Regular,Menlo,Consolas,monospace;font-size:12px;color:#374151}
.clf{display:inline-flex;align-items:center;gap:7px;white-space:nowrap}
.badge{display:inline-block;border-radius:999px;padding:1px 8px;font-size:11.5px;font-weight:600}
.badge.ok{background:#ecfdf5;color:var(--good)}
.badge.failed{background:#fef2f2;color:var(--bad)}
.badge.timeout{background:#fffbeb;color:var(--warn)}
.reason{display:block;color:#6b7280;font-size:12px;margin-top:3px;min-width:150px;max-width:230px;white-space:normal}
.pos{color:var(--good)}.neg{color:var(--bad)}
.scorebar{display:inline-block;height:5px;border-radius:3px;background:#bfdbfe;margin-right:6px;vertical-align:middle}
.tablewrap{max-height:720px;overflow:auto;border:1px solid var(--line);border-radius:8px}
.cmgrid{display:grid;grid-template-columns:auto minmax(0,1fr);gap:18px;align-items:start}
@media (max-width:1100px){.cmgrid{grid-template-columns:1fr}}
pre.report{background:#f8fafc;border:1px solid var(--line);border-radius:8px;padding:12px 14px;font-size:12px;line-height:1.5;overflow:auto;margin:0}
#cm-title{font-weight:600}
.empty{color:var(--muted);font-style:italic;padding:24px 0}
footer{color:var(--muted);font-size:12px;padding:8px 0 36px}
`;

function clientScript(): string {
  // The heat-map function is the one used on the server (see charts.ts), embedded by source.
  return `"use strict";
const heatmapSvg = ${heatmapSvg.toString()};
(function () {
  const data = JSON.parse(document.getElementById("fmbench-data").textContent);
  const byIndex = new Map(data.rows.map((r) => [r.index, r]));
  const table = document.getElementById("matrix");
  const tbody = table.tBodies[0];
  function select(index, scroll) {
    const row = byIndex.get(index);
    if (!row) return;
    for (const tr of tbody.rows) tr.classList.toggle("selected", Number(tr.dataset.index) === index);
    document.getElementById("cm-title").textContent = "#" + row.index + " " + row.classifier + " " + row.params;
    document.getElementById("cm-score").textContent = row.summary;
    const box = document.getElementById("cm-box");
    const report = document.getElementById("cm-report");
    if (row.cm) {
      box.innerHTML = heatmapSvg(row.cm, row.names);
      report.textContent = row.report || "";
      report.hidden = !row.report;
    } else {
      box.innerHTML = '<p class="empty"></p>';
      box.firstChild.textContent = row.why;
      report.hidden = true;
    }
    if (scroll) document.getElementById("confusion").scrollIntoView({ behavior: "smooth", block: "start" });
  }
  tbody.addEventListener("click", (e) => {
    const tr = e.target.closest("tr");
    if (tr) select(Number(tr.dataset.index), true);
  });
  for (const dot of document.querySelectorAll("svg [data-index]")) {
    dot.addEventListener("click", () => select(Number(dot.getAttribute("data-index")), true));
  }
  const headers = Array.from(table.tHead.rows[0].cells);
  headers.forEach((th, col) => {
    th.addEventListener("click", () => {
      const dir = th.getAttribute("aria-sort") === "ascending" ? "descending" : "ascending";
      headers.forEach((h) => h.removeAttribute("aria-sort"));
      th.setAttribute("aria-sort", dir);
      const numeric = th.classList.contains("num");
      const key = (tr) => tr.cells[col].dataset.sort ?? tr.cells[col].textContent;
      const rows = Array.from(tbody.rows);
      rows.sort((a, b) => {
        const ka = key(a), kb = key(b);
        if (numeric) {
          // Missing numbers sort last in either direction.
          const na = ka === "" ? NaN : Number(ka), nb = kb === "" ? NaN : Number(kb);
          if (Number.isNaN(na) || Number.isNaN(nb)) return Number.isNaN(na) - Number.isNaN(nb);
          return dir === "ascending" ? na - nb : nb - na;
        }
        return dir === "ascending" ? ka.localeCompare(kb) : kb.localeCompare(ka);
      });
      for (const tr of rows) tbody.appendChild(tr);
    });
  });
  if (data.selected !== null) select(data.selected, false);
})();
`;
}

/** A column heading that may wrap after its underscores (mean_test_<wbr>score). */
function th(name: string, numeric = true, extra = ""): string {
  return `<th${numeric ? ' class="num"' : ""}${extra}>${esc(name).replace(/_/g, "_<wbr>")}</th>`;
}

function kpi(label: string, value: string, sub: string): string {
  return `<div class="kpi"><div class="k">${esc(label)}</div><div class="v">${esc(value)}</div><div class="s" title="${esc(sub)}">${esc(sub)}</div></div>`;
}

function num(v: number | null | undefined): string {
  return v === null || v === undefined ? "" : String(v);
}

function rowSummary(r: MatrixRow): string {
  if (r.status !== "ok") return `${r.status}: ${r.error ?? ""}`;
  const repeats = r.scores?.length ?? 1;
  return `accuracy ${fmtScore(r.mean_test_score)} ± ${fmtScore(r.std_test_score)} (${repeats} repeat${repeats === 1 ? "" : "s"})` +
    (r.accuracy_ci95_low !== null ? `, 95% interval ${fmtInterval(r.accuracy_ci95_low, r.accuracy_ci95_high)}` : "") +
    (r.mcnemar_p_vs_best !== null ? `, McNemar p ${fmtP(r.mcnemar_p_vs_best)} against #${r.mcnemar_best_index}` : "") +
    `, fit ${fmtSeconds(r.mean_fit_time)}, score ${fmtSeconds(r.mean_score_time)}` +
    (r.compare?.reference != null ? ` · reference ${fmtScore(r.compare.reference)} (${fmtDiff(r.compare.diff)})` : "");
}

function whyNoMatrix(r: MatrixRow): string {
  if (r.status !== "ok") return `No confusion matrix: this configuration ${r.status === "timeout" ? "timed out" : "failed"} (${r.error ?? "no reason recorded"}).`;
  return "No confusion matrix recorded for this configuration (the results file predates per-class metrics).";
}

/**
 * The report as one self-contained HTML page: inline CSS, inline SVG charts drawn in
 * Node, and a small inline script for sorting the matrix and switching the confusion
 * matrix to a clicked row. No network access, no external files.
 */
export function matrixHtml(matrix: ResultMatrix, options: HtmlOptions = {}): string {
  const title = options.title ?? "fmbench results";
  const colours = familyColours(matrix.families.map((f) => f.classifier));
  const best = bestRow(matrix);
  // Open on the best configuration that has a confusion matrix to show.
  const bestWithCm = [...matrix.rows]
    .filter((r) => r.confusion_matrix && r.mean_test_score !== null)
    .sort((a, b) => a.rank_test_score - b.rank_test_score)[0];
  const selected = options.selected ?? bestWithCm?.index ?? best?.index ?? (matrix.rows[0]?.index ?? null);
  const cmp = matrix.compareLabel !== undefined;
  const m = matrix.meta;

  const matched = matrix.rows.filter((r) => r.compare?.diff !== null && r.compare?.diff !== undefined);
  const meanDiff = matched.length ? matched.reduce((a, r) => a + r.compare!.diff!, 0) / matched.length : null;
  const totalFit = matrix.rows.reduce((a, r) => a + (r.mean_fit_time ?? 0) * (r.scores?.length ?? 1), 0);
  const kpis = [
    kpi("Best accuracy", fmtScore(best?.mean_test_score), best ? `${best.label} ${formatParams(best.params)}` : "nothing scored yet"),
    kpi("Configurations", String(matrix.rows.length), `${m.counts.ok} ok · ${m.counts.failed} failed · ${m.counts.timeout} timed out`),
    kpi("Data", m.train_sizes.length ? `${m.train_sizes.join("/")} / ${m.test_sizes.join("/")}` : "–",
      `train${augmentationLabel(m.augmentations ?? [])} / ${evaluationLabel(m.evaluations ?? [])} · ${m.datasets.join(", ") || "?"} · ${m.preprocess.join(", ") || "?"} scaling`),
    cmp
      ? kpi("vs reference", meanDiff === null ? "–" : fmtDiff(meanDiff, 3), `mean over ${matched.length} matched config${matched.length === 1 ? "" : "s"}`)
      : kpi("Fit time", fmtSeconds(totalFit), "summed over configurations and repeats"),
  ].join("");

  const legend = matrix.families
    .map((f) => `<span><i class="dot" style="background:${colours.get(f.classifier)}"></i>${esc(f.label)}</span>`)
    .join("") + (cmp ? `<span><i class="tick-key"></i>reference best</span>` : "");

  const famRows = matrix.families.map((f) => {
    const colour = colours.get(f.classifier);
    const counts = `${f.ok}/${f.configurations}` + (f.failed ? ` · ${f.failed} failed` : "") + (f.timeout ? ` · ${f.timeout} timeout` : "");
    return `<tr><td><span class="clf"><i class="dot" style="background:${colour}"></i>${esc(f.label)}</span></td>` +
      `<td class="params">${f.best ? esc(formatParams(f.best.params)) : "–"}</td>` +
      `<td class="num">${fmtScore(f.best?.mean_test_score)}</td><td class="num">${fmtScore(f.best?.std_test_score)}</td>` +
      `<td class="num">${fmtSeconds(f.best?.mean_fit_time)}</td><td class="num">${counts}</td>` +
      (cmp ? `<td class="num">${fmtScore(f.best?.compare?.reference)}</td><td class="num">${fmtScore(f.reference_best)}</td>` : "") +
      "</tr>";
  }).join("");

  const maxScore = Math.max(0, ...matrix.rows.map((r) => r.mean_test_score ?? 0));
  const byRank = [...matrix.rows].sort((a, b) => a.rank_test_score - b.rank_test_score || a.index - b.index);
  const matrixRows = byRank.map((r) => {
    const colour = colours.get(r.classifier);
    const bar = r.mean_test_score !== null && maxScore > 0 ? `<i class="scorebar" style="width:${Math.round((r.mean_test_score / maxScore) * 36)}px"></i>` : "";
    const status = r.status === "ok"
      ? `<span class="badge ok">ok</span>`
      : `<span class="badge ${r.status}">${r.status}</span><span class="reason">${esc(r.error ?? "")}</span>`;
    const diff = r.compare?.diff;
    const diffCls = diff === null || diff === undefined ? "" : diff >= 0 ? " pos" : " neg";
    return `<tr data-index="${r.index}"${r.index === selected ? ' class="selected"' : ""}>` +
      `<td class="num" data-sort="${r.index}">${r.index}</td>` +
      `<td data-sort="${esc(r.label)}"><span class="clf"><i class="dot" style="background:${colour}"></i>${esc(r.label)}</span></td>` +
      `<td class="params">${esc(formatParams(r.params))}</td>` +
      `<td class="num" data-sort="${num(r.mean_test_score)}">${bar}${fmtScore(r.mean_test_score)}</td>` +
      `<td class="num" data-sort="${num(r.accuracy_ci95_low)}">${fmtInterval(r.accuracy_ci95_low, r.accuracy_ci95_high)}</td>` +
      `<td class="num" data-sort="${num(r.std_test_score)}">${fmtScore(r.std_test_score)}</td>` +
      `<td class="num" data-sort="${r.rank_test_score}">${r.rank_test_score}</td>` +
      `<td class="num" data-sort="${num(r.mcnemar_p_vs_best)}">${fmtP(r.mcnemar_p_vs_best)}</td>` +
      `<td class="num" data-sort="${num(r.mean_fit_time)}">${fmtSeconds(r.mean_fit_time)}</td>` +
      `<td class="num" data-sort="${num(r.mean_score_time)}">${fmtSeconds(r.mean_score_time)}</td>` +
      `<td data-sort="${r.status}">${status}</td>` +
      (cmp ? `<td class="num" data-sort="${num(r.compare?.reference)}">${fmtScore(r.compare?.reference)}</td>` +
        `<td class="num${diffCls}" data-sort="${num(diff)}">${fmtDiff(diff)}</td>` : "") +
      "</tr>";
  }).join("");

  const clientRows = matrix.rows.map((r) => ({
    index: r.index,
    classifier: r.label,
    params: formatParams(r.params),
    summary: rowSummary(r),
    cm: r.confusion_matrix,
    names: r.class_names ?? (r.confusion_matrix ? r.confusion_matrix.map((_, i) => String(i)) : null),
    report: r.classification_report ? classificationReportText(r.classification_report) : null,
    why: whyNoMatrix(r),
  }));
  const dataJson = JSON.stringify({ selected, rows: clientRows }).replace(/</g, "\\u003c");

  const sel = selected === null ? null : matrix.rows[selected];
  const initialCm = sel?.confusion_matrix
    ? heatmapSvg(sel.confusion_matrix, sel.class_names ?? sel.confusion_matrix.map((_, i) => String(i)))
    : `<p class="empty">${esc(sel ? whyNoMatrix(sel) : "No configurations yet.")}</p>`;
  const initialReport = sel?.classification_report ? classificationReportText(sel.classification_report) : "";

  return `<!doctype html>
<html lang="en">
<head>
<meta charset="utf-8">
<meta name="viewport" content="width=device-width, initial-scale=1">
<title>${esc(title)}</title>
<style>${CSS}</style>
</head>
<body>
<header><div class="wrap">
<h1>${esc(title)}</h1>
<p>${esc(describeRun(matrix))}</p>
${cmp ? `<p>Compared with ${esc(matrix.compareLabel!)}</p>` : ""}
</div></header>
<main class="wrap">
<div class="kpis">${kpis}</div>
<div class="grid2" style="margin-top:18px">
<section class="card" id="families">
<h2>Accuracy per classifier</h2>
<p class="sub">Line: range over configurations · faint dots: each configuration · solid dot: best${cmp ? " · dark tick: reference best" : ""}. Click a dot to inspect it.</p>
${familyChartSvg(matrix.families, colours)}
</section>
<section class="card" id="tradeoff">
<h2>Accuracy against fit time</h2>
<p class="sub">One point per configuration, mean over repeats; time axis is logarithmic. Click a point to inspect it.</p>
${scatterSvg(matrix.rows, colours)}
<div class="legend">${legend}</div>
</section>
</div>
<section class="card" id="summary">
<h2>Best configuration per classifier</h2>
<p class="sub">As Table 3 of the Fashion-MNIST paper: the best parameters of each classifier and its test accuracy.</p>
<div class="tablewrap"><table>
<thead><tr><th>Classifier</th><th>Best parameters</th>${th("mean_test_score")}${th("std_test_score")}${th("mean_fit_time")}${th("ok / configs")}${cmp ? `${th("reference (same config)")}${th("reference best")}` : ""}</tr></thead>
<tbody>${famRows}</tbody>
</table></div>
</section>
<section class="card" id="confusion">
<h2>Confusion matrix</h2>
<p class="sub"><span id="cm-title">${sel ? esc(`#${sel.index} ${sel.label} ${formatParams(sel.params)}`) : ""}</span> · <span id="cm-score">${sel ? esc(rowSummary(sel)) : ""}</span></p>
<p class="sub">Rows: true class, columns: predicted class, last repeat. Blue: share of the class predicted right; red: confusions (scale stretched 3×).</p>
<div class="cmgrid">
<div id="cm-box">${initialCm}</div>
<pre class="report" id="cm-report"${initialReport ? "" : " hidden"}>${esc(initialReport)}</pre>
</div>
</section>
<section class="card">
<h2>Result matrix</h2>
<p class="sub">scikit-learn's cv_results_ columns, best first. Click a column to sort, a row to show its confusion matrix.${cmp ? ` Reference: ${esc(matrix.compareLabel!)}.` : ""}</p>
<div class="tablewrap"><table id="matrix" class="sortable">
<thead><tr>${th("#")}${th("classifier", false)}${th("params", false)}${th("mean_test_score")}${th("95% interval")}${th("std_test_score")}${th("rank_test_score", true, ' aria-sort="ascending"')}${th("p vs best")}${th("mean_fit_time")}${th("mean_score_time")}${th("status", false)}${cmp ? `${th("reference")}${th("diff")}` : ""}</tr></thead>
<tbody>${matrixRows}</tbody>
</table></div>
</section>
<footer>Generated by fmbench report from ${esc(m.source || "results")}${m.last_finished ? ` · last result ${esc(m.last_finished)}` : ""}${m.skipped_lines.length ? ` · skipped unreadable lines ${m.skipped_lines.join(", ")}` : ""}.</footer>
</main>
<script type="application/json" id="fmbench-data">${dataJson}</script>
<script>${clientScript()}</script>
</body>
</html>
`;
}
