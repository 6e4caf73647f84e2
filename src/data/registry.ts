import { createHash } from "node:crypto";
import { existsSync, statSync } from "node:fs";
import { readFile } from "node:fs/promises";
import { homedir } from "node:os";
import { join, resolve } from "node:path";
import { fileURLToPath } from "node:url";
import { ChecksumError, DatasetError } from "../errors.js";
import { downloadVerified, type DownloadOptions, type RemoteFile } from "./download.js";
import { readLabelledImages, type LabelledImages } from "./idx.js";

/** The four files of an MNIST-style dataset, by role. */
export const FILE_ROLES = ["trainImages", "trainLabels", "testImages", "testLabels"] as const;
export type FileRole = (typeof FILE_ROLES)[number];

/** Standard file names (without `.gz`) used by MNIST, Fashion-MNIST and their mirrors. */
export const STANDARD_NAMES: Record<FileRole, string> = {
  trainImages: "train-images-idx3-ubyte",
  trainLabels: "train-labels-idx1-ubyte",
  testImages: "t10k-images-idx3-ubyte",
  testLabels: "t10k-labels-idx1-ubyte",
};

/** Fashion-MNIST class names, in label order. */
export const FASHION_CLASS_NAMES = [
  "T-shirt/top", "Trouser", "Pullover", "Dress", "Coat", "Sandal", "Shirt", "Sneaker", "Bag", "Ankle boot",
] as const;

/** A dataset fmbench knows by name. */
export interface NamedDataset {
  readonly name: string;
  readonly description: string;
  readonly classNames: readonly string[];
  /** SHA-256 of each file's decompressed bytes, checked on every load. */
  readonly sha256?: Partial<Record<FileRole, string>>;
  /** Where a downloadable dataset comes from; absent for bundled ones. */
  readonly remote?: { readonly mirrors: readonly string[]; readonly files: Record<FileRole, RemoteFile> };
  /** Directory of a dataset shipped in the repository (relative to the package root, or absolute). */
  readonly bundledDir?: string;
}

const PACKAGE_ROOT = fileURLToPath(new URL("../../", import.meta.url));

export const DATASETS: Record<string, NamedDataset> = {
  fashion: {
    name: "fashion",
    description: "Fashion-MNIST (Zalando), bundled in data/fashion",
    classNames: FASHION_CLASS_NAMES,
    bundledDir: "data/fashion",
    sha256: {
      trainImages: "c59f468a2f672dc815687fe0f83887768d799fd8a3f3276145d20f83aa44d888",
      trainLabels: "bad3541b69d912435c50bb6ba87bec294ff4f6a2e1246121d8633921760443d9",
      testImages: "5b4141f0afbad91edebe8549f8fcffe087ea10ca49f1dbef5c9a5cd8815ce37b",
      testLabels: "0402a96d92fd2663957122ceb108a494c5af83dab82d92729df917d7dec38c34",
    },
  },
  mnist: {
    name: "mnist",
    description: "MNIST handwritten digits, downloaded on first use into the cache directory",
    classNames: ["0", "1", "2", "3", "4", "5", "6", "7", "8", "9"],
    remote: {
      mirrors: [
        "https://ossci-datasets.s3.amazonaws.com/mnist/",
        "https://storage.googleapis.com/cvdf-datasets/mnist/",
      ],
      // MD5 of the published .gz files (the checksums MNIST's distributors list).
      files: {
        trainImages: { name: "train-images-idx3-ubyte.gz", md5: "f68b3c2dcbeaaa9fbdd348bbdeb94873", bytes: 9912422 },
        trainLabels: { name: "train-labels-idx1-ubyte.gz", md5: "d53e105ee54ea40749a09fcbcd1e9432", bytes: 28881 },
        testImages: { name: "t10k-images-idx3-ubyte.gz", md5: "9fb629c4189551a2d022fa330f9573f3", bytes: 1648877 },
        testLabels: { name: "t10k-labels-idx1-ubyte.gz", md5: "ec29112dd5afa0611ce80d1b7f02629c", bytes: 4542 },
      },
    },
  },
};

/** Cache directory for downloaded datasets: `$FMBENCH_CACHE`, else `~/.cache/fmbench`. */
export function defaultCacheDir(): string {
  return process.env.FMBENCH_CACHE || join(homedir(), ".cache", "fmbench");
}

/** A dataset located on disk: a name plus the path of each of its four files. */
export interface ResolvedDataset {
  readonly name: string;
  readonly classNames: readonly string[];
  readonly files: Record<FileRole, string>;
  readonly sha256?: Partial<Record<FileRole, string>>;
  /** MD5 of the compressed file, for files that came from a download. */
  readonly md5?: Partial<Record<FileRole, string>>;
}

export interface ResolveOptions extends DownloadOptions {
  /** Default: defaultCacheDir(). */
  readonly cacheDir?: string;
  /** Replaces the dataset's mirror list (also `FMBENCH_<NAME>_MIRRORS`, comma-separated). */
  readonly mirrors?: readonly string[];
  /** Extra named datasets (tests use this for a downloadable dataset of their own). */
  readonly registry?: Record<string, NamedDataset>;
}

