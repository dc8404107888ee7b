import { UnknownRecordError } from "../../dataset/commitment.ts";
import { evaluateUnlearning } from "../../evaluation/evaluate.ts";
import { formatEvaluation, type EvaluationReport } from "../../evaluation/report.ts";
import { writeFileAtomically } from "../../fsAtomic.ts";
import { ensureDevKey } from "../../keys/devKeys.ts";
import { releaseCurve } from "../../snarkjsThreads.ts";
import { DEFAULT_WORKSPACE, openSisaWorkspace, workspacePaths } from "../../workspace/workspace.ts";
import { parseCommandArgs, progress, UsageError, type Command } from "../command.ts";
import { collectRecordIds } from "../recordIds.ts";

export const evaluateCommand: Command = {
  name: "evaluate",
  summary: "measure an unlearning (membership inference, accuracy, cost vs full retrain) without changing the workspace",
  help: `Usage: zkforget evaluate --forget ID... [--ids-file FILE] [--workspace DIR] [--out FILE] [--json] [--no-baseline-proofs] [--seed SEED]

Measures what forgetting the named records would do, on a copy of a SISA workspace: it
unlearns them with proofs (only the shards holding them are retrained), retrains every shard
from scratch without them as the reference, and reports
  - forgetting quality: loss- and confidence-threshold membership-inference attacks (AUC and
    advantage) on the forgotten records, for the original, unlearned and reference models,
    and whether the unlearned weights equal the reference bit for bit;
  - utility: accuracy on the retained, forgotten and held-out test records, before and after;
  - efficiency: wall and CPU seconds of the unlearning against retraining and proving all shards.
The workspace needs a committed held-out test set. Its ledger and state are NOT changed and
the proofs are discarded; use \`zkforget forget\` to actually forget.

The figures are the controller's measurements, not proved. The document's schema is in
docs/evaluation.md.

Options:
  --forget ID            a record id to forget (repeat, or list ids after the options)
  --ids-file FILE        read more ids from FILE, one per line
  --workspace DIR        default ./${DEFAULT_WORKSPACE}
  --out FILE             write the JSON here (default <workspace>/evaluation.json)
  --json                 print the JSON document instead of the summary
  --no-baseline-proofs   train the full-retrain baseline without proving it (faster; no cost ratio)
  --seed SEED            dev-key seed (default: the seed of the committed keys)`,
  async run(argv) {
    const { values, positionals } = parseCommandArgs(argv, {
      forget: { type: "string", multiple: true },
      "ids-file": { type: "string" },
      workspace: { type: "string" },
      out: { type: "string" },
      json: { type: "boolean" },
      "no-baseline-proofs": { type: "boolean" },
      seed: { type: "string" },
    });
    const ids = await collectRecordIds([...(values.forget ?? []), ...positionals], values["ids-file"]);
    if (ids.length === 0) throw new UsageError("name at least one record id to forget (--forget ID)");
    const dir = values.workspace ?? DEFAULT_WORKSPACE;
    const log = progress();
    const { system, testSet, profile } = await openSisaWorkspace(dir);
    if (testSet === undefined) throw new Error(`${dir} has no committed held-out test set: the attacks and the test accuracy need one (zkforget commit … --test FILE or --test-split N)`);
    try {
      system.dataset.slotsOf(ids); // every id known and live before anything is built or proved
    } catch (error) {
      if (error instanceof UnknownRecordError) throw new UsageError(`${error.message} in ${dir}`);
      throw error;
    }
    const key = await ensureDevKey(profile, { onProgress: log, ...(values.seed !== undefined ? { seed: values.seed } : {}) });
    let report: EvaluationReport;
    try {
      ({ report } = await evaluateUnlearning(system, ids, testSet, { profile, key, baselineProofs: !values["no-baseline-proofs"], onProgress: log }));
    } finally {
      await releaseCurve();
    }
    const out = values.out ?? workspacePaths(dir).evaluation;
    await writeFileAtomically(out, `${JSON.stringify(report, null, 1)}\n`);
    log(`evaluation written to ${out}`);
    process.stdout.write(values.json ? `${JSON.stringify(report, null, 1)}\n` : `${formatEvaluation(report)}\n`);
    return 0;
  },
};
