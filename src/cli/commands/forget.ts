import { UnknownRecordError } from "../../dataset/commitment.ts";
import { releaseCurve } from "../../snarkjsThreads.ts";
import { forgetInWorkspace } from "../../workspace/forget.ts";
import { DEFAULT_WORKSPACE, workspacePaths } from "../../workspace/workspace.ts";
import { parseCommandArgs, progress, UsageError, type Command } from "../command.ts";
import { collectRecordIds } from "../recordIds.ts";
import { waitingForLock } from "./lockMessage.ts";

export const forgetCommand: Command = {
  name: "forget",
  summary: "answer a deletion request: delete records, prove it (SISA: retrain their shards), append to the ledger",
  help: `Usage: zkforget forget ID... [--ids-file FILE] [--workspace DIR] [--request-id R] [--seed SEED]

Records a deletion request for the named records, then deletes them and proves it in zero
knowledge:
  - deletion workspace: the new dataset root is the old one with exactly those slots emptied;
    at most K deletions per proof, more ids are split into consecutive proofs;
  - SISA workspace: each affected shard is retrained from its initial weights without the
    records (at most K per proof), and the proof covers deletion and training.
Each proof is appended to the ledger as soon as it is made (one transaction with the new
private snapshot), copied to <workspace>/bundles/NNNN-….json, and a deletion receipt is
written per record to receipts/<id>.deletion.json (the workspace's copy of the inclusion
receipt, which holds the deleted record's salt, is removed). The request goes
received → proving → proved, or failed with the error; running again with the same
--request-id and ids resumes an interrupted request. Two runs on one workspace wait for
each other. Prints the bundle paths on stdout.

Options:
  --ids-file FILE   read more ids from FILE, one per line
  --workspace DIR   default ./${DEFAULT_WORKSPACE}
  --request-id R    id of the deletion request (default: req-<UTC time>-<random>)
  --seed SEED       dev-key seed (default: the seed of the committed keys)`,
  async run(argv) {
    const { values, positionals } = parseCommandArgs(argv, {
      "ids-file": { type: "string" },
      workspace: { type: "string" },
      "request-id": { type: "string" },
      seed: { type: "string" },
    });
    const ids = await collectRecordIds(positionals, values["ids-file"]);
    if (ids.length === 0) throw new UsageError("give at least one record id");
    if (values["request-id"] !== undefined && values["request-id"].trim() === "") throw new UsageError("--request-id must not be empty");
    const dir = values.workspace ?? DEFAULT_WORKSPACE;
    const log = progress();
    try {
      const result = await forgetInWorkspace(dir, ids, {
        log,
        onWait: waitingForLock(dir),
        ...(values["request-id"] !== undefined ? { requestId: values["request-id"] } : {}),
        ...(values.seed !== undefined ? { seed: values.seed } : {}),
      });
      log(`request ${result.request.id}: ${result.request.status}, ledger entries ${result.request.entries.join(", ")}`);
      for (const step of result.steps) process.stdout.write(`${step.bundlePath}\n`);
      return 0;
    } catch (error) {
      if (error instanceof UnknownRecordError) throw new UsageError(`${error.message} in ${workspacePaths(dir).ledger}; nothing was recorded`);
      throw error;
    } finally {
      await releaseCurve();
    }
  },
};
