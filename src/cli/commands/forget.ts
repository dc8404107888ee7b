import { UnknownRecordError } from "../../dataset/commitment.ts";
import { releaseCurve } from "../../snarkjsThreads.ts";
import { getPoseidon } from "../../crypto/poseidon.ts";
import { liveRecordIdsMatching } from "../../workspace/findRecord.ts";
import { forgetInWorkspace } from "../../workspace/forget.ts";
import { repairWorkspace } from "../../workspace/repair.ts";
import { DEFAULT_WORKSPACE, openLedger, restoreState, workspacePaths } from "../../workspace/workspace.ts";
import type { SubjectRecord } from "../../verifier/subjectRecord.ts";
import { readRecordArg } from "../recordArg.ts";
import { parseCommandArgs, progress, UsageError, type Command } from "../command.ts";
import { collectRecordIds } from "../recordIds.ts";
import { waitingForLock } from "./lockMessage.ts";

export const forgetCommand: Command = {
  name: "forget",
  summary: "answer a deletion request: delete records, prove it (SISA: retrain their shards), append to the ledger",
  help: `Usage: zkforget forget ID... [--ids-file FILE] [--record JSON]... [--workspace DIR] [--request-id R] [--repair] [--seed SEED]

Records a deletion request for the named records, then deletes them and proves it in zero
knowledge:
  - deletion workspace: the new dataset root is the old one with exactly those slots emptied;
    at most K deletions per proof, more ids are split into consecutive proofs;
  - SISA workspace: each affected shard is retrained from its initial weights without the
    records (at most K per proof), and the proof covers deletion and training;
  - ridge workspace: the model is shifted to the ridge solution without the records;
  - amnesiac workspace: the logged updates of every training step whose batch held a record
    are subtracted (approximate unlearning, and every verdict says so); with --repair, one
    proved SGD step on the remaining records of each touched batch follows (\`zkforget repair\`).
Each proof is appended to the ledger as soon as it is made (one transaction with the new
private snapshot), copied to <workspace>/bundles/NNNN-….json, and a deletion receipt is
written per record to receipts/<id>.deletion.json (the workspace's copy of the inclusion
receipt, which holds the deleted record's salt, is removed). The request goes
received → proving → proved, or failed with the error; running again with the same
--request-id and ids resumes an interrupted request. Two runs on one workspace wait for
each other. Prints the bundle paths on stdout.

Options:
  --ids-file FILE   read more ids from FILE, one per line
  --record JSON     a record to delete by its content, as the data subject has it (repeatable):
                    {"features": [x, …], "label": y} with the RAW values of their row of the
                    data file, in its column order (a --scale workspace scales them as the
                    commit did), or a corpus document {"text": "…"}; inline or as a file. It
                    must match exactly one live record
  --workspace DIR   default ./${DEFAULT_WORKSPACE}
  --request-id R    id of the deletion request (default: req-<UTC time>-<random>)
  --repair          amnesiac: after the request is proved, prove the repair steps (zkforget repair)
  --seed SEED       dev-key seed (default: the seed of the committed keys)`,
  async run(argv) {
    const { values, positionals } = parseCommandArgs(argv, {
      "ids-file": { type: "string" },
      workspace: { type: "string" },
      "request-id": { type: "string" },
      seed: { type: "string" },
      record: { type: "string", multiple: true },
      repair: { type: "boolean" },
    });
    const ids = await collectRecordIds(positionals, values["ids-file"]);
    const dir = values.workspace ?? DEFAULT_WORKSPACE;
    const records = await Promise.all((values.record ?? []).map(readRecordArg));
    if (records.length > 0) ids.push(...(await idsOfRecords(dir, records, values.record!)));
    if (ids.length === 0) throw new UsageError("give at least one record id (or --record)");
    if (values["request-id"] !== undefined && values["request-id"].trim() === "") throw new UsageError("--request-id must not be empty");
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
      if (values.repair) {
        for (const step of await repairWorkspace(dir, { log, onWait: waitingForLock(dir), ...(values.seed !== undefined ? { seed: values.seed } : {}) })) {
          process.stdout.write(`${step.bundlePath}\n`);
        }
      }
      return 0;
    } catch (error) {
      if (error instanceof UnknownRecordError) throw new UsageError(`${error.message} in ${workspacePaths(dir).ledger}; nothing was recorded`);
      throw error;
    } finally {
      await releaseCurve();
    }
  },
};

/** The id of the one live record each `--record` matches (in the workspace's current state). */
async function idsOfRecords(dir: string, records: readonly SubjectRecord[], given: readonly string[]): Promise<string[]> {
  const ledger = await openLedger(dir, { readonly: true });
  try {
    const ws = await restoreState(ledger);
    const poseidon = await getPoseidon();
    return records.map((record, i) => {
      let ids: string[];
      try {
        ids = liveRecordIdsMatching(ws, record, poseidon);
      } catch (error) {
        throw new UsageError(`--record ${given[i]}: ${(error as Error).message}`);
      }
      if (ids.length === 1) return ids[0]!;
      throw new UsageError(ids.length === 0
        ? `--record ${given[i]}: no live record of ${workspacePaths(dir).ledger} has this content (give the raw values of the data file's row, in its column order); nothing was recorded`
        : `--record ${given[i]}: ${ids.length} live records have this content (${ids.map((id) => JSON.stringify(id)).join(", ")}); name the one to delete by its id; nothing was recorded`);
    });
  } finally {
    ledger.close();
  }
}
