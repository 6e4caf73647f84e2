/**
 * Errors that describe a problem with the user's input (a file, a parameter, a
 * classifier name). The CLI prints their message alone, without a stack trace.
 */
export class FmbenchError extends Error {
  override name = "FmbenchError";
}

/** A malformed, truncated or corrupt IDX file (raw or gzipped). */
export class IdxFormatError extends FmbenchError {
  override name = "IdxFormatError";
  constructor(readonly file: string, readonly problem: string) {
    super(`${file}: ${problem}`);
  }
}

/** A file whose checksum does not match the registry's. */
export class ChecksumError extends FmbenchError {
  override name = "ChecksumError";
  constructor(readonly file: string, readonly algorithm: string, readonly expected: string, readonly actual: string) {
    super(`${file}: ${algorithm} checksum mismatch (expected ${expected}, got ${actual})`);
  }
}

/** A dataset that cannot be resolved, found or downloaded. */
export class DatasetError extends FmbenchError {
  override name = "DatasetError";
}

/** An unknown parameter name or an invalid parameter value for an estimator. */
export class ParamError extends FmbenchError {
  override name = "ParamError";
  constructor(readonly estimator: string, readonly param: string, message: string) {
    super(message);
  }
}

/** An unknown classifier name. */
export class UnknownClassifierError extends FmbenchError {
  override name = "UnknownClassifierError";
}

/** A grid file that is not in the upstream format. */
export class GridError extends FmbenchError {
  override name = "GridError";
}

/** predict/score called before fit. */
export class NotFittedError extends FmbenchError {
  override name = "NotFittedError";
  constructor(estimator: string) {
    super(`This ${estimator} instance is not fitted yet. Call 'fit' with appropriate arguments before using this estimator.`);
  }
}

/** Input arrays whose shapes do not fit together. */
export class ShapeError extends FmbenchError {
  override name = "ShapeError";
}

/** Input values an estimator cannot take: NaN or infinity in X. */
export class NonFiniteError extends FmbenchError {
  override name = "NonFiniteError";
}

/** An error as one line for a result file: "Name: message", or the message alone for a plain Error. */
export function errorText(err: unknown): string {
  if (err instanceof Error) return err.name && err.name !== "Error" ? `${err.name}: ${err.message}` : err.message;
  return String(err);
}
