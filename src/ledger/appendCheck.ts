import { profileFamily } from "../circuits/profiles.ts";
import type { AuditEntry } from "../verifier/auditTypes.ts";
import { toHex32 } from "../verifier/fieldText.ts";
import { requestCommitment } from "../verifier/requestCommitment.ts";
import { statementTransition, type StatementTransition } from "../verifier/transition.ts";
import type { ProofBundle } from "../verifier/types.ts";
import { verifyBundle, type VerifyOptions } from "../verifier/verify.ts";
import type { RequestOpening, StoredRequest } from "./ledger.ts";

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
  // A profile's companions (ridge: genesis, class forgetting) prove the same workspace's transitions.
  const family = profileFamily(ledgerProfile);
  if (transition.kind !== "accuracy" && !family.includes(verified.profile)) {
    throw new LedgerAppendError(`refused: the bundle is for profile ${verified.profile}, but this ledger records ${family.join(", ")} transitions`);
  }
  if (snapshotState !== transition.newState) {
    throw new LedgerAppendError(`refused: the snapshot is at state ${snapshotState}, not at the bundle's new state ${transition.newState}`);
  }
  return { bundle: verified, transition };
}

/**
 * Inside the append transaction: the proof must start at the head's state, and the request it
 * answers (if any) must exist, not be proved yet, and name every slot `statement` deletes.
 * @throws LedgerAppendError saying why the entry is refused
 */
export function checkContinuation(
  head: AuditEntry, transition: StatementTransition, statement: unknown, requestId: string | undefined,
  request: Pick<StoredRequest, "status" | "slots"> | undefined,
): void {
  if (transition.oldState !== head.newState) {
    throw new LedgerAppendError(`refused: the proof starts at state ${transition.oldState}, but the ledger is at ${head.newState} (entry ${head.seq}); it does not continue the chain`);
  }
  if (requestId !== undefined) {
    if (!request) throw new LedgerAppendError(`refused: unknown deletion request ${JSON.stringify(requestId)}`);
    if (request.status === "proved") throw new LedgerAppendError(`refused: deletion request ${JSON.stringify(requestId)} is already proved`);
    const outside = deletedOutsideRequest(request, statement);
    if (outside) throw new LedgerAppendError(`refused: the proof deletes slot ${outside.index}, which deletion request ${JSON.stringify(requestId)} does not name: it cannot answer it`);
  }
}

/**
 * The first slot a statement deletes that `request` does not name (index and leaf), if any: such
 * a proof cannot answer the request (the verifier would refuse the chain), so the ledger refuses it.
 */
export function deletedOutsideRequest(request: Pick<StoredRequest, "slots">, statement: unknown): { index: number; leaf: string } | undefined {
  const deleted = typeof statement === "object" && statement !== null && Array.isArray((statement as { deleted?: unknown }).deleted)
    ? ((statement as { deleted: { index: number; leaf: string }[] }).deleted)
    : [];
  return deleted.find((d) => !request.slots.some((s) => s.index === d.index && s.leaf === d.leaf));
}

/**
 * Whether a newly received request repeats `existing`: same ids (order aside), not proved yet.
 * @throws LedgerAppendError when proved or with other ids
 */
export function checkRepeatedRequest(id: string, existing: Pick<StoredRequest, "status" | "entries" | "recordIds">, recordIds: readonly string[]): void {
  if (existing.status === "proved") throw new LedgerAppendError(`deletion request ${JSON.stringify(id)} was already proved (entries ${existing.entries.join(", ")})`);
  if (JSON.stringify([...existing.recordIds].sort()) !== JSON.stringify([...recordIds].sort())) {
    throw new LedgerAppendError(`deletion request ${JSON.stringify(id)} was received with other record ids (${existing.recordIds.length} of them); use another --request-id`);
  }
}

/** The columns a new request writes: its `request` entry's commitment and its row's opening (salt, slots as stored). */
export interface NewRequestColumns {
  /** 0x-hex salted commitment to the slots (the request entry's request_commitment, the row's commitment). */
  commitment: string;
  /** 0x-hex salt. */
  salt: string;
  /** The slots by index, leaves 0x-hex, as JSON text. */
  slots: string;
}

/**
 * The commitment and stored opening of a request received for the first time, with the same
 * checks in every backend.
 * @throws LedgerAppendError when the opening is missing or does not have one slot per record id
 */
export function newRequestColumns(id: string, recordIds: readonly string[], opening: RequestOpening | undefined): NewRequestColumns {
  if (opening === undefined) throw new LedgerAppendError(`deletion request ${JSON.stringify(id)} is new, so it needs the opening of its commitment (salt and slots)`);
  if (opening.slots.length !== recordIds.length) throw new LedgerAppendError(`deletion request ${JSON.stringify(id)}: ${recordIds.length} record ids but ${opening.slots.length} slots`);
  const slots = [...opening.slots].sort((a, b) => a.index - b.index).map((s) => ({ index: s.index, leaf: toHex32(s.leaf) }));
  return { commitment: toHex32(requestCommitment(opening.salt, opening.slots)), salt: toHex32(opening.salt), slots: JSON.stringify(slots) };
}
