import { releaseCurve } from "../../snarkjsThreads.ts";
import { forgetClassInWorkspace } from "../../workspace/forgetClass.ts";
import { DEFAULT_WORKSPACE } from "../../workspace/workspace.ts";
import { parseCommandArgs, progress, UsageError, type Command } from "../command.ts";
import { waitingForLock } from "./lockMessage.ts";

export const forgetClassCommand: Command = {
  name: "forget-class",
  summary: "ridge: forget every record of one class from the model in one proof, appended to the ledger",
  help: `Usage: zkforget forget-class CLASS [--workspace DIR] [--seed SEED]

For a workspace whose method keeps per-class statistics (ridge, committed with a ridge-deletion-…
profile and trained): proves in one proof, whatever the class size, that class CLASS (an
integer label 0 … C−1) is removed from the committed statistics, that every other class is
unchanged, and that the new model solves the remaining statistics and never predicts CLASS.
The class's records stay in the data tree (this is model-level unlearning; \`zkforget forget\`
can still empty their slots). The proof is appended to the ledger and copied to
<workspace>/bundles/NNNN-retrain-classC.json; prints its path on stdout. What a verifier learns:
which class was forgotten (it is a public signal), nothing about which records had it.

Refused for other methods (dataset deletion, SISA), for an untrained model, and for a class
that is not one of the model's or is already forgotten.

Options:
  --workspace DIR   default ./${DEFAULT_WORKSPACE}
  --seed SEED       dev-key seed (default: the seed of the committed keys)`,
  async run(argv) {
    const { values, positionals } = parseCommandArgs(argv, { workspace: { type: "string" }, seed: { type: "string" } });
    if (positionals.length !== 1 || !/^[0-9]+$/.test(positionals[0]!)) throw new UsageError("give exactly one CLASS, a non-negative integer label");
    const dir = values.workspace ?? DEFAULT_WORKSPACE;
    try {
      const steps = await forgetClassInWorkspace(dir, Number(positionals[0]), {
        log: progress(),
        onWait: waitingForLock(dir),
        ...(values.seed !== undefined ? { seed: values.seed } : {}),
      });
      for (const s of steps) process.stdout.write(`${s.bundlePath}\n`);
      return 0;
    } finally {
      await releaseCurve();
    }
  },
};
