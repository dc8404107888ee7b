/**
 * Amnesiac, verifier side: the repair statement (template AmnesiacRepair). A repair step is one
 * proved SGD step on the remaining records of a batch an unlearning touched, logged in place of
 * the batch's subtracted last-epoch update (repair.ts says why that keeps later unlearning
 * exact about what it subtracts). The statement carries its states' parts in the clear; the
 * verifier rehashes them with poseidon-lite, with the complete training's step count in both
 * states (as for an unlearning) and one data root. What it reveals beyond an unlearning: the
 * repaired batch index, already implied by the public deleted slot indices. Browser-safe.
 */
import { hexFields, namedSignal, short, signalFields, textField } from "../../verifier/statementFields.ts";
import { fieldTransition, type StatementKind } from "../statementKind.ts";
import { batchesPerEpoch, totalSteps } from "./config.ts";
import {
  AMNESIAC_FAMILY, amnesiacModelRules, configProblems, shapeOf, stateProblems, type AmnesiacTransitionParts,
} from "./statements.ts";

/** What an AmnesiacRepair bundle states. */
export interface AmnesiacRepairStatement extends AmnesiacTransitionParts {
  type: "amnesiac-repair";
  /** The repaired batch j (a public signal): slots j·2^b … (j+1)·2^b − 1; its step (E−1)·nb + j is rewritten. */
  batch: number;
  /** The data root (a repair step does not change it). */
  dataRoot: string;
}

/** AmnesiacRepair: one SGD step on a touched batch's remaining records, logged in place of its subtracted last-epoch update. */
export const amnesiacRepairStatement: StatementKind = {
  type: "amnesiac-repair",
  template: "AmnesiacRepair",
  family: AMNESIAC_FAMILY,
  check(s, signals, manifest, policy) {
    const [D, b] = manifest.params as [number, number];
    const nb = 2 ** (D - b);
    const problems = signalFields(s, ["oldState", "newState"], signals, manifest);
    const parts = hexFields(s, ["dataRoot", "oldModelCommitment", "newModelCommitment", "oldLogRoot", "newLogRoot", "configHash"], problems);
    const batch = s.batch;
    if (typeof batch !== "number" || !Number.isSafeInteger(batch) || batch < 0 || batch >= nb || BigInt(batch) !== namedSignal("batch", signals, manifest)) {
      problems.push(`bundle.statement.batch must be the integer public signal batch, one of the ${nb} batches 0..${nb - 1}`);
    }
    problems.push(...configProblems(s, parts.configHash, manifest, policy));
    if (problems.length > 0) return problems;
    const total = totalSteps(shapeOf(s)!);
    return stateProblems(parts, { old: parts.dataRoot!, new: parts.dataRoot! }, { old: total, new: total }, signals, manifest);
  },
  transition: (s) => fieldTransition(s, "retrain", "oldState", "newState"),
  dataRootAfter: (s) => textField(s, "dataRoot"),
  describe(statement) {
    const s = statement as unknown as AmnesiacRepairStatement;
    const shape = shapeOf(statement);
    const j = s.batch;
    const slots = shape && Number.isSafeInteger(j) && j >= 0 && j < batchesPerEpoch(shape)
      ? ` (slots ${j * 2 ** shape.batchLog2}–${(j + 1) * 2 ** shape.batchLog2 - 1})`
      : "";
    return `repair step: one proved SGD step on the remaining records of batch ${String(j)}${slots}, logged in place of its subtracted last-epoch update: state ${short(String(s.oldState))} → ${short(String(s.newState))}`;
  },
  deletedWording: () => "trained on (a repair step deletes nothing)",
  fileTag: (s) => `-repair${String(s.batch)}`,
  model: amnesiacModelRules,
};
