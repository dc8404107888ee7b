import { DEMOS, demoOf } from "../../demo/demos.ts";
import { AMNESIAC_DEMO_PROFILE, AMNESIAC_DEMO_WORKSPACE } from "../../demo/amnesiacDemo.ts";
import { RIDGE_DEMO_PROFILE, RIDGE_DEMO_WORKSPACE } from "../../demo/ridgeDemo.ts";
import { SISA_DEMO_PROFILE, SISA_DEMO_REQUEST_ID, SISA_DEMO_WORKSPACE } from "../../demo/sisaDemo.ts";
import { parseCommandArgs, progress, UsageError, type Command } from "../command.ts";

export const demoCommand: Command = {
  name: "demo",
  summary: "an unlearning method end to end on MNIST (SISA by default, --method ridge|amnesiac): train with proofs, forget, verify",
  help: `Usage: zkforget demo [--method sisa|ridge|amnesiac] [--workspace DIR] [--prove-accuracy]

--method sisa (the default): SISA unlearning on the embedded MNIST sample.

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

--method ridge: ridge unlearning by model shift (${RIDGE_DEMO_PROFILE} and its companions) on
the first 1,024 digits of data/mnist10-train.csv (all 10 digits, 32 pooled features) with
data/mnist10-test.csv (512) as the committed test set, λ = 1: proves the genesis (16 batches
of 64 slots, then the genesis over them), deletes one data subject's 3 records by model
shift, forgets the digit 7 in one proof, measures the test accuracy after each step (the
controller's fixed-point model: measured, not proved), verifies the whole audit chain with
the standalone verifier and prints a report. The ridge dev verification keys are not shipped
in keys/: the demo publishes them in DIR/keys (pass --keys DIR/keys to the follow-ups). The
first run compiles the 32-feature circuits and builds their dev keys (many minutes; see the
README for the measured time).

--method amnesiac: amnesiac unlearning (${AMNESIAC_DEMO_PROFILE} and its training companion)
on the embedded sample (256 committed digits, 256 committed test digits): proves the whole
mini-batch training (64 steps of 16 slots, 2 per proof, each logging its updates), unlearns
one data subject's 3 records by subtracting the logged updates of every step whose batch held
them (one proof; APPROXIMATE, and every verdict says so), proves one repair step on the
remaining records of each touched batch, measures the test accuracy and the gap to an exact
retraining without the records after each (measured, not proved), verifies the whole audit
chain and prints a report. Its dev keys are published in DIR/keys.

Options:
  --method NAME     the method to demonstrate: ${Object.keys(DEMOS).join(", ")} (default sisa)
  --workspace DIR   the workspace to run in (default ./${SISA_DEMO_WORKSPACE}, ridge ./${RIDGE_DEMO_WORKSPACE},
                    amnesiac ./${AMNESIAC_DEMO_WORKSPACE}); replaced if it exists
  --prove-accuracy  SISA only: also prove the final ensemble's accuracy on the 256 committed test
                    records and append it to the ledger (accuracy-s3-f16-t8, about 294k
                    constraints, a 2^19 domain; its verification key ships in keys/, and a
                    first run builds its proving key, a few minutes)

Exit codes: 0 the audit chain and every bundle verify, 1 otherwise.`,
  async run(argv) {
    const { values } = parseCommandArgs(argv, { method: { type: "string" }, workspace: { type: "string" }, "prove-accuracy": { type: "boolean" } }, false);
    let demo;
    try {
      demo = demoOf(values.method ?? "sisa");
    } catch (error) {
      throw new UsageError((error as Error).message);
    }
    const { text, valid } = await demo.run(values.workspace ?? demo.defaultWorkspace, progress(), { proveAccuracy: values["prove-accuracy"] === true });
    process.stdout.write(`${text}\n`);
    return valid ? 0 : 1;
  },
};
