import { readFileSync } from "node:fs";
import { describe, expect, it } from "vitest";
import { parseAllDocuments } from "yaml";
import { buildProgram } from "../src/cli.js";

// The deploy files cannot run here (no cluster); what can be checked is that they agree
// with each other and with the CLI.
const read = (path: string) => readFileSync(new URL(`../${path}`, import.meta.url), "utf8");
const docs = (path: string) => parseAllDocuments(read(path)).map((d) => {
  expect(d.errors).toEqual([]);
  return d.toJS();
});

/** Parses `args` as the CLI would (without running anything): throws on an unknown option. */
function parses(args: string[]): Record<string, unknown> {
  const program = buildProgram().exitOverride();
  const [name, ...rest] = args;
  const command = program.commands.find((c) => c.name() === name)!;
  command.exitOverride().action(() => {});
  command.parse(rest.map((a) => a.replace("$(CPU_REQUEST)", "4")), { from: "user" });
  return command.opts();
}

describe("deploy/", () => {
  it("the Kubernetes Job: --shards equals completions, workers follow the CPU request, --out is the volume's mount", () => {
    const [job, claim] = docs("deploy/k8s-indexed-job.yaml");
    const spec = job.spec;
    const container = spec.template.spec.containers[0];
    const args: string[] = container.args;
    const opts = parses(args);
    expect(opts.shards).toBe(spec.completions);
    expect(args[args.indexOf("--workers") + 1]).toBe("$(CPU_REQUEST)");
    expect(container.env.find((e: { name: string }) => e.name === "CPU_REQUEST").valueFrom.resourceFieldRef).toMatchObject({ resource: "requests.cpu", divisor: "1" });
    expect(container.volumeMounts[0].mountPath).toBe(opts.out);
    expect(spec.template.spec.volumes[0].persistentVolumeClaim.claimName).toBe(claim.metadata.name);
  });

  it("the merge Job reads the same volume path the shards write", () => {
    const [merge] = docs("deploy/k8s-merge-job.yaml");
    const [job] = docs("deploy/k8s-indexed-job.yaml");
    const container = merge.spec.template.spec.containers[0];
    expect(container.args.slice(0, 2)).toEqual(["merge", parses(job.spec.template.spec.containers[0].args).out]);
    expect(container.volumeMounts[0].mountPath).toBe("/results");
    expect(merge.spec.template.spec.volumes[0].persistentVolumeClaim.claimName).toBe("fmbench-results");
  });

  it("the Slurm scripts take the shard count from the array size only, and merge after the array", () => {
    const array = read("deploy/slurm-array.sh");
    expect(array).toMatch(/--shards "\$SLURM_ARRAY_TASK_COUNT"/);
    expect(array).toMatch(/--workers "\$\{SLURM_CPUS_PER_TASK:-1\}"/);
    expect(array).not.toMatch(/#SBATCH --array/);
    const submit = read("deploy/slurm-submit.sh");
    expect(submit).toMatch(/--array="0-\$\(\(shards - 1\)\)"/);
    expect(submit).toMatch(/--dependency="afterok:/);
    expect(read("deploy/slurm-merge.sh")).toMatch(/dist\/cli\.js merge "\$results" --out "\$results\/merged"/);
  });

  it("the Dockerfile's entry point is the built CLI", () => {
    const docker = read("Dockerfile");
    expect(docker).toMatch(/ENTRYPOINT \["node", "\/opt\/fmbench\/dist\/cli\.js"\]/);
    expect(docker).toMatch(/WORKDIR \/opt\/fmbench/);
  });
});
