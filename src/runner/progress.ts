import { SingleBar } from "cli-progress";
import type { RunEvent } from "./run.js";
import type { ResultLine } from "./results.js";

function describe(line: ResultLine): string {
  const what = `${line.classifier} ${JSON.stringify(line.params)}`;
  if (line.status === "ok") {
    const spread = typeof line.accuracy_2std === "number" && (line.n_repeats as number) > 1 ? ` ±${(line.accuracy_2std as number).toFixed(4)}` : "";
    return `${what}  accuracy ${line.accuracy!.toFixed(4)}${spread}  fit ${line.fit_seconds!.toFixed(2)} s  predict ${line.predict_seconds!.toFixed(2)} s`;
  }
  return `${what}  ${line.status.toUpperCase()}: ${line.error}`;
}

function clock(seconds: number): string {
  if (!Number.isFinite(seconds)) return "--:--";
  const s = Math.round(seconds);
  const h = Math.floor(s / 3600);
  const m = Math.floor((s % 3600) / 60);
  const pad = (n: number) => String(n).padStart(2, "0");
  return h > 0 ? `${h}:${pad(m)}:${pad(s % 60)}` : `${pad(m)}:${pad(s % 60)}`;
}

/**
 * Reports run progress on a stream: a progress bar (done/total, failures, elapsed,
 * ETA, last configuration) on a TTY, one plain line per configuration otherwise.
 */
export function progressReporter(stream: NodeJS.WriteStream = process.stderr): { onEvent: (e: RunEvent) => void; stop: () => void } {
  const started = Date.now();
  let bar: SingleBar | null = null;
  const elapsed = () => (Date.now() - started) / 1000;
  return {
    onEvent(event) {
      if (event.type === "start") {
        stream.write(
          `fmbench: ${event.total} configurations to run on ${event.workers} workers` +
            (event.skipped > 0 ? ` (${event.skipped} already done in ${event.resultsFile}, skipped)` : "") + "\n",
        );
        if (stream.isTTY && event.total > 0) {
          bar = new SingleBar({
            stream,
            format: "{bar} {value}/{total} | failed {failed} | elapsed {elapsedClock} | ETA {etaClock} | {last}",
            barsize: 24,
            hideCursor: true,
            clearOnComplete: false,
          });
          bar.start(event.total, 0, { failed: 0, elapsedClock: "00:00", etaClock: "--:--", last: "" });
        }
        return;
      }
      const { line, done, total, failed } = event;
      const eta = done > 0 ? (elapsed() / done) * (total - done) : NaN;
      if (bar) {
        const last = describe(line);
        bar.update(done, {
          failed, elapsedClock: clock(elapsed()), etaClock: clock(eta),
          last: last.length > 90 ? `${last.slice(0, 87)}...` : last,
        });
      } else {
        stream.write(`[${done}/${total}] ${describe(line)}  (failed ${failed}, elapsed ${clock(elapsed())}, ETA ${clock(eta)})\n`);
      }
    },
    stop() {
      bar?.stop();
      bar = null;
    },
  };
}
