import type { LedgerEntryKind } from "./auditTypes.ts";
import { isObject } from "./statements.ts";

/**
 * What a proof bundle's statement does to the ledger's state: the ledger entry kind it makes
 * and the states it moves between. Derived from the statement itself, never taken from the
 * caller, so an entry's kind and states cannot disagree with its proof. Browser-safe.
 */
export interface StatementTransition {
  kind: Exclude<LedgerEntryKind, "commit">;
  /** 0x-hex state (SISA) or data root (dataset deletion) before and after. */
  oldState: string;
  newState: string;
}

/**
 * The transition of a statement, or a sentence saying why it has none:
 *   dataset-deletion                       → deletion, oldRoot → newRoot
 *   shard-retrain without deleted slots    → genesis,  oldState → newState
 *   shard-retrain with deleted slots       → retrain,  oldState → newState
 *   model-accuracy                         → accuracy, state → state (attests, does not move)
 */
export function statementTransition(statement: unknown): StatementTransition | string {
  if (!isObject(statement)) return "the bundle has no statement object";
  const text = (field: string) => (typeof statement[field] === "string" ? (statement[field] as string) : undefined);
  const pair = (kind: StatementTransition["kind"], from: string, to: string): StatementTransition | string => {
    const oldState = text(from), newState = text(to);
    return oldState !== undefined && newState !== undefined
      ? { kind, oldState, newState }
      : `the ${String(statement.type)} statement has no ${oldState === undefined ? from : to}`;
  };
  switch (statement.type) {
    case "dataset-deletion":
      return pair("deletion", "oldRoot", "newRoot");
    case "shard-retrain":
      return pair(Array.isArray(statement.deleted) && statement.deleted.length > 0 ? "retrain" : "genesis", "oldState", "newState");
    case "model-accuracy":
      return pair("accuracy", "state", "state");
    default:
      return `statement type ${JSON.stringify(statement.type)} is not a state transition the ledger records`;
  }
}

/**
 * The dataset root a statement leaves the data tree at (its new root, or for an attestation
 * the root it attests), or undefined when the statement names none. Every statement the
 * verifier knows only empties slots or leaves the tree as it is, so a slot that is empty at
 * one entry of a valid chain is empty at every later one.
 */
export function dataRootAfter(statement: unknown): string | undefined {
  if (!isObject(statement)) return undefined;
  const field = { "dataset-deletion": "newRoot", "shard-retrain": "newDataRoot", "model-accuracy": "dataRoot" }[String(statement.type)];
  const value = field === undefined ? undefined : statement[field];
  return typeof value === "string" ? value : undefined;
}
