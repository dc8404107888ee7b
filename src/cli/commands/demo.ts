import { formatSisaReport, runSisaDemo, SISA_DEMO_PROFILE } from "../../demo/sisaDemo.ts";
import { parseCommandArgs, progress, type Command } from "../command.ts";

export const demoCommand: Command = {
  name: "demo",
  summary: "SISA unlearning on the embedded MNIST sample: train 8 shards with proofs, forget a subject, retrain, verify",
  help: `Usage: zkforget demo [--workspace DIR] [--prove-accuracy]

Runs the whole flow on the embedded dataset (512 MNIST digits, 0 vs 1, pooled to 16
features): commits 256 records in 8 shards of 32 (the other 256 are the held-out test set),
trains every shard with a genesis proof, deletes the 3 records of one data subject,
retrains their shard and proves it (${SISA_DEMO_PROFILE}), then verifies every bundle with
the standalone verifier against the keys in keys/ and prints a report.

Everything runs under the INSECURE dev key. The first run compiles the circuit and builds
the dev key (several minutes); later runs reuse the cache and take about two minutes.

Options:
  --workspace DIR   where the bundles go (default ./zkforget-demo)
  --prove-accuracy  also prove the final ensemble's accuracy on the 256 committed test
                    records (accuracy-s3-f16-t8, about 294k constraints; its first dev-key
                    setup needs a 2^19 powers of tau and takes much longer than the demo)`,
  async run(argv) {
    const { values } = parseCommandArgs(argv, { workspace: { type: "string" }, "prove-accuracy": { type: "boolean" } }, false);
    const report = await runSisaDemo(values.workspace ?? "zkforget-demo", progress(), { proveAccuracy: values["prove-accuracy"] === true });
    process.stdout.write(`${formatSisaReport(report)}\n`);
    return report.allValid && report.chainContinuous ? 0 : 1;
  },
};
