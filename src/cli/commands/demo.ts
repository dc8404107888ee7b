import { formatSisaReport, runSisaDemo, SISA_DEMO_PROFILE, SISA_DEMO_REQUEST_ID, SISA_DEMO_WORKSPACE } from "../../demo/sisaDemo.ts";
import { parseCommandArgs, progress, type Command } from "../command.ts";

export const demoCommand: Command = {
  name: "demo",
  summary: "SISA unlearning on the embedded MNIST sample: train 8 shards with proofs, forget a subject, retrain, verify",
  help: `Usage: zkforget demo [--workspace DIR] [--prove-accuracy]

Runs the whole controller flow on the embedded dataset (512 MNIST digits, 0 vs 1, pooled to
16 features) in a workspace, as \`commit\`, \`train\`, \`forget\` and \`prove-accuracy\` would:
commits 256 records in 8 shards of 32 with the other 256 as the committed held-out test set,
trains every shard with a genesis proof, answers deletion request ${SISA_DEMO_REQUEST_ID} for the 3
records of one data subject (their shard is retrained and proved, ${SISA_DEMO_PROFILE}),
writes the evaluation figures, then verifies the ledger's whole audit chain with the
standalone verifier against the keys in keys/ and prints a report, ending with the commands
to run next on the workspace (verify-chain, report, export, requests, receipt check).

DIR is an ordinary workspace afterwards: ledger.sqlite, receipts/ (inclusion and deletion
receipts), bundles/ and evaluation.json. An existing workspace in DIR is REPLACED: its
ledger is kept aside as ledger.<time>.replaced.sqlite, its receipts and bundles are deleted.

Everything runs under the INSECURE dev key. The first run compiles the circuit and builds
the dev key (a few minutes in all); later runs reuse the cache and take about two minutes.

Options:
  --workspace DIR   the workspace to run in (default ./${SISA_DEMO_WORKSPACE}); replaced if it exists
  --prove-accuracy  also prove the final ensemble's accuracy on the 256 committed test
                    records and append it to the ledger (accuracy-s3-f16-t8, about 294k
                    constraints, a 2^19 domain; its verification key ships in keys/, and a
                    first run builds its proving key, a few minutes)

Exit codes: 0 the audit chain and every bundle verify, 1 otherwise.`,
  async run(argv) {
    const { values } = parseCommandArgs(argv, { workspace: { type: "string" }, "prove-accuracy": { type: "boolean" } }, false);
    const report = await runSisaDemo(values.workspace ?? SISA_DEMO_WORKSPACE, progress(), { proveAccuracy: values["prove-accuracy"] === true });
    process.stdout.write(`${formatSisaReport(report)}\n`);
    return report.allValid ? 0 : 1;
  },
};
