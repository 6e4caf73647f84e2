// fmbench's built CLI with FailureProbe in the workers of `run`, for tests that run the CLI.
import { main } from "../../../dist/cli.js";

const code = await main(process.argv, { workerModules: [new URL("./worker.mjs", import.meta.url).href] });
if (code !== 0 || process.exitCode === undefined) process.exitCode = code;
