#!/usr/bin/env node
// npm run test:slurm: a private single-node Slurm (munged, slurmctld, slurmd as root, all
// state in a temporary folder) runs deploy/slurm-submit.sh for a small grid in 3 shards with
// its merge job; the merged results must equal an unsharded run of the same grid and seed,
// with its reports. The daemons it starts are stopped by their PIDs, also when it fails.
// Not in the default `npm test`: it needs root and Debian's slurm-wlm and munge.
import { spawn, spawnSync } from "node:child_process";
import { existsSync, mkdirSync, mkdtempSync, readFileSync, writeFileSync } from "node:fs";
import { hostname, tmpdir, totalmem } from "node:os";
import { join } from "node:path";
import { fileURLToPath } from "node:url";

const repo = fileURLToPath(new URL("../..", import.meta.url));
const log = (line) => process.stdout.write(`test:slurm: ${line}\n`);

function need(tool) {
  if (spawnSync("sh", ["-c", `command -v ${tool}`]).status !== 0) {
    log(`${tool} is missing: install Slurm and MUNGE with 'apt-get update && apt-get install -y slurm-wlm munge' (Debian)`);
    process.exit(2);
  }
}
for (const tool of ["munged", "slurmctld", "slurmd", "sbatch", "squeue", "sinfo"]) need(tool);
if (process.getuid?.() !== 0) {
  log("must run as root (slurmd and slurmctld run as root here)");
  process.exit(2);
}
if (!existsSync(join(repo, "dist", "cli.js"))) {
  log("dist/cli.js is missing: run 'npm run build' first");
  process.exit(2);
}

const dir = mkdtempSync(join(tmpdir(), "fmbench-slurm-"));
for (const sub of ["state", "spool", "results", "logs"]) mkdirSync(join(dir, sub));
const host = hostname().split(".")[0];
const conf = join(dir, "slurm.conf");
const memMb = Math.floor(totalmem() / 2 ** 20) - 1024;
writeFileSync(conf, [
  "ClusterName=fmbench-test",
  `SlurmctldHost=${host}`,
  "SlurmUser=root",
  "SlurmdUser=root",
  "SlurmctldPort=16817",
  "SlurmdPort=16818",
  "AuthType=auth/munge",
  `AuthInfo=socket=${join(dir, "munge.socket")}`,
  "CredType=cred/munge",
  `StateSaveLocation=${join(dir, "state")}`,
  `SlurmdSpoolDir=${join(dir, "spool")}`,
  `SlurmctldPidFile=${join(dir, "slurmctld.pid")}`,
  `SlurmdPidFile=${join(dir, "slurmd.pid")}`,
  `SlurmctldLogFile=${join(dir, "slurmctld.log")}`,
  `SlurmdLogFile=${join(dir, "slurmd.log")}`,
  "ProctrackType=proctrack/linuxproc",
  "TaskPlugin=task/none",
  "SchedulerType=sched/backfill",
  "SelectType=select/cons_tres",
  "SelectTypeParameters=CR_Core_Memory",
  "JobCompType=jobcomp/none",
  "AccountingStorageType=accounting_storage/none",
  "MpiDefault=none",
  "ReturnToService=2",
  `NodeName=${host} CPUs=2 RealMemory=${memMb} State=UNKNOWN`,
  `PartitionName=test Nodes=${host} Default=YES MaxTime=INFINITE State=UP`,
  "",
].join("\n"));
const env = { ...process.env, SLURM_CONF: conf };

const started = [];
function daemon(cmd, args) {
  const child = spawn(cmd, args, { env, stdio: ["ignore", "ignore", "pipe"], detached: false });
  let stderr = "";
  child.stderr.on("data", (d) => (stderr += d));
  started.push({ cmd, child, stderr: () => stderr });
  log(`started ${cmd} (pid ${child.pid})`);
  return child;
}
function stopAll() {
  for (const { cmd, child } of started.splice(0).reverse()) {
    if (child.exitCode === null && child.signalCode === null) {
      child.kill("SIGTERM");
      log(`stopped ${cmd} (pid ${child.pid})`);
    }
  }
}
process.on("exit", stopAll);
for (const sig of ["SIGINT", "SIGTERM"]) process.on(sig, () => process.exit(130));

const sleep = (ms) => new Promise((r) => setTimeout(r, ms));
const run = (cmd, args) => spawnSync(cmd, args, { env, encoding: "utf8" });
async function until(what, test, seconds) {
  for (let i = 0; i < seconds * 2; i++) {
    if (test()) return;
    await sleep(500);
  }
  throw new Error(`timed out after ${seconds} s waiting for ${what}`);
}

