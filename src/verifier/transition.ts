import { statementKindOf } from "../methods/statementKinds.ts";
import { isObject } from "./statementFields.ts";
import type { StatementTransition } from "../methods/statementKind.ts";

export type { StatementTransition };

/**
 * The transition of a statement, or a sentence saying why it has none. Each method's
 * statement kind derives it from the statement alone (src/methods/statementKinds.ts), e.g.
 *   dataset-deletion                       → deletion, oldRoot → newRoot
 *   shard-retrain without deleted slots    → genesis,  oldState → newState
 *   shard-retrain with deleted slots       → retrain,  oldState → newState
 *   model-accuracy                         → accuracy, state → state (attests, does not move)
 * Never taken from the caller, so an entry's kind and states cannot disagree with its proof.
 * Browser-safe.
 */
export function statementTransition(statement: unknown): StatementTransition | string {
  if (!isObject(statement)) return "the bundle has no statement object";
  const kind = statementKindOf(statement);
  return kind ? kind.transition(statement) : `statement type ${JSON.stringify(statement.type)} is not a state transition the ledger records`;
}

/**
 * The dataset root a statement leaves the data tree at (its new root, or for an attestation
 * the root it attests), or undefined when the statement names none. Every statement the
 * verifier knows only empties slots or leaves the tree as it is, so a slot that is empty at
 * one entry of a valid chain is empty at every later one.
 */
export function dataRootAfter(statement: unknown): string | undefined {
  if (!isObject(statement)) return undefined;
  return statementKindOf(statement)?.dataRootAfter(statement);
}
