/**
 * The SISA entry of the evaluation table (src/evaluation/methods.ts): the shard-retraining
 * evaluation of src/evaluation/evaluate.ts, on the workspace's system.
 */
import { evaluateUnlearning } from "../../evaluation/evaluate.ts";
import type { MethodEvaluation } from "../../evaluation/methods.ts";
import { formatEvaluation } from "../../evaluation/report.ts";
import { ensureDevKey } from "../../keys/devKeys.ts";
import { releaseCurve } from "../../snarkjsThreads.ts";
import type { SisaWorkspace } from "./workspace.ts";

/** Evaluates a SISA workspace: unlearning by shard retraining against retraining every shard. */
export const sisaMethodEvaluation: MethodEvaluation<SisaWorkspace> = {
  kind: "sisa",
  async evaluate(ws, { forgetIds, dir, log, baselineProofs, seed }) {
    const { system, testSet, profile } = ws;
    if (testSet === undefined) throw new Error(`${dir} has no committed held-out test set: the attacks and the test accuracy need one (zkforget commit … --test FILE or --test-split N)`);
    system.dataset.slotsOf(forgetIds); // every id known and live before anything is built or proved
    const key = await ensureDevKey(profile, { onProgress: log, ...(seed !== undefined ? { seed } : {}) });
    try {
      const { report } = await evaluateUnlearning(system, forgetIds, testSet, { profile, key, baselineProofs, onProgress: log });
      return { document: report, summary: formatEvaluation(report) };
    } finally {
      await releaseCurve();
    }
  },
};
