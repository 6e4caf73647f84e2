import { readFileSync } from "node:fs";
import { freemem } from "node:os";

/** Memory the OS can give without swapping: MemAvailable on Linux, else free memory. */
export function availableMemoryBytes(): number {
  try {
    const m = /MemAvailable:\s+(\d+) kB/.exec(readFileSync("/proc/meminfo", "utf8"));
    if (m) return Number(m[1]) * 1024;
  } catch {
    // not Linux
  }
  return freemem();
}

export function formatBytes(bytes: number): string {
  if (bytes >= 2 ** 30) return `${(bytes / 2 ** 30).toFixed(1)} GiB`;
  return `${(bytes / 2 ** 20).toFixed(0)} MiB`;
}
