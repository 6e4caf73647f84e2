import { performance } from "node:perf_hooks";
import { accuracy } from "../models/estimator.js";
import { argmaxRows } from "../models/tree/decision_tree.js";
import { forestChunks } from "../models/tree/forest.js";
import type { ForestChunkOutcome, TaskOutcome, TaskPayload } from "./messages.js";
import { TaskAbortedError, type GridPool } from "./pool.js";
import { EARLY_STOP_DELTA, testMetrics } from "./task.js";

/** One unit of work of a forest: trees [from, to) of one repeat. */
interface Chunk {
  readonly repeat: number;
  readonly index: number;
  readonly from: number;
  readonly to: number;
}

/**
 * The forests of a grid run whose chunks idle workers may take. A lane (one worker's
 * share of the run) that finds no configuration left to start claims a chunk here, or
 * waits for one; the grid's own configurations always come first.
 */
export class ChunkBoard {
  private readonly jobs: ForestJob[] = [];
  private waiters: (() => void)[] = [];

  get openJobs(): number {
    return this.jobs.length;
  }

  open(job: ForestJob): void {
    this.jobs.push(job);
    this.notify();
  }

  close(job: ForestJob): void {
    const at = this.jobs.indexOf(job);
    if (at >= 0) this.jobs.splice(at, 1);
    this.notify();
  }

  /**
   * Takes an unclaimed chunk of the earliest open forest that has one and that `allowed`
   * accepts (the runner's memory guard), for an idle lane.
   */
  claim(allowed: (job: ForestJob) => boolean = () => true): { job: ForestJob; grow: () => Promise<void> } | null {
    for (const job of this.jobs) {
      if (!allowed(job)) continue;
      const grow = job.claimForHelper();
      if (grow) return { job, grow };
    }
    return null;
  }

  /** Resolves at the next change: chunks posted, a forest closed, or notify(). */
  changed(): Promise<void> {
    return new Promise((resolve) => this.waiters.push(resolve));
  }

  notify(): void {
    const waiters = this.waiters;
    this.waiters = [];
    for (const wake of waiters) wake();
  }
}

export interface ForestJobOptions {
  readonly pool: GridPool;
  readonly board: ChunkBoard;
  readonly task: TaskPayload;
  readonly nTrees: number;
  /** Repeats to run at most (the task's, capped by the shuffled training sets shared). */
  readonly repeats: number;
  readonly yTest: Int32Array;
  readonly classNames: readonly string[];
  /** Per-configuration limit in seconds; 0 means none. */
  readonly timeoutSeconds: number;
  readonly cancel: AbortSignal;
  /** Bytes the runner's memory guard reserves for each chunk a helper grows (the configuration's estimate). */
  readonly memoryNeed: number;
}

/**
 * One RandomForest configuration run as chunks of trees (forestChunks): its own lane
 * grows the chunks one after another, and lanes left idle by the grid take chunks too.
 * The chunks' class-fraction sums are added in chunk order, so the predictions are
 * those of RandomForestClassifier.fit + predict in one thread, whoever grew which
 * chunk. fit_times are the chunks' fit seconds added up (one core's worth, comparable
 * with unsplit configurations); the line's wall_seconds shows what the help saved.
 *
 * The constructor registers the job on the board synchronously, so that lanes already
 * looking for work see it before the first chunk is awaited.
 */
export class ForestJob {
  private readonly chunks: [number, number][];
  private queue: Chunk[] = [];
  private sums: (ForestChunkOutcome & { status: "ok" })[] = [];
  private running = 0;
  private settled: (() => void) | null = null;
  private failure: string | null = null;
  private aborted: TaskAbortedError | null = null;
  private readonly deadline: number;
  /** Chunks grown by lanes other than the configuration's own, over all repeats. */
  chunksByIdleWorkers = 0;

  get memoryNeed(): number {
    return this.options.memoryNeed;
  }

  constructor(private readonly options: ForestJobOptions) {
    this.chunks = forestChunks(options.nTrees);
    this.deadline = options.timeoutSeconds > 0 ? performance.now() + options.timeoutSeconds * 1000 : Infinity;
    options.board.open(this);
  }

