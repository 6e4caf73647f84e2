// One measured run for bench/scaling.mjs: runs a grid with N workers in this process and
// prints wall time and peak RSS (the worker threads live in this process too) as JSON. The run's
// results go to OUT_DIR, a folder of its own under bench/scaling.mjs's output folder.
// Usage: node bench/scaling_child.mjs GRID WORKERS TRAIN_SIZE TEST_SIZE OUT_DIR
import { expandGrid, loadDataset, loadGrid, prepareData, runGrid, SharedHeap } from "../dist/index.js";
import { benchArgs } from "./lib/args.mjs";

const [gridSpec, workers, trainSize, testSize, out] = benchArgs()._;
if (!out) throw new Error("usage: node bench/scaling_child.mjs GRID WORKERS TRAIN_SIZE TEST_SIZE OUT_DIR");
const heap = SharedHeap.create();
const data = prepareData(await loadDataset("fashion"), { trainSize: Number(trainSize), testSize: Number(testSize), heap });
const configs = expandGrid(loadGrid(gridSpec).grid);
const rssBefore = process.memoryUsage().rss;
const summary = await runGrid({
  configs, data, heap, out, workers: Number(workers), repeats: 1, resume: false,
});
console.log(JSON.stringify({
  workers: Number(workers), configs: summary.total, failed: summary.failed, wall: summary.wallSeconds,
  rssBeforeMb: rssBefore / 2 ** 20, maxRssMb: process.resourceUsage().maxRSS / 1024, heapMb: heap.usedBytes / 2 ** 20,
}));
