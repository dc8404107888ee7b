import { UnknownRecordError } from "../../dataset/commitment.ts";
import { evaluationOf } from "../../evaluation/methods.ts";
import { writeFileAtomically } from "../../fsAtomic.ts";
import { DEFAULT_WORKSPACE, openWorkspaceState, workspacePaths } from "../../workspace/workspace.ts";
import { parseCommandArgs, progress, UsageError, type Command } from "../command.ts";
import { collectRecordIds } from "../recordIds.ts";

export const evaluateCommand: Command = {
  name: "evaluate",
  summary: "measure an unlearning (membership inference, accuracy, cost vs full retrain) without changing the workspace",
  help: `Usage: zkforget evaluate --forget ID... [--ids-file FILE] [--workspace DIR] [--out FILE] [--json] [--no-baseline-proofs] [--seed SEED]

Measures what forgetting the named records would do, on a copy of a SISA, ridge or amnesiac
workspace.
SISA: it
unlearns them with proofs (only the shards holding them are retrained), retrains every shard
from scratch without them as the reference, and reports
  - forgetting quality: loss- and confidence-threshold membership-inference attacks (AUC and
    advantage) on the forgotten records, for the original, unlearned and reference models,
    and whether the unlearned weights equal the reference bit for bit;
  - utility: accuracy on the retained, forgotten and held-out test records, before and after;
  - efficiency: wall and CPU seconds of the unlearning against retraining and proving all shards.
Ridge: it shifts the model in ridge deletion proofs (K records each), retrains from scratch
exactly (the statistics of the remaining records, solved), and reports the same three parts:
the distance between the unlearned and the retrained weights against the bound the proofs
state, the accuracies, the attacks (squared-error loss and score margin), and the cost of the
deletion proofs against proving the genesis of the remaining records again.
Amnesiac: it subtracts the logged updates in amnesiac unlearning proofs (K records each) and
measures the gap to an exact retraining without the records (trained again from the initial
weights on the same schedule): membership-inference AUC on the forget set, accuracy on the
retain, forget and test sets, and the L2 distance of the weights, for the requested set and
two more drawn sets of the same size, with the spread over the three; and the cost of the
unlearning proofs against proving the whole training of the remaining records again.
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
    const { state } = await openWorkspaceState(dir);
    const evaluation = evaluationOf(state);
    let document: object, summary: string;
    try {
      ({ document, summary } = await evaluation.evaluate(state, {
        forgetIds: ids, dir, log, baselineProofs: !values["no-baseline-proofs"], ...(values.seed !== undefined ? { seed: values.seed } : {}),
      }));
    } catch (error) {
      if (error instanceof UnknownRecordError) throw new UsageError(`${error.message} in ${dir}`);
      throw error;
    }
    const out = values.out ?? workspacePaths(dir).evaluation;
    await writeFileAtomically(out, `${JSON.stringify(document, null, 1)}\n`);
    log(`evaluation written to ${out}`);
    process.stdout.write(values.json ? `${JSON.stringify(document, null, 1)}\n` : `${summary}\n`);
    return 0;
  },
};
