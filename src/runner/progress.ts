import { SingleBar } from "cli-progress";
import type { RunEvent } from "./run.js";
import type { ResultLine } from "./results.js";

function describe(line: ResultLine): string {
  const what = `${line.classifier} ${JSON.stringify(line.params)}`;
  if (line.status === "ok") {
    const spread = typeof line.accuracy_2std === "number" && (line.n_repeats as number) > 1 ? ` ±${(line.accuracy_2std as number).toFixed(4)}` : "";
    const shared = line.same_fit_as ? `  (the fit of ${JSON.stringify(line.same_fit_as)}: the estimator ignores the parameters they differ in)` : "";
    return `${what}  accuracy ${line.accuracy!.toFixed(4)}${spread}  fit ${line.fit_seconds!.toFixed(2)} s  predict ${line.predict_seconds!.toFixed(2)} s${shared}`;
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

/** How the progress bar names a configuration in flight: short, so that several fit on a line. */
function shortName(classifier: string, params: Readonly<Record<string, unknown>>): string {
  const initials = classifier.replace(/Classifier$/, "");
  const text = `${initials} ${Object.entries(params).map(([k, v]) => `${k}=${JSON.stringify(v)}`).join(",")}`;
  return text.length > 40 ? `${text.slice(0, 39)}…` : text;
}

/**
 * Reports run progress on a stream: a progress bar (done/total, failures, elapsed,
 * ETA, and the configurations in flight with their elapsed time, redrawn every
 * second) on a TTY, one plain line per configuration otherwise.
 */
export function progressReporter(stream: NodeJS.WriteStream = process.stderr): { onEvent: (e: RunEvent) => void; stop: () => void } {
  const started = Date.now();
  let bar: SingleBar | null = null;
  let ticker: NodeJS.Timeout | null = null;
  /** Configurations in flight by lane: name and start time. */
  const inFlight = new Map<number, { name: string; since: number }>();
  let counts = { done: 0, total: 0, failed: 0 };
  const elapsed = () => (Date.now() - started) / 1000;
  const running = () =>
    [...inFlight.values()].map((c) => `${c.name} ${clock((Date.now() - c.since) / 1000)}`).join(" | ") || "–";
  const redraw = () => {
    const eta = counts.done > 0 ? (elapsed() / counts.done) * (counts.total - counts.done) : NaN;
    bar?.update(counts.done, { failed: counts.failed, elapsedClock: clock(elapsed()), etaClock: clock(eta), running: running() });
  };
  return {
    onEvent(event) {
      if (event.type === "begin") {
        inFlight.set(event.slot, { name: shortName(event.classifier, event.params), since: Date.now() });
        redraw();
        return;
      }
      if (event.type === "start") {
        stream.write(
          `fmbench: ${event.total} configurations to run on ${event.workers} workers` +
            (event.skipped > 0 ? ` (${event.skipped} already done in ${event.resultsFile}, skipped)` : "") + "\n",
        );
        if (stream.isTTY && event.total > 0) {
          bar = new SingleBar({
            stream,
            format: "{bar} {value}/{total} | failed {failed} | elapsed {elapsedClock} | ETA {etaClock} | running: {running}",
            barsize: 20,
            hideCursor: true,
            clearOnComplete: false,
            linewrap: false,
          });
          counts = { done: 0, total: event.total, failed: 0 };
          bar.start(event.total, 0, { failed: 0, elapsedClock: "00:00", etaClock: "--:--", running: "–" });
          ticker = setInterval(redraw, 1000);
          ticker.unref();
        }
        return;
      }
      const { line, done, total, failed } = event;
      const eta = done > 0 ? (elapsed() / done) * (total - done) : NaN;
      if (event.slot !== undefined) inFlight.delete(event.slot);
      counts = { done, total, failed };
      if (bar) {
        // The finished configuration goes above the bar as a plain line; the bar redraws below it.
        bar.stop();
        stream.write(`[${done}/${total}] ${describe(line)}\n`);
        bar.start(total, done, { failed, elapsedClock: clock(elapsed()), etaClock: clock(eta), running: running() });
      } else {
        stream.write(`[${done}/${total}] ${describe(line)}  (failed ${failed}, elapsed ${clock(elapsed())}, ETA ${clock(eta)})\n`);
      }
    },
    stop() {
      if (ticker) clearInterval(ticker);
      ticker = null;
      bar?.stop();
      bar = null;
    },
  };
}
