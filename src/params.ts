import { ParamError } from "./errors.js";

/** A parameter value as it appears in a grid file (tuples are arrays). */
export type ParamValue = number | string | boolean | null | readonly ParamValue[];
export type Params = Readonly<Record<string, ParamValue>>;

/** One allowed form of a parameter, after scikit-learn's `_parameter_constraints`. */
export type Constraint =
  | { readonly kind: "options"; readonly values: readonly (string | number | boolean | null)[] }
  | {
      readonly kind: "interval";
      readonly type: "int" | "real";
      readonly min?: number;
      readonly max?: number;
      /** Which ends are included; default "both". */
      readonly closed?: "left" | "right" | "both" | "neither";
    }
  | { readonly kind: "null" }
  | { readonly kind: "bool" }
  | { readonly kind: "numberArray"; readonly minLength?: number; readonly maxLength?: number }
  | { readonly kind: "intTuple"; readonly min?: number };

export interface ParamSpec {
  readonly default: ParamValue;
  readonly constraints: readonly Constraint[];
}

/**
 * An estimator's parameters, declared once as data: defaults plus constraints. Declare
 * them `as const satisfies ParamSpecs` so that {@link ParamsOf} can read the literal
 * constraints and type the estimator's constructor from the same object that validates it.
 */
export type ParamSpecs = Readonly<Record<string, ParamSpec>>;

/** The TypeScript type of the values one constraint accepts. */
export type ConstraintValue<C extends Constraint> =
  C extends { readonly kind: "options"; readonly values: readonly (infer V)[] } ? V
  : C extends { readonly kind: "interval" } ? number
  : C extends { readonly kind: "null" } ? null
  : C extends { readonly kind: "bool" } ? boolean
  : C extends { readonly kind: "numberArray"; readonly minLength: infer N extends number; readonly maxLength: infer M } ?
    [N] extends [M] ? NumberTuple<N> : readonly number[]
  : C extends { readonly kind: "numberArray" } ? readonly number[]
  : C extends { readonly kind: "intTuple" } ? readonly number[]
  : never;

/** `readonly [number, ...]` of length N; `readonly number[]` when N is not a literal. */
type NumberTuple<N extends number, T extends readonly number[] = readonly []> =
  number extends N ? readonly number[] : T["length"] extends N ? T : NumberTuple<N, readonly [...T, number]>;

/** The type of one parameter: the union of what each of its constraints accepts. */
export type ParamValueOf<S extends ParamSpec> = ConstraintValue<S["constraints"][number]>;

/**
 * The params object an estimator's constructor takes, derived from its declarations:
 * every name optional (absent or `undefined` means the default), no other names, and
 * each value typed by its constraints ("options" give a union of literals, intervals a
 * number). Integer-ness and bounds are checked at run time only.
 */
export type ParamsOf<S extends ParamSpecs> = { readonly [K in keyof S]?: ParamValueOf<S[K]> };

/** Every parameter with its default filled in, as `getParams()` returns them. */
export type ResolvedParamsOf<S extends ParamSpecs> = { readonly [K in keyof S]: ParamValueOf<S[K]> };

/**
 * `true` when every default satisfies its own parameter's type; a type-level test asserts
 * it for each estimator, so a default cannot drift away from its constraints.
 */
export type DefaultsConform<S extends ParamSpecs> =
  { [K in keyof S]: S[K]["default"] extends ParamValueOf<S[K]> ? true : K }[keyof S] extends true ? true : false;

function inInterval(c: Extract<Constraint, { kind: "interval" }>, v: number): boolean {
  if (c.type === "int" && !Number.isInteger(v)) return false;
  const closed = c.closed ?? "both";
  const loOk = c.min === undefined || (closed === "left" || closed === "both" ? v >= c.min : v > c.min);
  const hiOk = c.max === undefined || (closed === "right" || closed === "both" ? v <= c.max : v < c.max);
  return loOk && hiOk;
}

function satisfies(c: Constraint, v: ParamValue): boolean {
  switch (c.kind) {
    case "options": return c.values.includes(v as string | number | boolean | null);
    case "interval": return typeof v === "number" && Number.isFinite(v) && inInterval(c, v);
    case "null": return v === null;
    case "bool": return typeof v === "boolean";
    case "numberArray":
      return Array.isArray(v) && v.length >= (c.minLength ?? 0) && v.length <= (c.maxLength ?? Infinity)
        && v.every((x) => typeof x === "number" && Number.isFinite(x));
    case "intTuple":
      return Array.isArray(v) && v.every((x) => typeof x === "number" && Number.isInteger(x) && x >= (c.min ?? -Infinity));
  }
}

function describe(c: Constraint): string {
  switch (c.kind) {
    case "options": return `one of ${c.values.map((x) => (x === null ? "None" : String(x))).join(", ")}`;
    case "interval": {
      const closed = c.closed ?? "both";
      const lo = c.min === undefined ? "(-inf" : `${closed === "left" || closed === "both" ? "[" : "("}${c.min}`;
      const hi = c.max === undefined ? "inf)" : `${c.max}${closed === "right" || closed === "both" ? "]" : ")"}`;
      return `${c.type === "int" ? "an int" : "a float"} in the range ${lo}, ${hi}`;
    }
    case "null": return "None (null)";
    case "bool": return "a boolean";
    case "numberArray":
      return c.minLength !== undefined && c.minLength === c.maxLength ? `an array of ${c.minLength} numbers` : "an array of numbers";
    case "intTuple": return `a tuple of ints${c.min !== undefined ? ` >= ${c.min}` : ""} such as "(100,)"`;
  }
}

function show(v: ParamValue): string {
  return typeof v === "string" ? `'${v}'` : JSON.stringify(v);
}

/**
 * Merges `given` over the defaults in `specs`, rejecting unknown names and values
 * outside the constraints with a ParamError that names the estimator, the parameter
 * and the allowed values. `given` may be untyped (a grid file's params): this check is
 * what stands behind the static types at run time.
 */
export function resolveParams<S extends ParamSpecs>(
  estimator: string, specs: S, given: ParamsOf<S> | Params = {},
): ResolvedParamsOf<S> {
  const out: Record<string, ParamValue> = {};
  for (const [name, spec] of Object.entries(specs)) out[name] = spec.default;
  for (const [name, value] of Object.entries(given as Params)) {
    // A typed caller may spread an options object with holes; undefined means "not given".
    if (value === undefined) continue;
    const spec = specs[name];
    if (!spec) {
      throw new ParamError(
        estimator, name,
        `${estimator}: unknown parameter '${name}'; valid parameters are ${Object.keys(specs).sort().join(", ")}`,
      );
    }
    if (!spec.constraints.some((c) => satisfies(c, value))) {
      const allowed = spec.constraints.map(describe);
      throw new ParamError(
        estimator, name,
        `${estimator}: parameter '${name}' must be ${allowed.join(" or ")}; got ${show(value)}`,
      );
    }
    out[name] = value;
  }
  return out as ResolvedParamsOf<S>;
}
