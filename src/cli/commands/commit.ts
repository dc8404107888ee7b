import { getProfile, listProfiles, type CircuitProfile } from "../../circuits/profiles.ts";
import { DEFAULT_METHOD_KINDS, methodForProfile } from "../../methods/workspaceMethods.ts";
import { activeProjectConfig, PROJECT_CONFIG_FILE } from "../../circuits/projectProfiles.ts";
import { configEntryText, profileMisfit, suggestProfile, type DataShape } from "../../circuits/suggestProfile.ts";
import { loadCorpus } from "../../encoding/corpus.ts";
import { describeScaling, SCALING_METHODS, type FeatureScaling, type ScalingMethod } from "../../ml/featureScaling.ts";
import { AMNESIAC_DEMO_HYPERPARAMETERS } from "../../methods/amnesiac/demoConfig.ts";
import { SISA_DEMO_HYPERPARAMETERS } from "../../demo/sisaDemo.ts";
import { loadDataset, type Dataset, type DatasetOptions } from "../../encoding/records.ts";
import type { TrainingHyperparameters } from "../../ml/config.ts";
import { pathExists } from "../../fsAtomic.ts";
import { commitWorkspace } from "../../workspace/commit.ts";
import { DEFAULT_WORKSPACE, workspacePaths } from "../../workspace/workspace.ts";
import { parseCommandArgs, positiveInt, progress, UsageError, type Command } from "../command.ts";
import { waitingForLock } from "./lockMessage.ts";

/** Deletion profile `zkforget setup` builds when none is named (commit picks one that fits the data). */
export const DEFAULT_DELETION_PROFILE = "deletion-d10-k4";

