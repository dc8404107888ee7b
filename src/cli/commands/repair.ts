import { releaseCurve } from "../../snarkjsThreads.ts";
import { repairWorkspace } from "../../workspace/repair.ts";
import { DEFAULT_WORKSPACE } from "../../workspace/workspace.ts";
import { parseCommandArgs, progress, type Command } from "../command.ts";
import { waitingForLock } from "./lockMessage.ts";

export const repairCommand: Command = {
  name: "repair",
  summary: "amnesiac: prove one SGD step on the remaining records of each batch an unlearning touched",
  help: `Usage: zkforget repair [--workspace DIR] [--seed SEED]

For an amnesiac workspace (committed with an amnesiac-unlearn-… profile, trained, after an
unlearning): amnesiac unlearning subtracts the logged updates of the steps that used the
deleted records, which leaves the model farther from a retraining than it need be. A repair
step trains it again on what remains: one SGD step on the remaining records of a batch an
unlearning touched, from the current weights, proved under the profile's repair companion
(AmnesiacRepair). Its update is logged in place of the batch's subtracted last-epoch update,
so a later deletion of another record of that batch subtracts the repair too (every logged
update used only its own batch's records). One proof per touched batch not repaired since,
each appended to the ledger and copied to <workspace>/bundles/; prints their paths on stdout.
What a verifier learns: which batch was repaired (the deleted slot indices already imply it).
\`zkforget forget --repair\` runs it after a request.

Refused for other methods and for an untrained model.

Options:
  --workspace DIR   default ./${DEFAULT_WORKSPACE}
  --seed SEED       dev-key seed (default: the seed of the committed keys)`,
  async run(argv) {
    const { values } = parseCommandArgs(argv, { workspace: { type: "string" }, seed: { type: "string" } }, false);
    const dir = values.workspace ?? DEFAULT_WORKSPACE;
    try {
      const steps = await repairWorkspace(dir, { log: progress(), onWait: waitingForLock(dir), ...(values.seed !== undefined ? { seed: values.seed } : {}) });
      for (const s of steps) process.stdout.write(`${s.bundlePath}\n`);
      return 0;
    } finally {
      await releaseCurve();
    }
  },
};