  /** Runs every repeat (with the runner's early stop) and returns the configuration's outcome. */
  async run(): Promise<TaskOutcome> {
    const { board, yTest, repeats } = this.options;
    const scores: number[] = [];
    const fitTimes: number[] = [];
    const scoreTimes: number[] = [];
    let predictions: Int32Array | null = null;
    try {
      for (let r = 0; r < repeats; r++) {
        this.sums = new Array(this.chunks.length);
        this.queue = this.chunks.map(([from, to], index) => ({ repeat: r, index, from, to }));
        board.notify();
        const allSettled = new Promise<void>((resolve) => (this.settled = resolve));
        let own: Chunk | undefined;
        while ((own = this.queue.shift())) await this.grow(own);
        if (this.running > 0) await allSettled;
        if (this.aborted) throw this.aborted;
        if (this.failure !== null) {
          return { status: "failed", error: this.failure, scores, fit_times: fitTimes, score_times: scoreTimes };
        }
        const t0 = performance.now();
        predictions = this.combine();
        const score = accuracy(yTest, predictions);
        scores.push(score);
        fitTimes.push(this.sums.reduce((s, c) => s + c.fitSeconds, 0));
        scoreTimes.push(this.sums.reduce((s, c) => s + c.predictSeconds, 0) + (performance.now() - t0) / 1000);
        if (scores.length === 2 && Math.abs(scores[0] - score) < EARLY_STOP_DELTA) break;
      }
    } finally {
      this.queue = [];
      board.close(this);
    }
    return {
      status: "ok", scores, fit_times: fitTimes, score_times: scoreTimes,
      metrics: testMetrics(yTest, predictions!, this.options.classNames),
      extras: { forest_chunks: this.chunks.length, forest_chunks_by_idle_workers: this.chunksByIdleWorkers },
    };
  }

  /** An unclaimed chunk of the current repeat for an idle lane, or null. */
  claimForHelper(): (() => Promise<void>) | null {
    const chunk = this.queue.shift();
    if (!chunk) return null;
    this.chunksByIdleWorkers++;
    return () => this.grow(chunk);
  }

  private async grow(chunk: Chunk): Promise<void> {
    this.running++;
    try {
      const left = (this.deadline - performance.now()) / 1000;
      if (left <= 0) throw new TaskAbortedError("timeout", "");
      const outcome = await this.options.pool.runForestChunk(
        { task: this.options.task, repeat: chunk.repeat, from: chunk.from, to: chunk.to },
        Number.isFinite(left) ? left : 0,
        this.options.cancel,
      );
      if (outcome.status === "ok") this.sums[chunk.index] = outcome;
      else this.fail(outcome.error, null);
    } catch (err) {
      const e = err instanceof TaskAbortedError ? err : new TaskAbortedError("crash", `worker crashed: ${(err as Error).message}`);
      this.fail(null, e.kind === "timeout"
        ? new TaskAbortedError("timeout", `exceeded the time limit of ${this.options.timeoutSeconds} s (--timeout); its workers were stopped`)
        : e);
    } finally {
      this.running--;
      if (this.running === 0 && this.queue.length === 0) this.settled?.();
    }
  }

  /** The first error wins; no further chunk of this configuration starts. */
  private fail(error: string | null, aborted: TaskAbortedError | null): void {
    if (this.failure === null && this.aborted === null) {
      this.failure = error;
      this.aborted = aborted;
    }
    this.queue = [];
  }

  /** Mean class fractions over all trees (chunk sums added in chunk order), then each row's class. */
  private combine(): Int32Array {
    const first = this.sums[0];
    const K = first.classes.length;
    const rows = first.probaSum.length / K;
    const total = new Float64Array(rows * K);
    for (const part of this.sums) {
      for (let i = 0; i < total.length; i++) total[i] += part.probaSum[i];
    }
    for (let i = 0; i < total.length; i++) total[i] /= this.options.nTrees;
    const codes = argmaxRows(total, rows, K);
    const predictions = new Int32Array(rows);
    for (let i = 0; i < rows; i++) predictions[i] = first.classes[codes[i]];
    return predictions;
  }
}
