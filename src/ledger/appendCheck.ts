import type { AuditEntry } from "../verifier/auditTypes.ts";
import { statementTransition, type StatementTransition } from "../verifier/transition.ts";
import type { ProofBundle } from "../verifier/types.ts";
import { verifyBundle, type VerifyOptions } from "../verifier/verify.ts";

/**
 * The checks every ledger backend (SQLite, PostgreSQL) makes before it appends an entry, in one
 * place, so that both refuse exactly the same bundles with the same reasons. The first half
 * ({@link checkBundleForAppend}) runs before the transaction (it verifies a proof, which takes
 * tens of milliseconds); the second ({@link checkContinuation}) runs inside it, against the head
 * and the request read under the transaction's lock.
 */

/** Raised when an append is refused; the ledger is unchanged. */
export class LedgerAppendError extends Error {
  constructor(message: string) {
    super(message);
    this.name = "LedgerAppendError";
  }
}

/** What a verified bundle will append. */
export interface CheckedAppend {
  bundle: ProofBundle;
  transition: StatementTransition;
}

/**
 * Parses (when given as text) and verifies `bundle`, derives its transition from its statement,
 * and checks the profile and that `snapshotState` is the bundle's new state.
 * @throws LedgerAppendError saying why the entry is refused
 */
export async function checkBundleForAppend(bundle: unknown, snapshotState: string, ledgerProfile: string, verify: VerifyOptions): Promise<CheckedAppend> {
  if (typeof bundle === "string") {
    try {
      bundle = JSON.parse(bundle);
    } catch (error) {
      throw new LedgerAppendError(`refused: the bundle is not valid JSON (truncated?): ${(error as Error).message}`);
    }
  }
  const result = await verifyBundle(bundle, verify);
  if (!result.valid || !result.bundle) throw new LedgerAppendError(`refused: the bundle does not verify: ${result.reasons.join("; ")}`);
  const verified: ProofBundle = result.bundle;
  const transition = statementTransition(verified.statement);
  if (typeof transition === "string") throw new LedgerAppendError(`refused: ${transition}`);
  if (transition.kind !== "accuracy" && verified.profile !== ledgerProfile) {
    throw new LedgerAppendError(`refused: the bundle is for profile ${verified.profile}, but this ledger records ${ledgerProfile} transitions`);
  }
  if (snapshotState !== transition.newState) {
    throw new LedgerAppendError(`refused: the snapshot is at state ${snapshotState}, not at the bundle's new state ${transition.newState}`);
  }
  return { bundle: verified, transition };
}

/**
 * Inside the append transaction: the proof must start at the head's state, and the request it
 * answers (if any) must exist and not be proved yet.
 * @throws LedgerAppendError saying why the entry is refused
 */
export function checkContinuation(
  head: AuditEntry, transition: StatementTransition, requestId: string | undefined, request: { status: string } | undefined,
): void {
  if (transition.oldState !== head.newState) {
    throw new LedgerAppendError(`refused: the proof starts at state ${transition.oldState}, but the ledger is at ${head.newState} (entry ${head.seq}); it does not continue the chain`);
  }
  if (requestId !== undefined) {
    if (!request) throw new LedgerAppendError(`refused: unknown deletion request ${JSON.stringify(requestId)}`);
    if (request.status === "proved") throw new LedgerAppendError(`refused: deletion request ${JSON.stringify(requestId)} is already proved`);
  }
}

/** Whether a newly received request repeats `existing`: same ids (order aside). @throws LedgerAppendError when proved or with other ids */
export function checkRepeatedRequest(id: string, existing: { status: string; entries: number[]; recordIds: string[] }, recordIds: readonly string[]): void {
  if (existing.status === "proved") throw new LedgerAppendError(`deletion request ${JSON.stringify(id)} was already proved (entries ${existing.entries.join(", ")})`);
  if (JSON.stringify([...existing.recordIds].sort()) !== JSON.stringify([...recordIds].sort())) {
    throw new LedgerAppendError(`deletion request ${JSON.stringify(id)} was received with other record ids (${existing.recordIds.length} of them); use another --request-id`);
  }
}
