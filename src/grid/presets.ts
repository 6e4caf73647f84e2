import { existsSync } from "node:fs";
import { fileURLToPath } from "node:url";
import { GridError } from "../errors.js";
import { readGridFile, type GridFile } from "./grid.js";

/**
 * Named grids shipped in data/grids: `quick` (one fast configuration per family), `full` (upstream's
 * baselines.json), `hog` (HOG feature sets x the classifiers that gain from them), `hog-select` (feature
 * sets for SVC, to score with --validation) and `hog-svc` (the HOG + pixels SVC that hog-select chose).
 */
export const GRID_PRESETS = ["quick", "full", "hog", "hog-select", "hog-svc"] as const;

const GRID_DIR = fileURLToPath(new URL("../../data/grids/", import.meta.url));

/** A preset name or a path to a grid file. */
export function loadGrid(spec: string): { grid: GridFile; source: string } {
  if ((GRID_PRESETS as readonly string[]).includes(spec)) {
    const path = `${GRID_DIR}${spec}.json`;
    return { grid: readGridFile(path), source: spec };
  }
  if (!existsSync(spec)) {
    throw new GridError(`grid '${spec}' is neither a preset (${GRID_PRESETS.join(", ")}) nor an existing file`);
  }
  return { grid: readGridFile(spec), source: spec };
}
