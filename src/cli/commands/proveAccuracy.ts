import { join } from "node:path";
import { writeFileAtomically } from "../../fsAtomic.ts";
import { proveAccuracy } from "../../prover/accuracy.ts";
import { releaseCurve } from "../../snarkjsThreads.ts";
import { describeStatement } from "../../verifier/statements.ts";
import { withWorkspaceLock } from "../../workspace/lock.ts";
import { DEFAULT_WORKSPACE, openSisaWorkspace, workspacePaths } from "../../workspace/workspace.ts";
import { parseCommandArgs, progress, type Command } from "../command.ts";
import { waitingForLock } from "./lockMessage.ts";

export const proveAccuracyCommand: Command = {
  name: "prove-accuracy",
  summary: "SISA: prove the current ensemble's accuracy on the committed held-out test set",
  help: `Usage: zkforget prove-accuracy [--workspace DIR] [--profile P] [--out FILE] [--seed SEED] [--json]

For a SISA workspace committed with a test set (zkforget commit --test / --test-split):
proves how many of the held-out test records the current ensemble classifies correctly
(class 1 iff the sum of the trained shards' logits is >= 0), for the workspace's current
state. The state's config hash pins the test set, so the proof cannot be made on another one.
Writes the proof bundle to FILE and prints its path; \`zkforget verify FILE\` checks it.

Limits: test features in [-2, 2) and the ensemble's mean weights in [-2, 2) (the circuit's
bounds); anything else is refused with the record or weight named.

Options:
  --workspace DIR   default ./${DEFAULT_WORKSPACE}
  --profile P       ModelAccuracy profile (default: the one for the workspace's shards,
                    features and test-set depth, e.g. accuracy-s3-f16-t8)
  --out FILE        where the bundle goes (default <workspace>/accuracy-<state>.json)
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
      // Held while proving so that no forget or train moves the state the proof names.
      const { result, out } = await withWorkspaceLock(workspacePaths(dir).lock, async () => {
        const ws = await openSisaWorkspace(dir);
        if (ws.testSet === undefined) {
          throw new Error(`${dir} has no committed test set: commit the dataset with --test FILE or --test-split N (before training) to prove accuracy`);
        }
        log(`proving accuracy on ${ws.testSet.size} committed test records…`);
        const result = await proveAccuracy(ws.system, ws.testSet, {
          onProgress: log,
          ...(values.profile !== undefined ? { profile: values.profile } : {}),
          ...(values.seed !== undefined ? { seed: values.seed } : {}),
        });
        const out = values.out ?? join(dir, `accuracy-${result.bundle.statement.state.slice(2, 18)}.json`);
        await writeFileAtomically(out, `${JSON.stringify(result.bundle, null, 1)}\n`);
        return { result, out };
      }, { onWait: waitingForLock(dir) });
      log(`${describeStatement(result.bundle.statement)}; proved in ${result.proveSeconds.toFixed(1)} s`);
      process.stdout.write(values.json
        ? `${JSON.stringify({ bundle: out, correct: result.correct, total: result.total, proveSeconds: result.proveSeconds })}\n`
        : `${out}\n`);
      return 0;
    } finally {
      await releaseCurve();
    }
  },
};
