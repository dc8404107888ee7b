import { join } from "node:path";
import { getProfile } from "../../circuits/profiles.ts";
import { getPoseidon } from "../../crypto/poseidon.ts";
import { CommittedDataset } from "../../dataset/commitment.ts";
import { loadDataset } from "../../encoding/records.ts";
import { toHex32 } from "../../verifier/fieldText.ts";
import { pathExists, writeFileAtomically } from "../../fsAtomic.ts";
import { inclusionReceipt, receiptFileName } from "../../workspace/receipts.ts";
import { DEFAULT_WORKSPACE, saveWorkspace, workspacePaths } from "../../workspace/workspace.ts";
import { parseCommandArgs, progress, UsageError, type Command } from "../command.ts";

/** Deletion profile used when none is named. */
export const DEFAULT_DELETION_PROFILE = "deletion-d10-k4";

export const commitCommand: Command = {
  name: "commit",
  summary: "commit a CSV/JSONL dataset: a state file plus per-record inclusion receipts",
  help: `Usage: zkforget commit DATA [--workspace DIR] [--profile NAME] [--label-column C] [--id-column C] [--force]

Reads DATA (.csv with a header row, or .jsonl), encodes every value in fixed point, salts
and hashes each record into a leaf, and commits the leaves to a Poseidon Merkle tree.

Writes, in the workspace (default ./${DEFAULT_WORKSPACE}):
  state.json          the controller's private state (records, salts, tree); keep it secret
  receipts/<id>.json  an inclusion receipt per record, to hand to its data subject

Options:
  --profile NAME      deletion profile; fixes the tree depth (default ${DEFAULT_DELETION_PROFILE})
  --label-column C    label column (default "label")
  --id-column C       record id column (default "id" when present, else row numbers)
  --force             replace an existing workspace state`,
  async run(argv) {
    const { values, positionals } = parseCommandArgs(argv, {
      workspace: { type: "string" },
      profile: { type: "string" },
      "label-column": { type: "string" },
      "id-column": { type: "string" },
      force: { type: "boolean" },
    });
    if (positionals.length !== 1) throw new UsageError("give exactly one DATA file (.csv or .jsonl)");
    const log = progress();
    const dir = values.workspace ?? DEFAULT_WORKSPACE;
    const paths = workspacePaths(dir);
    if (!values.force && (await pathExists(paths.state))) {
      throw new UsageError(`${paths.state} already exists; use --force to replace it, or another --workspace`);
    }
    const profile = getProfile(values.profile ?? DEFAULT_DELETION_PROFILE);
    if (profile.template !== "DatasetDeletion") throw new UsageError(`profile ${profile.name} is not a deletion profile`);
    const data = await loadDataset(positionals[0]!, {
      ...(values["label-column"] !== undefined ? { labelColumn: values["label-column"] } : {}),
      ...(values["id-column"] !== undefined ? { idColumn: values["id-column"] } : {}),
    });
    const dataset = CommittedDataset.commit(data, profile.params[0]!, await getPoseidon());
    log(`committed ${dataset.size} records with ${data.featureNames.length} features to a depth-${dataset.depth} tree`);
    for (const slot of dataset.liveSlots()) {
      const receipt = inclusionReceipt(dataset, slot.id, profile.name);
      await writeFileAtomically(join(paths.receipts, receiptFileName(slot.id)), `${JSON.stringify(receipt, null, 1)}\n`);
    }
    await saveWorkspace(dir, profile.name, dataset, []);
    process.stdout.write(`dataRoot ${toHex32(dataset.root)}\nstate    ${paths.state}\nreceipts ${paths.receipts}/ (${dataset.size} files)\n`);
    return 0;
  },
};
