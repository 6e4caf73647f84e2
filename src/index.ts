// fmbench's typed library API.
export * from "./errors.js";
export { matrix, sliceRows, type Matrix, type PixelMatrix } from "./data/matrix.js";
export { readIdx, readLabelledImages, type IdxArray, type LabelledImages } from "./data/idx.js";
export {
  DATASETS, FASHION_CLASS_NAMES, STANDARD_NAMES, defaultCacheDir, loadDataset, loadResolvedDataset, resolveDataset,
  type LoadedDataset, type NamedDataset, type ResolvedDataset, type ResolveOptions,
} from "./data/registry.js";
export { downloadVerified, type RemoteFile } from "./data/download.js";
export {
  IdentityScaler, MinMaxScaler, StandardScaler, createScaler, PREPROCESS_NAMES, type PreprocessName, type Scaler,
} from "./data/scalers.js";
export { prepareData, type PreparedData, type PrepareOptions } from "./data/prepare.js";
export { BaseClassifier, accuracy, encodeLabels, type Classifier } from "./models/estimator.js";
export { resolveParams, type ParamSpecs, type ParamValue, type Params } from "./models/params.js";
export { GaussianNB } from "./models/naive_bayes.js";
export { expandGrid, parseGrid, readGridFile, type GridConfig, type GridFile } from "./grid/grid.js";
export { GRID_PRESETS, loadGrid } from "./grid/presets.js";
export { createEstimator, estimatorEntry, registeredEstimators, type EstimatorEntry } from "./grid/registry.js";
export { appendResult, readResults, type ResultLine, type ResultStatus } from "./runner/results.js";
export { runSequential } from "./runner/sequential.js";
export { SharedHeap, ScratchArena, scratchFor } from "./wasm/heap.js";
export { kernelsFor, threadHeap } from "./wasm/load.js";
export { DecisionTreeClassifier, ExtraTreeClassifier } from "./models/tree/decision_tree.js";
export { binFeatures, binnedFeaturesFor, type BinnedFeatures } from "./models/tree/binning.js";
export { applyTree, treeBytes, type FlatTree } from "./models/tree/builder.js";
export { RandomForestClassifier } from "./models/tree/forest.js";
export { GradientBoostingClassifier } from "./models/tree/gradient_boosting.js";
