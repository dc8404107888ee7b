import { amnesiacRepairStatement } from "./amnesiac/repairKind.ts";
import { amnesiacTrainStatement, amnesiacUnlearnStatement } from "./amnesiac/statements.ts";
import { datasetDeletionStatement } from "./deletion/statement.ts";
import { modelAccuracyStatement, shardRetrainStatement } from "./sisa/statements.ts";
import type { StatementKind } from "./statementKind.ts";
import { ridgeAccuracyStatement, ridgeClassForgetStatement, ridgeDeletionStatement, ridgeGenesisStatement } from "./ridge/kinds.ts";

/**
 * The registry of statement kinds, verifier side: one line per statement an unlearning method
 * proves. The verifier, the chain, receipts, the ledger and the report look a statement up
 * here by `type` (or a key by `template`) and never branch on it themselves, so a new method
 * registers its statements here and touches nothing else outside its folder. Browser-safe.
 */
export const STATEMENT_KINDS: readonly StatementKind[] = [
  datasetDeletionStatement,
  shardRetrainStatement,
  modelAccuracyStatement,
  amnesiacTrainStatement, amnesiacUnlearnStatement, amnesiacRepairStatement,
  ridgeGenesisStatement,
  ridgeDeletionStatement,
  ridgeClassForgetStatement,
  ridgeAccuracyStatement,
];

const BY_TYPE = new Map(STATEMENT_KINDS.map((k) => [k.type, k]));
const BY_TEMPLATE = new Map(STATEMENT_KINDS.map((k) => [k.template, k]));

/** The kind of an untrusted statement (by its `type` field), or undefined when no method proves it. */
export function statementKindOf(statement: unknown): StatementKind | undefined {
  const type = typeof statement === "object" && statement !== null ? (statement as { type?: unknown }).type : undefined;
  return typeof type === "string" ? BY_TYPE.get(type) : undefined;
}

/** The kind whose proofs a key's template makes, or undefined when no method uses the template. */
export function statementKindOfTemplate(template: string): StatementKind | undefined {
  return BY_TEMPLATE.get(template);
}
