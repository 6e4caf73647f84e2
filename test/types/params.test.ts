import { readFileSync } from "node:fs";
import { fileURLToPath } from "node:url";
import ts from "typescript";
import { describe, expect, it } from "vitest";
import { ParamError } from "../../src/errors.js";
import { createEstimator } from "../../src/grid/registry.js";
import { SVC } from "../../src/models/svm.js";

// Type-checks test/types/params.ts with the project's TypeScript, as `tsc -p test/types` would.
const CONFIG = fileURLToPath(new URL("./tsconfig.json", import.meta.url));
const FILE = fileURLToPath(new URL("./params.ts", import.meta.url));
const DIRECTIVE = "// @ts-expect-error";

function compilerOptions(): ts.CompilerOptions {
  const parsed = ts.getParsedCommandLineOfConfigFile(CONFIG, {}, {
    ...ts.sys,
    onUnRecoverableConfigFileDiagnostic: (d) => {
      throw new Error(ts.flattenDiagnosticMessageText(d.messageText, "\n"));
    },
  });
  if (!parsed) throw new Error(`cannot read ${CONFIG}`);
  return parsed.options;
}

/** Diagnostics of params.ts compiled from `text`, as [0-based line, message]. */
function diagnostics(options: ts.CompilerOptions, text: string, oldProgram?: ts.Program): { program: ts.Program; found: [number, string][] } {
  const host = ts.createCompilerHost(options);
  const getSourceFile = host.getSourceFile.bind(host);
  host.getSourceFile = (name, lang, onError, fresh) =>
    name === FILE.replaceAll("\\", "/") || name === FILE ? ts.createSourceFile(name, text, lang) : getSourceFile(name, lang, onError, fresh);
  const program = ts.createProgram({ rootNames: [FILE], options, host, oldProgram });
  const source = program.getSourceFile(FILE)!;
  const all = [...program.getOptionsDiagnostics(), ...program.getSyntacticDiagnostics(source), ...program.getSemanticDiagnostics(source)];
  const found = all.map((d): [number, string] => [
    d.file && d.start !== undefined ? d.file.getLineAndCharacterOfPosition(d.start).line : -1,
    ts.flattenDiagnosticMessageText(d.messageText, "\n"),
  ]);
  return { program, found };
}

describe("typed estimator params (test/types/params.ts)", () => {
  const text = readFileSync(FILE, "utf8");
  const options = compilerOptions();
  let first: ts.Program | undefined;

  it("compiles: correct params are accepted and every @ts-expect-error line is an error", () => {
    const { program, found } = diagnostics(options, text);
    first = program;
    expect(found).toEqual([]);
  });

  it("fails each @ts-expect-error line for the reason it states, and nowhere else", () => {
    const lines = text.split("\n");
    const expected = new Map<number, string>();
    lines.forEach((line, i) => {
      const at = line.indexOf(DIRECTIVE);
      if (at >= 0) expected.set(i + 1, line.slice(at + DIRECTIVE.length).trim());
    });
    expect(expected.size).toBeGreaterThanOrEqual(10);
    const stripped = lines.map((line) => line.replace(DIRECTIVE, "// (expected error)")).join("\n");
    const { found } = diagnostics(options, stripped, first);
    for (const [line, reason] of expected) {
      const here = found.filter(([l]) => l === line).map(([, m]) => m);
      expect(reason, `line ${line + 1} states no reason`).not.toBe("");
      expect(here.some((m) => m.includes(reason)), `line ${line + 1}: expected "${reason}", got ${JSON.stringify(here)}`).toBe(true);
    }
    const elsewhere = found.filter(([l]) => !expected.has(l));
    expect(elsewhere).toEqual([]);
  });
});

describe("untyped params (the grid path) are checked at run time", () => {
  it("rejects what the types reject, naming the parameter", () => {
    expect(() => createEstimator("SVC", { kernell: "rbf" })).toThrow(ParamError);
    expect(() => createEstimator("SVC", { kernell: "rbf" })).toThrow(/unknown parameter 'kernell'/);
    expect(() => createEstimator("SVC", { kernel: "rbff" })).toThrow(/parameter 'kernel' must be one of linear, poly, rbf, sigmoid; got 'rbff'/);
  });

  it("treats an undefined value as the default", () => {
    expect(new SVC({ kernel: undefined, C: 2 }).getParams()).toMatchObject({ kernel: "rbf", C: 2 });
  });
});