let failed = false;
try {
  const mungeKey = join(dir, "munge.key");
  writeFileSync(mungeKey, Buffer.from(Array.from({ length: 1024 }, (_, i) => (i * 7919 + 13) % 256)), { mode: 0o400 });
  daemon("munged", ["-F", "-f", `--socket=${join(dir, "munge.socket")}`, `--key-file=${mungeKey}`, `--pid-file=${join(dir, "munged.pid")}`,
    `--log-file=${join(dir, "munged.log")}`, `--seed-file=${join(dir, "munged.seed")}`]);
  await until("munged's socket", () => existsSync(join(dir, "munge.socket")), 20);
  daemon("slurmctld", ["-D", "-i", "-f", conf]);
  daemon("slurmd", ["-D", "-f", conf]);
  await until("the node to come up", () => /idle/.test(run("sinfo", ["-h", "-o", "%T"]).stdout), 60);
  log(`node ${host} is idle`);

  const grid = join(dir, "grid.json");
  writeFileSync(grid, JSON.stringify({ classifiers: {
    GaussianNB: [{ var_smoothing: [1e-9, 1e-5, 1e-2] }], KNeighborsClassifier: [{ n_neighbors: [3, 5] }], Perceptron: [{ alpha: [0.0001] }],
  } }));
  const args = "--train-size 2000 --test-size 500 --repeat 1 --seed 3";
  const results = join(dir, "results");
  const submit = spawnSync(join(repo, "deploy", "slurm-submit.sh"), [], {
    cwd: join(dir, "logs"), encoding: "utf8",
    env: { ...env, SHARDS: "3", CPUS_PER_TASK: "1", MEM: "2G", MERGE_MEM: "1G", FMBENCH_DIR: repo, FMBENCH_RESULTS: results, FMBENCH_GRID: grid, FMBENCH_ARGS: args },
  });
  if (submit.status !== 0) throw new Error(`slurm-submit.sh failed: ${submit.stderr}`);
  log(submit.stdout.trim());
  const merged = join(results, "merged");
  await until("the array and merge jobs to finish", () => run("squeue", ["-h"]).stdout.trim() === "", 600);
  if (!existsSync(join(merged, "results.jsonl"))) {
    throw new Error(`no merged results; job logs in ${join(dir, "logs")}: ${run("sh", ["-c", `tail -n 5 ${join(dir, "logs")}/*.log`]).stdout}`);
  }
  const shardFiles = [0, 1, 2].map((i) => join(results, `results.shard-${i}-of-3.jsonl`));
  for (const f of shardFiles) if (!existsSync(f)) throw new Error(`missing ${f}`);
  for (const f of ["results.md", "results.csv", "results.json", "report.html"]) {
    if (existsSync(join(results, f))) throw new Error(`a shard wrote ${f} into the shared folder`);
    if (!existsSync(join(merged, f))) throw new Error(`merge did not write ${f}`);
  }

  const single = join(dir, "single");
  const alone = spawnSync(process.execPath, [join(repo, "dist", "cli.js"), "run", "--grid", grid, ...args.split(" "), "--workers", "2", "--out", single], { encoding: "utf8" });
  if (alone.status !== 0) throw new Error(`unsharded run failed: ${alone.stderr}`);
  const read = (f) => readFileSync(f, "utf8").trim().split("\n").map((l) => JSON.parse(l));
  const key = (l) => `${l.classifier} ${JSON.stringify(l.params)}`;
  const a = new Map(read(join(merged, "results.jsonl")).map((l) => [key(l), l]));
  const b = new Map(read(join(single, "results.jsonl")).map((l) => [key(l), l]));
  if (a.size !== 6 || b.size !== 6) throw new Error(`expected 6 configurations, merged has ${a.size}, unsharded ${b.size}`);
  for (const [k, l] of b) {
    const m = a.get(k);
    if (!m) throw new Error(`merged results lack ${k}`);
    if (m.status !== "ok" || m.accuracy !== l.accuracy) throw new Error(`${k}: merged ${m.status} ${m.accuracy}, unsharded ${l.status} ${l.accuracy}`);
    log(`${k}: ${m.accuracy} sharded = ${l.accuracy} unsharded`);
  }
  log(`merged report: ${readFileSync(join(merged, "results.md"), "utf8").split("\n")[2]}`);
  log("PASS: 3 shards on Slurm, merged by the dependent job, equal the unsharded run");
} catch (err) {
  failed = true;
  log(`FAIL: ${err.message}`);
  for (const { cmd, stderr } of started) if (stderr()) log(`${cmd} stderr: ${stderr().slice(-800)}`);
  for (const f of ["slurmctld.log", "slurmd.log"]) {
    if (existsSync(join(dir, f))) log(`${f}: ${readFileSync(join(dir, f), "utf8").split("\n").slice(-8).join("\n")}`);
  }
} finally {
  stopAll();
  log(`state and logs kept in ${dir}`);
}
process.exit(failed ? 1 : 0);
