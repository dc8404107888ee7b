import { writeFileAtomically } from "../../fsAtomic.ts";
import { releaseCurve } from "../../snarkjsThreads.ts";
import { describeStatement } from "../../verifier/statements.ts";
import { proveWorkspaceAccuracy } from "../../workspace/proveAccuracy.ts";
import { DEFAULT_WORKSPACE } from "../../workspace/workspace.ts";
import { parseCommandArgs, progress, type Command } from "../command.ts";
import { waitingForLock } from "./lockMessage.ts";

export const proveAccuracyCommand: Command = {
  name: "prove-accuracy",
  summary: "SISA, ridge: prove the current model's accuracy on the committed held-out test set",
  help: `Usage: zkforget prove-accuracy [--workspace DIR] [--profile P] [--out FILE] [--seed SEED] [--json]

For a SISA workspace committed with a test set (zkforget commit --test / --test-split):
proves how many of the held-out test records the current ensemble classifies correctly
(class 1 iff the sum of the trained shards' logits is >= 0), for the workspace's current
state. The state's config hash pins the test set, so the proof cannot be made on another one.
The proof is appended to the ledger as an "accuracy" entry (it attests the current state
and does not move it), so export, verify-chain and report carry it; the bundle is written to
<workspace>/bundles/NNNN-accuracy.json and its path printed; \`zkforget verify FILE\` checks it.

For a ridge workspace (committed with --test): proves how many test records the ridge model
classifies correctly (argmax over the classes not forgotten), under the profile's accuracy
companion (e.g. ridge-accuracy-d4-f2-c3-t3).

Limits: test features in [-2, 2) and the ensemble's mean weights in [-2, 2) (the circuit's
bounds); anything else is refused with the record or weight named.

Options:
  --workspace DIR   default ./${DEFAULT_WORKSPACE}
  --profile P       ModelAccuracy profile (default: the one for the workspace's shards,
                    features and test-set depth, e.g. accuracy-s3-f16-t8)
  --out FILE        also write a copy of the bundle to FILE
  --seed SEED       dev-key seed (default: the seed of the committed keys)
  --json            print {"bundle", "correct", "total", "proveSeconds"} instead of the path`,
  async run(argv) {
    const { values } = parseCommandArgs(argv, {
      workspace: { type: "string" },
      profile: { type: "string" },
      out: { type: "string" },
      seed: { type: "string" },
      json: { type: "boolean" },
    }, false);
    const dir = values.workspace ?? DEFAULT_WORKSPACE;
    const log = progress();
    try {
      const result = await proveWorkspaceAccuracy(dir, {
        onProgress: log,
        onWait: waitingForLock(dir),
        ...(values.profile !== undefined ? { profile: values.profile } : {}),
        ...(values.seed !== undefined ? { seed: values.seed } : {}),
      });
      if (values.out !== undefined) await writeFileAtomically(values.out, `${JSON.stringify(result.bundle, null, 1)}\n`);
      const out = values.out ?? result.bundlePath;
      log(`${describeStatement(result.bundle.statement)}; proved in ${result.proveSeconds.toFixed(1)} s → ledger entry ${result.entry.seq}`);
      process.stdout.write(values.json
        ? `${JSON.stringify({ bundle: out, entry: result.entry.seq, correct: result.correct, total: result.total, proveSeconds: result.proveSeconds })}\n`
        : `${out}\n`);
      return 0;
    } finally {
      await releaseCurve();
    }
  },
};
