// fmbench's typed library API.
export * from "./errors.js";
export { matrix, sliceRows, type Matrix, type PixelMatrix } from "./core/matrix.js";
export { readIdx, readLabelledImages, type IdxArray, type LabelledImages } from "./data/idx.js";
export {
  DATASETS, FASHION_CLASS_NAMES, STANDARD_NAMES, defaultCacheDir, loadDataset, loadResolvedDataset, resolveDataset,
  type LoadedDataset, type NamedDataset, type ResolvedDataset, type ResolveOptions,
} from "./data/registry.js";
export { downloadVerified, type RemoteFile } from "./data/download.js";
export {
  IdentityScaler, MinMaxScaler, StandardScaler, createScaler, PREPROCESS_NAMES, type MinMaxScalerParams, type PreprocessName, type Scaler,
  type StandardScalerParams,
} from "./data/scalers.js";
export type { Evaluation, PreparedData } from "./data/prepared.js";
export { prepareData, prepareDataInParallel, type PrepareOptions } from "./pipeline/prepare.js";
export { AUGMENTATIONS, mirrorImages, type Augmentation } from "./data/augment.js";
export { BaseClassifier, accuracy, encodeLabels, type Classifier } from "./models/estimator.js";
export {
  resolveParams, type Constraint, type ConstraintValue, type DefaultsConform, type ParamSpec, type ParamSpecs, type ParamValue,
  type ParamValueOf, type Params, type ParamsOf, type ResolvedParamsOf,
} from "./params.js";
export { GaussianNB, type GaussianNBParams } from "./models/naive_bayes.js";
export { KNeighborsClassifier, type KNeighborsClassifierParams, type KNeighborsResult } from "./models/neighbors.js";
export { MlKnnNeighbors } from "./models/mljs/knn.js";
export {
  kNearest, kNearestReference, manhattanDistances, manhattanDistancesReference, sqNorms, sqeuclideanDistances,
  sqeuclideanDistancesReference, type DistanceMetric, type KNearestOptions,
} from "./kernels/distance.js";
export type { Neighbors } from "./kernels/neighbors_layout.js";
export { DEFAULT_SVC_CACHE_MB, SVC, resolveGamma, type SVCParams } from "./models/svm.js";
export { MljsSVC, type MljsSVCParams } from "./models/mljs/svm.js";
export { MLPClassifier, type MLPClassifierParams } from "./models/mlp.js";
export { GaussianProcessClassifier, type GaussianProcessClassifierParams } from "./models/gaussian_process.js";
export {
  adamStep, adamStepReference, gemm, gemmReference, gemmWorkFloats, l2Grad, l2GradReference, tanhF32, tanhF32Reference, biasAct, biasActReference,
  biasGrad, biasGradReference,
} from "./kernels/gemm.js";
export {
  KERNEL_CODES, kernelBlock, kernelBlockReference, kernelFromDot, qRow, qRowReference,
  type KernelName, type KernelSpec,
} from "./kernels/svm.js";
export { expandGrid, parseGrid, readGridFile, type GridConfig, type GridFile } from "./grid/grid.js";
export { GRID_PRESETS, loadGrid } from "./grid/presets.js";
export { createEstimator, estimatorEntry, registeredEstimators, type EstimatorEntry } from "./grid/registry.js";
export { appendResult, readResults, type ResultLine, type ResultStatus } from "./runner/results.js";
export { SharedHeap, ScratchArena, scratchFor } from "./wasm/heap.js";
export { kernelsFor, setDefaultHeapRenewal, threadHeap, withHeap } from "./wasm/load.js";
export { runGrid, type RunEvent, type RunGridOptions, type RunSummary } from "./runner/run.js";
export { GridPool, TaskAbortedError, type GridPoolOptions } from "./runner/pool.js";
export { FitHelpers, type FitHelpersOptions } from "./runner/fit_helpers.js";
export { readPredictions } from "./runner/predictions.js";
export {
  definePieces, f32At, f64At, heapRef, i32At, runPieces, takePieceStats, u8At,
  type HeapRef, type PieceKind, type PieceStats, type RunPiecesOptions,
} from "./parallel/pieces.js";
export { configKey, latestLines, repairTornTail } from "./runner/resume.js";
export { Random } from "./random.js";
export { gridFingerprint, parseShard, shardConfigs, type ShardSpec } from "./runner/shard.js";
export { mergeResults, type MergeSummary } from "./runner/merge.js";
export { manifestFor, type RunManifest } from "./runner/manifest.js";
export {
  classificationReport, classificationReportFromConfusion, classificationReportText, confusionMatrix, confusionRows,
  populationStd, precisionRecallFscoreSupport, prfFromConfusion, pyFixed, repeatSummary, resultMetrics,
  type ClassificationReport, type PrfSupport, type RepeatSummary, type ReportRow, type ResultMetrics,
} from "./metrics/classification.js";
export {
  REPORT_FILES, REPORT_FORMATS, applyComparison, buildMatrix, loadMatrix, loadReference, publishedReference, renderReport,
  runReport, sameConfiguration, writeReports,
  type FamilySummary, type MatrixRow, type Reference, type ReportFormat, type ReportOptions, type ResultMatrix,
} from "./report/index.js";
export {
  HOG_BLOCK_NORMS, HOG_DEFAULTS, SPLITS, datasetHogFeatures, hogFeatureCount, writeDatasetHogNpy, hogFeatures, resolveHogParams,
  type HogBlockNorm, type HogPair, type HogParams, type ImageBatch, type Split,
} from "./features/hog.js";
export { NpyWriter, npyBytes, npyHeader, writeNpy } from "./features/npy.js";
export { featureName, featureParts, parseFeatureSpec, RAW, type FeatureSpec, type HogSpec, type RawSpec, type UnionSpec } from "./features/spec.js";
export { extractFeatures, extractFeaturesInParallel, registerFeatureExtractor, type FeatureExtractor } from "./features/extract.js";
export { FeatureCache } from "./features/cache.js";
export { hogShape, hogU8, hogU8Reference, type HogLayout } from "./kernels/hog.js";
export { LinearClassifierBase } from "./models/linear/common.js";
export { SGDClassifier, type SGDClassifierParams } from "./models/linear/sgd.js";
export { Perceptron, type PerceptronParams } from "./models/linear/perceptron.js";
export { PassiveAggressiveClassifier, type PassiveAggressiveClassifierParams } from "./models/linear/passive_aggressive.js";
export { LogisticRegression, type LogisticRegressionParams } from "./models/linear/logistic.js";
export { LinearSVC, type LinearSVCParams } from "./models/linear/linear_svc.js";
export {
  DecisionTreeClassifier, ExtraTreeClassifier, type DecisionTreeClassifierParams, type ExtraTreeClassifierParams,
} from "./models/tree/decision_tree.js";
export { binFeatures, binnedFeaturesFor, type BinnedFeatures } from "./models/tree/binning.js";
export { applyTree, treeBytes, type FlatTree } from "./models/tree/builder.js";
export { forestChunks, RandomForestClassifier, type RandomForestClassifierParams } from "./models/tree/forest.js";
export { GradientBoostingClassifier, type GradientBoostingClassifierParams } from "./models/tree/gradient_boosting.js";
