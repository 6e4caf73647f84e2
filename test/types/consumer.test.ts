import { mkdtempSync, rmSync, writeFileSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { fileURLToPath } from "node:url";
import ts from "typescript";
import { afterAll, expect, it } from "vitest";

// A TypeScript user of the package need not install @types/node: the shipped
// declarations (dist/*.d.ts, built by `npm run build:ts`) must compile without it.
const entry = fileURLToPath(new URL("../../dist/index.js", import.meta.url));
const dir = mkdtempSync(join(tmpdir(), "fmbench-consumer-"));
afterAll(() => rmSync(dir, { recursive: true, force: true }));

it("compiles a strict consumer of the shipped declarations without Node's types", () => {
  const file = join(dir, "consumer.ts");
  writeFileSync(file, `
    import { FitHelpers, loadDataset, prepareData, runGrid, SVC, withHeap, type Matrix } from ${JSON.stringify(entry)};
    export async function main(): Promise<number> {
      const data = prepareData(await loadDataset("fashion"), { trainSize: 100, testSize: 50 });
      const X: Matrix = data.Xtrain;
      const helpers = await FitHelpers.start({ threads: 1 });
      const score = withHeap(() => new SVC({ C: 1 }).fit(X, data.ytrain).score(data.Xtest, data.ytest));
      await helpers.close();
      return typeof runGrid === "function" ? score : 0;
    }
  `);
  const options: ts.CompilerOptions = {
    strict: true, noEmit: true, skipLibCheck: false, types: [],
    module: ts.ModuleKind.NodeNext, moduleResolution: ts.ModuleResolutionKind.NodeNext, target: ts.ScriptTarget.ES2022,
  };
  const program = ts.createProgram({ rootNames: [file], options });
  const messages = ts.getPreEmitDiagnostics(program).map((d) =>
    `${d.file ? `${d.file.fileName}: ` : ""}${ts.flattenDiagnosticMessageText(d.messageText, "\n")}`);
  expect(messages).toEqual([]);
}, 60_000);
