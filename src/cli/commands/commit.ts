import { getProfile } from "../../circuits/profiles.ts";
import { SISA_DEMO_HYPERPARAMETERS } from "../../demo/sisaDemo.ts";
import { loadDataset, type Dataset, type DatasetOptions } from "../../encoding/records.ts";
import type { TrainingHyperparameters } from "../../ml/config.ts";
import { pathExists } from "../../fsAtomic.ts";
import { commitWorkspace } from "../../workspace/commit.ts";
import { DEFAULT_WORKSPACE, workspacePaths } from "../../workspace/workspace.ts";
import { parseCommandArgs, positiveInt, progress, UsageError, type Command } from "../command.ts";
import { waitingForLock } from "./lockMessage.ts";

/** Deletion profile used when none is named. */
export const DEFAULT_DELETION_PROFILE = "deletion-d10-k4";

export const commitCommand: Command = {
  name: "commit",
  summary: "commit a CSV/JSONL dataset (and a SISA test set): the ledger plus per-record inclusion receipts",
  help: `Usage: zkforget commit DATA [--workspace DIR] [--profile NAME] [--label-column C] [--id-column C]
                       [--test FILE | --test-split N] [--lr X] [--l2 Y] [--init-seed S] [--force]

Reads DATA (.csv with a header row, or .jsonl), encodes every value in fixed point, salts
and hashes each record into a leaf, and commits the leaves to a Poseidon Merkle tree.

With a SISA profile (sisa-…) the held-out test set is committed too, as its own tree, and its
root is pinned in the training config (so in every state): a later accuracy claim cannot move
to an easier test set. The model starts untrained; run \`zkforget train\` next.

Writes, in the workspace (default ./${DEFAULT_WORKSPACE}):
  ledger.sqlite       the ledger: a commit entry with the genesis state, and the controller's
                      private snapshot (records, salts, later the models); keep it secret
  receipts/<id>.json  an inclusion receipt per record, to hand to its data subject

Options:
  --profile NAME      deletion-… (default ${DEFAULT_DELETION_PROFILE}) or sisa-…; fixes the tree depth
  --label-column C    label column (default "label")
  --id-column C       record id column (default "id" when present, else row numbers)
  --test FILE         SISA: the held-out test set (same columns as DATA)
  --test-split N      SISA: hold out the last N records of DATA as the test set instead
  --lr X              SISA: learning rate, 0 ≤ X < 16 (default ${SISA_DEMO_HYPERPARAMETERS.learningRate})
  --l2 Y              SISA: L2 coefficient, 0 ≤ Y < 1 (default ${SISA_DEMO_HYPERPARAMETERS.l2})
  --init-seed S       SISA: initial weights derived from public seed S (default: all zero)
  --force             replace an existing workspace (the old ledger is kept beside it as
                      ledger.<time>.replaced.sqlite; old receipts and bundles are removed)`,
  async run(argv) {
    const { values, positionals } = parseCommandArgs(argv, {
      workspace: { type: "string" },
      profile: { type: "string" },
      "label-column": { type: "string" },
      "id-column": { type: "string" },
      test: { type: "string" },
      "test-split": { type: "string" },
      lr: { type: "string" },
      l2: { type: "string" },
      "init-seed": { type: "string" },
      force: { type: "boolean" },
    });
    if (positionals.length !== 1) throw new UsageError("give exactly one DATA file (.csv or .jsonl)");
    const log = progress();
    const dir = values.workspace ?? DEFAULT_WORKSPACE;
    if (!values.force && (await pathExists(workspacePaths(dir).ledger))) {
      throw new UsageError(`${workspacePaths(dir).ledger} already exists; use --force to replace it, or another --workspace`);
    }
    const profile = getProfile(values.profile ?? DEFAULT_DELETION_PROFILE);
    const sisa = profile.template === "ShardRetrain";
    if (profile.template !== "DatasetDeletion" && !sisa) throw new UsageError(`profile ${profile.name} is neither a deletion nor a SISA profile`);
    const sisaOnly = ["test", "test-split", "lr", "l2", "init-seed"].filter((o) => values[o as keyof typeof values] !== undefined);
    if (!sisa && sisaOnly.length > 0) throw new UsageError(`--${sisaOnly[0]} applies to SISA profiles only, not to ${profile.name}`);
    if (values.test !== undefined && values["test-split"] !== undefined) throw new UsageError("give --test or --test-split, not both");

    const columns: DatasetOptions = {
      ...(values["label-column"] !== undefined ? { labelColumn: values["label-column"] } : {}),
      ...(values["id-column"] !== undefined ? { idColumn: values["id-column"] } : {}),
    };
    let data = await loadDataset(positionals[0]!, columns);
    let testSet: Dataset | undefined;
    if (values.test !== undefined) testSet = await loadDataset(values.test, columns);
    if (values["test-split"] !== undefined) {
      const n = positiveInt(values["test-split"], "test-split", 0);
      if (n >= data.records.length) throw new UsageError(`--test-split ${n} would leave no training records (DATA has ${data.records.length})`);
      testSet = { featureNames: data.featureNames, records: data.records.slice(-n) };
      data = { ...data, records: data.records.slice(0, -n) };
    }
    const hyper: TrainingHyperparameters = {
      learningRate: realOption(values.lr, "lr") ?? SISA_DEMO_HYPERPARAMETERS.learningRate,
      l2: realOption(values.l2, "l2") ?? SISA_DEMO_HYPERPARAMETERS.l2,
      initialWeights: values["init-seed"] !== undefined ? { seed: values["init-seed"] } : SISA_DEMO_HYPERPARAMETERS.initialWeights,
    };
    const result = await commitWorkspace(dir, data, {
      profile,
      ...(sisa ? { hyper } : {}),
      ...(testSet ? { testSet } : {}),
      force: values.force === true,
      onWait: waitingForLock(dir),
    });
    log(`committed ${result.receipts} records with ${data.featureNames.length} features under ${profile.name}`);
    const paths = workspacePaths(dir);
    const lines = [
      ["dataRoot", result.dataRoot],
      ...(sisa ? [["state", result.state], ["configHash", result.configHash!], ["testRoot", `${result.testRoot!}${testSet ? ` (${testSet.records.length} test records)` : " (no test set)"}`]] : []),
      ["ledger", paths.ledger],
      ["receipts", `${paths.receipts}/ (${result.receipts} files)`],
      ...(sisa ? [["next", `zkforget train --workspace ${dir}`]] : []),
    ];
    process.stdout.write(`${lines.map(([k, v]) => `${k!.padEnd(10)} ${v}`).join("\n")}\n`);
    return 0;
  },
};

/** A finite real option, or undefined when absent. */
function realOption(value: string | undefined, name: string): number | undefined {
  if (value === undefined) return undefined;
  const x = Number(value);
  if (value.trim() === "" || !Number.isFinite(x)) throw new UsageError(`--${name} must be a number, got ${JSON.stringify(value)}`);
  return x;
}
