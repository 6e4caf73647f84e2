import { createHash, randomBytes } from "node:crypto";
import { rename, rm, writeFile } from "node:fs/promises";
import { dirname } from "node:path";
import { ChecksumError, DatasetError } from "../errors.js";
import { makeDirectory } from "../files.js";

/** A file to fetch from one of several mirrors, verified by the MD5 of the downloaded bytes. */
export interface RemoteFile {
  /** File name on the mirror and in the cache, e.g. `train-images-idx3-ubyte.gz`. */
  readonly name: string;
  /** MD5 (hex) of the file as published; checked before the file is kept. */
  readonly md5: string;
  /** Size of the file as published; a mirror that sends more is cut off there. */
  readonly bytes?: number;
}

export type FetchLike = (url: string, init?: { signal?: AbortSignal }) => Promise<Response>;

export interface DownloadOptions {
  readonly fetch?: FetchLike;
  /** Abort one request after this many milliseconds (default 120,000). */
  readonly timeoutMs?: number;
  readonly log?: (line: string) => void;
  /** Most bytes read from a mirror for a file of unknown size (default 256 MiB). */
  readonly maxBytes?: number;
}

const DEFAULT_MAX_BYTES = 256 * 2 ** 20;

/** Why a mirror's answer was cut off. */
class TooLargeError extends Error {}

/**
 * The response body, read chunk by chunk and cut off past `limit` bytes, so that a
 * mirror that never stops sending cannot fill the memory before the checksum is checked.
 */
async function readBounded(response: Response, limit: number, abort: AbortController): Promise<Uint8Array> {
  const declared = Number(response.headers.get("content-length") ?? NaN);
  if (declared > limit) throw new TooLargeError(`declares ${declared} bytes, more than the ${limit} expected; not read`);
  if (!response.body) return new Uint8Array(0);
  const chunks: Uint8Array[] = [];
  let total = 0;
  const reader = response.body.getReader();
  for (;;) {
    const { done, value } = await reader.read();
    if (done) break;
    total += value.byteLength;
    if (total > limit) {
      abort.abort();
      await reader.cancel().catch(() => {});
      throw new TooLargeError(`sent more than the ${limit} bytes expected; cut off`);
    }
    chunks.push(value);
  }
  const bytes = new Uint8Array(total);
  let at = 0;
  for (const c of chunks) {
    bytes.set(c, at);
    at += c.byteLength;
  }
  return bytes;
}

function md5(bytes: Uint8Array): string {
  return createHash("md5").update(bytes).digest("hex");
}

/**
 * Downloads `file` from the first mirror that serves it with the right checksum, into
 * `target`. The bytes go to a temporary file next to the target that is renamed only
 * after the checksum matched, so an interrupted or corrupt download never leaves a
 * file that looks valid. Throws DatasetError listing every mirror's failure.
 */
export async function downloadVerified(
  file: RemoteFile, mirrors: readonly string[], target: string, options: DownloadOptions = {},
): Promise<void> {
  const fetchImpl = options.fetch ?? (globalThis.fetch as FetchLike);
  const timeoutMs = options.timeoutMs ?? 120_000;
  makeDirectory(dirname(target), "dataset cache directory");
  const failures: string[] = [];
  for (const mirror of mirrors) {
    const url = mirror.endsWith("/") ? mirror + file.name : `${mirror}/${file.name}`;
    options.log?.(`downloading ${url}`);
    let bytes: Uint8Array;
    try {
      const abort = new AbortController();
      const response = await fetchImpl(url, { signal: AbortSignal.any([abort.signal, AbortSignal.timeout(timeoutMs)]) });
      if (!response.ok) {
        failures.push(`${url}: HTTP ${response.status} ${response.statusText}`.trim());
        continue;
      }
      bytes = await readBounded(response, file.bytes ?? options.maxBytes ?? DEFAULT_MAX_BYTES, abort);
    } catch (err) {
      if (err instanceof TooLargeError) {
        failures.push(`${url}: ${err.message}`);
        continue;
      }
      const e = err as Error & { cause?: { code?: string; message?: string } };
      const reason = e.cause?.code ?? e.cause?.message ?? e.message;
      failures.push(`${url}: ${reason}`);
      continue;
    }
    const actual = md5(bytes);
    if (actual !== file.md5) {
      failures.push(new ChecksumError(url, "MD5", file.md5, actual).message);
      continue;
    }
    const temp = `${target}.part-${process.pid}-${randomBytes(4).toString("hex")}`;
    try {
      await writeFile(temp, bytes);
      await rename(temp, target);
    } catch (err) {
      await rm(temp, { force: true });
      throw new DatasetError(`cannot write ${target}: ${(err as Error).message}`);
    }
    return;
  }
  throw new DatasetError(
    `could not download ${file.name} from any mirror:\n  ${failures.join("\n  ")}\n` +
      `fmbench needs network access the first time it uses this dataset; ` +
      `alternatively put the file at ${target}`,
  );
}
