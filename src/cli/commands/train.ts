import { releaseCurve } from "../../snarkjsThreads.ts";
import { trainWorkspace } from "../../workspace/train.ts";
import { DEFAULT_WORKSPACE } from "../../workspace/workspace.ts";
import { parseCommandArgs, progress, type Command } from "../command.ts";
import { waitingForLock } from "./lockMessage.ts";

export const trainCommand: Command = {
  name: "train",
  summary: "SISA: train every untrained shard with a genesis proof; ridge: prove the genesis batches and the genesis",
  help: `Usage: zkforget train [--workspace DIR] [--seed SEED]

For a SISA workspace (committed with a sisa-… profile): trains each shard that has no model
yet from the committed initial weights over its records, and proves it (one proof per shard,
progress on stderr). Each proof is appended to the ledger as soon as it is made and copied to
<workspace>/bundles/NNNN-genesis-shardK.json; an interrupted run keeps what it proved, and
running again trains the remaining shards. Prints the bundle paths on stdout.

For a ridge workspace (a ridge-deletion-… profile): proves every genesis batch of the
committed dataset (a progress line each; the batches are independent proofs) and then the
genesis over them, under the profile's batch and genesis companions; one ledger entry whose
bundle embeds the batch proofs (bundles/NNNN-genesis.json).

Options:
  --workspace DIR   default ./${DEFAULT_WORKSPACE}
  --seed SEED       dev-key seed (default: the seed of the committed keys)`,
  async run(argv) {
    const { values } = parseCommandArgs(argv, { workspace: { type: "string" }, seed: { type: "string" } }, false);
    const dir = values.workspace ?? DEFAULT_WORKSPACE;
    const log = progress();
    try {
      const trained = await trainWorkspace(dir, {
        log,
        onWait: waitingForLock(dir),
        ...(values.seed !== undefined ? { seed: values.seed } : {}),
      });
      if (trained.length === 0) log("the model is trained already (every training unit has its genesis proof); nothing to do");
      for (const t of trained) process.stdout.write(`${t.bundlePath}\n`);
      return 0;
    } finally {
      await releaseCurve();
    }
  },
};
