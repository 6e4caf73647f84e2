import type { ParamValue } from "../params.js";
import type { ResultMetrics } from "../metrics/classification.js";
import type { BoardHandle } from "../parallel/board.js";

/** Where the shared dataset lives inside the shared WASM memory (byte offsets). */
export interface SharedDataLayout {
  readonly dataset: string;
  readonly features: string;
  readonly preprocess: string;
  readonly classNames: readonly string[];
  readonly cols: number;
  readonly trainRows: number;
  readonly testRows: number;
  /** One shuffled copy of the training set per repeat. */
  readonly train: readonly { readonly x: number; readonly y: number }[];
  readonly test: { readonly x: number; readonly y: number };
}

/** What every worker receives once, at start (piscina's workerData). */
export interface WorkerInit {
  readonly memory: WebAssembly.Memory;
  readonly layout: SharedDataLayout;
  /** The board on which a configuration offers pieces of its fit to idle workers (parallel/). */
  readonly board?: BoardHandle;
  /** Module URLs the worker imports before it runs a task (see RunGridOptions.workerModules). */
  readonly workerModules?: readonly string[];
}

/** One task: one configuration with its repeat plan. Small on purpose: the data is shared. */
export interface TaskPayload {
  readonly classifier: string;
  readonly params: Readonly<Record<string, ParamValue>>;
  /** Maximum number of repeats (each on its own shuffled training set). */
  readonly repeats: number;
  readonly seed: number;
  /** The piece-board slot of this configuration's sections; absent: its pieces run in its own worker. */
  readonly slot?: number;
}

/** An idle worker's share of a section some configuration posted on the piece board. */
export interface HelpPayload {
  readonly slot: number;
  readonly gen: number;
  /** The helper then waits this long for the slot's next section (see helpSlot). */
  readonly lingerMs: number;
  /** Scratch reserved for this helper: later sections whose pieces need more are left to others. */
  readonly maxPieceBytes: number;
}

/** What a worker returns for a task that ran (an estimator error is still a returned outcome). */
export interface TaskOutcome {
  readonly status: "ok" | "failed";
  readonly error?: string;
  readonly scores: number[];
  readonly fit_times: number[];
  readonly score_times: number[];
  /** Classification report and confusion matrix of the last repeat (computed in the worker). */
  readonly metrics?: ResultMetrics;
  /** Test-set predictions of the last repeat. */
  readonly predictions?: Int32Array;
  /** Anything the estimator wants recorded (solver used, convergence warnings, ...). */
  readonly extras?: Record<string, unknown>;
}
