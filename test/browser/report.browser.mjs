// Loads the HTML report in headless Chromium and checks that it renders: charts present,
// the heat map follows a clicked row, sorting works, failed rows show their reason, no
// console errors and no network requests. Saves a full-page screenshot to look at.
//
//   npm run test:browser            (needs Debian's chromium: apt-get install -y chromium)
//   CHROMIUM=/path/to/chrome npm run test:browser
import { mkdtempSync, mkdirSync, rmSync, writeFileSync } from "node:fs";
import { tmpdir } from "node:os";
import { join, resolve } from "node:path";
import { pathToFileURL } from "node:url";
import { chromium } from "playwright-core";
import { loadMatrix, writeReports } from "../../dist/index.js";

const fixture = resolve("test/fixtures/partial-results.jsonl");
const outDir = resolve(process.env.FMBENCH_BROWSER_OUT ?? "test/browser/output");
mkdirSync(outDir, { recursive: true });
writeReports(fixture, outDir, { compare: "published" });
const matrix = loadMatrix(fixture, { compare: "published" });
const htmlPath = join(outDir, "report.html");

const failures = [];
function check(ok, what) {
  process.stdout.write(`${ok ? "ok  " : "FAIL"} ${what}\n`);
  if (!ok) failures.push(what);
}

const userDataDir = mkdtempSync(join(tmpdir(), "fmbench-chromium-"));
const context = await chromium.launchPersistentContext(userDataDir, {
  executablePath: process.env.CHROMIUM ?? "/usr/bin/chromium",
  headless: true,
  viewport: { width: 1360, height: 900 },
  args: [
    "--headless", "--no-sandbox", "--disable-gpu", "--disable-quic", "--no-first-run",
    "--disable-background-networking", "--disable-component-update", "--disable-sync",
  ],
});
try {
  const page = context.pages()[0] ?? (await context.newPage());
  const consoleErrors = [];
  const network = [];
  page.on("console", (msg) => {
    if (msg.type() === "error" || msg.type() === "warning") consoleErrors.push(`${msg.type()}: ${msg.text()}`);
  });
  page.on("pageerror", (err) => consoleErrors.push(`pageerror: ${err.message}`));
  await page.route("**/*", (route) => {
    const url = route.request().url();
    if (url.startsWith("file:")) return route.continue();
    network.push(url);
    return route.abort();
  });
  await page.goto(pathToFileURL(htmlPath).href, { waitUntil: "load" });

  const scored = matrix.rows.filter((r) => r.mean_test_score !== null && r.mean_fit_time !== null).length;
  check(await page.locator("#family-chart").count() === 1, "accuracy-per-classifier chart is an inline SVG");
  check(await page.locator("#family-chart .best").count() === matrix.families.filter((f) => f.best).length,
    "one best-configuration dot per scored classifier");
  check(await page.locator("#family-chart .ref").count() >= 1, "reference-best ticks drawn");
  check(await page.locator("#scatter-chart circle.point").count() === scored, `scatter has ${scored} points`);
  const cmCells = await page.locator("#cm-box svg rect").count();
  check(cmCells === 100, `heat map of the best configuration has 10x10 cells (got ${cmCells})`);
  check((await page.locator("#cm-report").textContent()).includes("weighted avg"), "classification report shown beside the heat map");

  // A failed row shows its reason.
  const failedRow = page.locator("#matrix tbody tr", { hasText: "MLPClassifier" });
  check((await failedRow.textContent()).includes("not implemented"), "failed row shows its reason");

  // Clicking a row switches the heat map; an old-schema row explains why there is none.
  const target = matrix.rows.find((r) => r.confusion_matrix && r.rank_test_score !== 1 && r.index !== 9);
  await page.locator(`#matrix tbody tr[data-index="${target.index}"]`).click();
  check((await page.locator("#cm-title").textContent()).startsWith(`#${target.index} `), `clicking row #${target.index} shows its confusion matrix`);
  check(await page.locator(`#matrix tbody tr.selected`).getAttribute("data-index") === String(target.index), "clicked row is highlighted");
  const old = matrix.rows.find((r) => r.status === "ok" && !r.confusion_matrix);
  await page.locator(`#matrix tbody tr[data-index="${old.index}"]`).click();
  check(await page.locator("#cm-box svg").count() === 0 && (await page.locator("#cm-box").textContent()).includes("No confusion matrix"),
    "a row without a confusion matrix says so");
  await page.locator(`#scatter-chart circle[data-index="${target.index}"]`).click();
  check((await page.locator("#cm-title").textContent()).startsWith(`#${target.index} `), "clicking a scatter point selects its configuration");

  // Sorting by mean_test_score ascending puts unscored rows last and the worst scored first.
  const header = page.locator("#matrix thead th").nth(3);
  await header.click();
  const firstScore = await page.locator("#matrix tbody tr").first().locator("td").nth(3).textContent();
  const worst = Math.min(...matrix.rows.filter((r) => r.mean_test_score !== null).map((r) => r.mean_test_score));
  check(firstScore.trim().endsWith(worst.toFixed(4)), `ascending sort starts with the worst score ${worst.toFixed(4)} (got ${firstScore.trim()})`);
  await header.click();
  const bestWithCm = matrix.rows.filter((r) => r.confusion_matrix).sort((a, b) => a.rank_test_score - b.rank_test_score)[0];
  await page.locator(`#matrix tbody tr[data-index="${bestWithCm.index}"]`).click();


  // Degenerate files render too: no lines at all, and nothing but a failure.
  for (const [name, text] of [["empty", ""], ["failed-only", '{"classifier":"SVC","params":{},"status":"failed","error":"boom"}\n']]) {
    const dir = join(outDir, name);
    mkdirSync(dir, { recursive: true });
    writeFileSync(join(dir, "results.jsonl"), text);
    writeReports(join(dir, "results.jsonl"), dir, { compare: "published" });
    const before = consoleErrors.length;
    await page.goto(pathToFileURL(join(dir, "report.html")).href, { waitUntil: "load" });
    check(consoleErrors.length === before && await page.locator("svg.chart").count() >= 2, `${name} results file renders without errors`);
  }
  await page.goto(pathToFileURL(htmlPath).href, { waitUntil: "load" });
  await page.locator(`#matrix tbody tr[data-index="${bestWithCm.index}"]`).click();
  await page.evaluate(() => window.scrollTo(0, 0));
  check(consoleErrors.length === 0, `no console errors or warnings${consoleErrors.length ? `: ${consoleErrors.join("; ")}` : ""}`);
  check(network.length === 0, `no network requests${network.length ? `: ${network.join(", ")}` : ""}`);
  const shot = join(outDir, "report.png");
  await page.screenshot({ path: shot, fullPage: true });
  process.stdout.write(`screenshot: ${shot}\nreport: ${htmlPath}\n`);
} finally {
  await context.close();
  rmSync(userDataDir, { recursive: true, force: true });
}
if (failures.length) {
  process.stdout.write(`${failures.length} browser check(s) failed\n`);
  process.exitCode = 1;
}