export const commitCommand: Command = {
  name: "commit",
  summary: "commit a CSV/JSONL dataset (and a SISA test set): the ledger plus per-record inclusion receipts",
  help: `Usage: zkforget commit DATA [--workspace DIR] [--profile NAME] [--label-column C] [--id-column C]
                       [--test FILE | --test-split N] [--shards N] [--scale standard|minmax]
                       [--lr X] [--l2 Y] [--init-seed S] [--lambda L] [--text-field F] [--force]

Reads DATA (.csv with a header row, or .jsonl), encodes every value in fixed point, salts
and hashes each record into a leaf, and commits the leaves to a Poseidon Merkle tree.
With --text-field, DATA is a text corpus instead: JSON Lines, one document per line
({"id": "…", "text": "…"}); each document's hash is its record, committed under a deletion
profile, so \`zkforget forget\` proves the documents' exclusion from the corpus.

Without --profile, zkforget picks the smallest built-in or project (zkforget.config.json)
profile that fits the data's shape and says why: a SISA profile when a SISA option is given
(--shards, --test, --test-split, --scale, --lr, --l2, --init-seed), else a deletion profile.
When none fits, it prints a zkforget.config.json entry for one that would.

With a SISA profile (sisa-…) the held-out test set is committed too, as its own tree, and its
root is pinned in the training config (so in every state): a later accuracy claim cannot move
to an easier test set. The model starts untrained; run \`zkforget train\` next. A ridge
profile (ridge-deletion-…) and an amnesiac profile (amnesiac-unlearn-…) pin the test set's
root the same way.

Writes, in the workspace (default ./${DEFAULT_WORKSPACE}):
  ledger.sqlite       the ledger: a commit entry with the genesis state, and the controller's
                      private snapshot (records, salts, later the models); keep it secret
  receipts/<id>.json  an inclusion receipt per record, to hand to its data subject

Options:
  --profile NAME      deletion-…, sisa-…, ridge-deletion-… or amnesiac-unlearn-… (built-in or
                      from zkforget.config.json); fixes the tree depth (default: the smallest
                      that fits, see above)
  --label-column C    label column (default "label")
  --id-column C       record id column (default "id" when present, else row numbers)
  --test FILE         SISA: the held-out test set (same columns as DATA)
  --test-split N      SISA: hold out the last N records of DATA as the test set instead
  --shards N          SISA: pick a profile with N shards
  --scale M           SISA: scale every feature into the training range, fitted on the
                      training records only (standard: (x − mean) / (2·sd); minmax: [min, max]
                      to [−1, 1]), rounded to a coarse grid, applied to the test set too, and
                      pinned in the config hash. PUBLIC: the offsets and scales are printed and
                      are per-feature statistics of the training data
  --text-field F      DATA is a JSON Lines text corpus; F holds each document's text
                      (the id is --id-column, default "id")
  --lr X              SISA, amnesiac: learning rate, 0 ≤ X < 16 (default SISA ${SISA_DEMO_HYPERPARAMETERS.learningRate},
                      amnesiac ${AMNESIAC_DEMO_HYPERPARAMETERS.learningRate})
  --l2 Y              SISA, amnesiac: L2 coefficient, 0 ≤ Y < 1 (default SISA ${SISA_DEMO_HYPERPARAMETERS.l2},
                      amnesiac ${AMNESIAC_DEMO_HYPERPARAMETERS.l2})
  --init-seed S       SISA, amnesiac: initial weights derived from public seed S (default: all zero)
  --lambda L          ridge (ridge-deletion-… profiles): the L2 coefficient λ, 2^-16 ≤ L < 256
                      (default 1), public and pinned in the config hash with the test set's root
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
      lambda: { type: "string" },
      shards: { type: "string" },
      scale: { type: "string" },
      "text-field": { type: "string" },
      force: { type: "boolean" },
    });
    if (positionals.length !== 1) throw new UsageError("give exactly one DATA file (.csv or .jsonl)");
    const log = progress();
    const dir = values.workspace ?? DEFAULT_WORKSPACE;
    if (!values.force && (await pathExists(workspacePaths(dir).ledger))) {
      throw new UsageError(`${workspacePaths(dir).ledger} already exists; use --force to replace it, or another --workspace`);
    }
    const sisaOptions = ["test", "test-split", "lr", "l2", "init-seed", "shards", "scale"].filter((o) => values[o as keyof typeof values] !== undefined);
    const corpus = values["text-field"] !== undefined;
    if (corpus && sisaOptions.length > 0) throw new UsageError(`--${sisaOptions[0]} applies to SISA training; a text corpus (--text-field) is committed under a deletion profile`);
    if (values.test !== undefined && values["test-split"] !== undefined) throw new UsageError("give --test or --test-split, not both");
    const scale = values.scale;
    if (scale !== undefined && !(SCALING_METHODS as readonly string[]).includes(scale)) throw new UsageError(`--scale must be ${SCALING_METHODS.join(" or ")}, got ${JSON.stringify(scale)}`);
    const shards = values.shards === undefined ? undefined : positiveInt(values.shards, "shards", 0);

    const columns: DatasetOptions = {
      ...(values["label-column"] !== undefined ? { labelColumn: values["label-column"] } : {}),
      ...(values["id-column"] !== undefined ? { idColumn: values["id-column"] } : {}),
    };
    let data = corpus
      ? await loadCorpus(positionals[0]!, { textField: values["text-field"]!, ...(values["id-column"] !== undefined ? { idField: values["id-column"] } : {}) })
      : await loadDataset(positionals[0]!, columns);
    let testSet: Dataset | undefined;
    if (values.test !== undefined) testSet = await loadDataset(values.test, columns);
    if (values["test-split"] !== undefined) {
      const n = positiveInt(values["test-split"], "test-split", 0);
      if (n >= data.records.length) throw new UsageError(`--test-split ${n} would leave no training records (DATA has ${data.records.length})`);
      testSet = { featureNames: data.featureNames, records: data.records.slice(-n) };
      data = { ...data, records: data.records.slice(0, -n) };
    }
    const explicit = values.profile !== undefined ? getProfile(values.profile) : undefined;
    const shape: DataShape = {
      // Without --profile, training options ask for the default training method (SISA), else deletion only.
      kind: explicit ? methodOfProfile(explicit).kind : sisaOptions.length > 0 ? DEFAULT_METHOD_KINDS.training : DEFAULT_METHOD_KINDS.plain,
      records: data.records.length,
      features: data.featureNames.length,
      ...(testSet ? { testRecords: testSet.records.length } : {}),
      ...(shards !== undefined ? { shards } : {}),
    };
    const profile = explicit ?? pickProfile(shape, log);
    const method = methodOfProfile(profile);
    // Training options apply to a method that trains a model (one with a genesis training).
    const trains = method.train !== undefined;
    if (!trains && sisaOptions.length > 0) throw new UsageError(`--${sisaOptions[0]} applies to profiles that train a model (SISA), not to ${profile.name}, which proves ${method.description}`);
    const lambda = realOption(values.lambda, "lambda");
    if (!trains && lambda !== undefined) throw new UsageError(`--lambda applies to profiles that train a model (ridge), not to ${profile.name}, which proves ${method.description}`);
    const misfit = profileMisfit(profile, shape);
    if (misfit !== undefined) throw new UsageError(`${misfit}; omit --profile to have one suggested`);

    const defaults = method.defaultHyperparameters ?? SISA_DEMO_HYPERPARAMETERS;
    const hyper: TrainingHyperparameters = {
      learningRate: realOption(values.lr, "lr") ?? defaults.learningRate,
      l2: realOption(values.l2, "l2") ?? defaults.l2 ?? 0,
      initialWeights: values["init-seed"] !== undefined ? { seed: values["init-seed"] } : defaults.initialWeights ?? "zeros",
    };
    const result = await commitWorkspace(dir, data, {
      profile,
      ...(trains ? { hyper } : {}),
      ...(lambda !== undefined ? { lambda } : {}),
      ...(testSet ? { testSet } : {}),
      ...(scale !== undefined ? { scale: scale as ScalingMethod } : {}),
      sources: { data: positionals[0]!, test: values.test ?? `the test split of ${positionals[0]!}` },
      force: values.force === true,
      onWait: waitingForLock(dir),
    });
    log(corpus
      ? `committed ${result.receipts} documents under ${profile.name}`
      : `committed ${result.receipts} records with ${data.featureNames.length} features under ${profile.name}`);
    const paths = workspacePaths(dir);
    const lines = [
      ["dataRoot", result.dataRoot],
      ...(result.configHash !== undefined ? [["state", result.state], ["configHash", result.configHash], ["testRoot", `${result.testRoot!}${testSet ? ` (${testSet.records.length} test records)` : " (no test set)"}`]] : []),
      ...(result.featureScaling ? [["scaling", describeScalingLine(result.featureScaling, data.featureNames)]] : []),
      ["ledger", paths.ledger],
      ["receipts", `${paths.receipts}/ (${result.receipts} files)`],
      ...(trains ? [["next", `zkforget train --workspace ${dir}`]] : []),
    ];
    process.stdout.write(`${lines.map(([k, v]) => `${k!.padEnd(10)} ${v}`).join("\n")}\n`);
    return 0;
  },
};

/**
 * The suggested profile for `shape`, said on stderr with the reason; when none fits, a
 * UsageError carrying a ready-to-paste zkforget.config.json entry.
 */
/** The method a profile commits with; a profile no method commits is a usage error. */
function methodOfProfile(profile: CircuitProfile): ReturnType<typeof methodForProfile> {
  try {
    return methodForProfile(profile);
  } catch (error) {
    throw new UsageError((error as Error).message);
  }
}

function pickProfile(shape: DataShape, log: (message: string) => void): CircuitProfile {
  const suggestion = suggestProfile(shape, listProfiles());
  if (suggestion.profile) {
    log(`profile ${suggestion.profile.name}: ${suggestion.reason} (give --profile to choose another)`);
    return suggestion.profile;
  }
  const project = activeProjectConfig();
  const where = project ? `the "profiles" array of ${project.file}` : `a ${PROJECT_CONFIG_FILE} in this directory`;
  throw new UsageError([
    `${suggestion.reason}:`,
    ...suggestion.misfits.map((m) => `  - ${m}`),
    `Add ${suggestion.entries!.length > 1 ? "these profiles" : "this profile"} to ${where}, then run the same command again`,
    "(its key is built on demand, on the first proof; the verification key goes to the project's keys/):",
    configEntryText(suggestion.entries!),
  ].join("\n"));
}

/** The fitted scaling on one line: per feature, `name (x − offset) / scale`. */
function describeScalingLine(scaling: FeatureScaling, featureNames: readonly string[]): string {
  return `${scaling.method} (public, in the config hash): ${describeScaling(scaling, featureNames).map((f) => `${f.feature} (x ${f.offset < 0 ? "+" : "−"} ${Math.abs(f.offset)}) / ${f.scale}`).join(", ")}`;
}

/** A finite real option, or undefined when absent. */
function realOption(value: string | undefined, name: string): number | undefined {
  if (value === undefined) return undefined;
  const x = Number(value);
  if (value.trim() === "" || !Number.isFinite(x)) throw new UsageError(`--${name} must be a number, got ${JSON.stringify(value)}`);
  return x;
}