/** Finds `<dir>/<name>.gz` or `<dir>/<name>`. */
function findStandardFile(dir: string, base: string): string | null {
  for (const candidate of [join(dir, `${base}.gz`), join(dir, base)]) {
    if (existsSync(candidate)) return candidate;
  }
  return null;
}

function resolveDirectory(name: string, dir: string, classNames: readonly string[]): ResolvedDataset {
  const files = {} as Record<FileRole, string>;
  const missing: string[] = [];
  for (const role of FILE_ROLES) {
    const found = findStandardFile(dir, STANDARD_NAMES[role]);
    if (found) files[role] = found;
    else missing.push(`${STANDARD_NAMES[role]}[.gz]`);
  }
  if (missing.length > 0) {
    throw new DatasetError(`dataset directory ${dir} lacks ${missing.join(", ")}`);
  }
  return { name, classNames, files };
}

/**
 * Resolves a dataset name (`fashion`, `mnist`) or a directory holding the four
 * standard files to paths on disk, downloading a remote dataset into the cache on
 * first use. Unknown names get a DatasetError listing the known ones.
 */
export async function resolveDataset(spec: string, options: ResolveOptions = {}): Promise<ResolvedDataset> {
  const registry = { ...DATASETS, ...options.registry };
  const named = registry[spec];
  if (!named) {
    const looksLikePath = spec.includes("/") || spec.includes("\\") || spec.startsWith(".");
    if (looksLikePath || existsSync(spec)) {
      const dir = resolve(spec);
      if (!existsSync(dir) || !statSync(dir).isDirectory()) {
        throw new DatasetError(`dataset directory ${dir} does not exist`);
      }
      return resolveDirectory(dir, dir, []);
    }
    throw new DatasetError(
      `unknown dataset '${spec}'; known datasets: ${Object.keys(registry).join(", ")}, or a directory path`,
    );
  }
  if (named.bundledDir) {
    const resolved = resolveDirectory(named.name, resolve(PACKAGE_ROOT, named.bundledDir), named.classNames);
    return { ...resolved, sha256: named.sha256 };
  }
  if (!named.remote) throw new DatasetError(`dataset '${spec}' has neither bundled files nor a download source`);
  const envMirrors = process.env[`FMBENCH_${named.name.toUpperCase()}_MIRRORS`];
  const mirrors = options.mirrors ?? (envMirrors ? envMirrors.split(",").map((m) => m.trim()).filter(Boolean) : named.remote.mirrors);
  const dir = join(options.cacheDir ?? defaultCacheDir(), named.name);
  const files = {} as Record<FileRole, string>;
  const md5 = {} as Record<FileRole, string>;
  for (const role of FILE_ROLES) {
    const remote = named.remote.files[role];
    const target = join(dir, remote.name);
    if (!existsSync(target)) await downloadVerified(remote, mirrors, target, options);
    files[role] = target;
    md5[role] = remote.md5;
  }
  return { name: named.name, classNames: named.classNames, files, sha256: named.sha256, md5 };
}

/** Both splits of a dataset, as read from disk and verified. */
export interface LoadedDataset {
  readonly name: string;
  readonly classNames: readonly string[];
  readonly train: LabelledImages;
  readonly test: LabelledImages;
}

/** Reads and verifies both splits of a resolved dataset. */
export async function loadResolvedDataset(resolved: ResolvedDataset): Promise<LoadedDataset> {
  const [train, test] = await Promise.all([
    readLabelledImages(resolved.files.trainImages, resolved.files.trainLabels),
    readLabelledImages(resolved.files.testImages, resolved.files.testLabels),
  ]);
  const actual: Record<FileRole, string> = {
    trainImages: train.sha256.images, trainLabels: train.sha256.labels,
    testImages: test.sha256.images, testLabels: test.sha256.labels,
  };
  for (const role of FILE_ROLES) {
    const expected = resolved.sha256?.[role];
    if (expected && expected !== actual[role]) {
      throw new ChecksumError(resolved.files[role], "SHA-256 (decompressed)", expected, actual[role]);
    }
    const expectedMd5 = resolved.md5?.[role];
    if (expectedMd5) {
      const got = createHash("md5").update(await readFile(resolved.files[role])).digest("hex");
      if (got !== expectedMd5) {
        throw new ChecksumError(resolved.files[role], "MD5", expectedMd5, `${got}; delete the file to download it again`);
      }
    }
  }
  if (train.height !== test.height || train.width !== test.width) {
    throw new DatasetError(
      `${resolved.name}: training images are ${train.height}x${train.width} but test images are ${test.height}x${test.width}`,
    );
  }
  return { name: resolved.name, classNames: resolved.classNames, train, test };
}

/** Resolves (downloading if needed), reads and verifies a dataset. */
export async function loadDataset(spec: string, options: ResolveOptions = {}): Promise<LoadedDataset> {
  return loadResolvedDataset(await resolveDataset(spec, options));
}
