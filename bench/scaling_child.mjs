// One measured run for bench/scaling.mjs: runs a grid with N workers in this process and
// prints wall time and peak RSS (the worker threads live in this process too) as JSON.
import { mkdtempSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { expandGrid, loadDataset, loadGrid, prepareData, runGrid, SharedHeap } from "../dist/index.js";

const [gridSpec, workers, trainSize, testSize] = process.argv.slice(2);
const heap = SharedHeap.create();
const data = prepareData(await loadDataset("fashion"), { trainSize: Number(trainSize), testSize: Number(testSize), heap });
const configs = expandGrid(loadGrid(gridSpec).grid);
const rssBefore = process.memoryUsage().rss;
const summary = await runGrid({
  configs, data, heap, out: mkdtempSync(join(tmpdir(), "fmbench-scaling-")), workers: Number(workers), repeats: 1, resume: false,
});
console.log(JSON.stringify({
  workers: Number(workers), configs: summary.total, failed: summary.failed, wall: summary.wallSeconds,
  rssBeforeMb: rssBefore / 2 ** 20, maxRssMb: process.resourceUsage().maxRSS / 1024, heapMb: heap.usedBytes / 2 ** 20,
}));
