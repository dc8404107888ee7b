import { randomBytes } from "node:crypto";
import type { Ledger, RequestOpening, StoredRequest } from "../ledger/ledger.ts";
import type { ProvedStep } from "../methods/workspaceMethod.ts";
import { methodOf } from "../methods/workspaceMethods.ts";
import type { AuditEntry } from "../verifier/auditTypes.ts";
import type { CommittedDataset } from "../dataset/commitment.ts";
import { withWorkspaceLock } from "./lock.ts";
import { deletionReceipt, recordDeletionReceipt, writeRequestAcknowledgement } from "./receipts.ts";
import { randomSalt } from "../dataset/leaf.ts";
import { ledgerRun, runKeys, type TrainWorkspaceOptions } from "./train.ts";
import { datasetOf, openLedger, restoreState, workspacePaths } from "./workspace.ts";

/** Options for {@link forgetInWorkspace}. */
export interface ForgetOptions extends TrainWorkspaceOptions {
  /** Id of the deletion request (default: a new one). Giving the id of an unfinished request resumes it. */
  requestId?: string;
}

/** One proof made by {@link forgetInWorkspace}. */
export interface ForgetStep {
  entry: AuditEntry;
  bundlePath: string;
  recordIds: string[];
  receiptPaths: string[];
}

/** What {@link forgetInWorkspace} did. */
export interface ForgetResult {
  request: StoredRequest;
  steps: ForgetStep[];
}

/**
 * Answers a deletion request: records it (status received), checks every id, then proves the
 * deletions with the workspace's method (src/methods/: dataset-deletion proofs of at most K
 * records each, or for SISA the shard retrainings of proveUnlearning), appending each proof to the ledger as soon as it is made
 * (one transaction each; the last one marks the request proved) and writing a deletion receipt
 * per record. Runs under the workspace lock. On failure the request is marked failed with the
 * error; running again with the same request id and ids resumes after the last appended proof.
 *
 * @throws UnknownRecordError for an unknown or already deleted id (nothing is recorded);
 *   LedgerAppendError for a request id already proved or used with other ids
 */
export async function forgetInWorkspace(dir: string, recordIds: readonly string[], options: ForgetOptions = {}): Promise<ForgetResult> {
  if (recordIds.length === 0) throw new Error("nothing to forget: give at least one record id");
  const log = options.log ?? (() => {});
  return withWorkspaceLock(workspacePaths(dir).lock, async () => {
    const ledger = await openLedger(dir);
    try {
      const ws = await restoreState(ledger);
      const requestId = options.requestId ?? newRequestId();
      const earlier = ledger.request(requestId);
      const method = methodOf(ws);
      const dataset = method.dataset(ws);
      // A resumed request skips the ids its own earlier entries deleted; every other id must be live.
      const resuming = earlier !== undefined && earlier.entries.length > 0;
      const deleted = new Set(dataset.deletedSlots().map((d) => d.id));
      const remaining = resuming ? recordIds.filter((id) => !deleted.has(id)) : [...recordIds];
      if (remaining.length === 0) throw new Error(`deletion request ${requestId}: every record is already deleted, but the request is not marked proved`);
      dataset.slotsOf(remaining);
      // The request's salted commitment to its slots goes into the chain before any proof.
      const opening = earlier ? undefined : requestOpeningFor(dataset, recordIds);
      const request = ledger.receiveRequest(requestId, recordIds, opening);
      // Written again when missing: a crash between recording the request and writing it must not lose it.
      await writeRequestAcknowledgement(workspacePaths(dir).receipts, ws.profile.name, request, { onlyIfMissing: true });
      log(`deletion request ${requestId}: ${recordIds.length} record(s)${resuming ? `, resuming with ${remaining.length} left` : ""}`);
      ledger.setRequestStatus(requestId, "proving");
      try {
        const keys = runKeys(ws.profile, options, log);
        const slotOf = new Map(dataset.slotsOf(remaining).map((slot) => [slot.id, slot]));
        const steps: ForgetStep[] = [];
        await method.forget(ws, remaining, ledgerRun(ledger, dir, keys, log, async (step, entry, bundlePath) => {
          const slots = step.recordIds.map((id) => slotOf.get(id)!);
          steps.push(await recordStep(dir, ledger, requestId, entry, bundlePath, slots, datasetOf(step.after), step, log));
        }, (step) => ({ requestId, completesRequest: step.last })));
        return { request: ledger.request(requestId)!, steps };
      } catch (error) {
        ledger.setRequestStatus(requestId, "failed", (error as Error).message);
        throw error;
      }
    } finally {
      ledger.close();
    }
  }, options.onWait ? { onWait: options.onWait } : {});
}

/**
 * The opening of a new request's commitment: a fresh salt and the slots of `recordIds` (index
 * and leaf) in `dataset`, the controller's dataset when the request is received.
 * @throws UnknownRecordError for an unknown or deleted id; Error for an id listed twice
 */
export function requestOpeningFor(dataset: CommittedDataset, recordIds: readonly string[]): RequestOpening {
  return { salt: randomSalt(), slots: dataset.slotsOf(recordIds).map((s) => ({ index: s.index, leaf: s.leaf })) };
}

/** A fresh request id: the UTC time and 4 random bytes, e.g. `req-20250101T120000Z-1a2b3c4d`. */
export function newRequestId(now = new Date()): string {
  return `req-${now.toISOString().replace(/[-:]/g, "").replace(/\.\d+/, "")}-${randomBytes(4).toString("hex")}`;
}

type Log = (message: string) => void;

/**
 * Writes the deletion receipt of each record `entry` (an appended proof answering `request`)
 * deleted into the workspace's receipts/, removing its inclusion receipt there; each carries the
 * request's opening and its slot's non-membership path in `after`, the dataset the entry moved
 * to. Resolves to the receipt paths.
 */
export async function writeDeletionReceipts(
  dir: string, entry: AuditEntry, request: StoredRequest, slots: readonly { id: string; index: number }[], after: CommittedDataset,
): Promise<string[]> {
  const receiptsDir = workspacePaths(dir).receipts;
  const receiptPaths: string[] = [];
  for (const slot of slots) {
    const receipt = deletionReceipt(slot.id, slot.index, entry, request, after.merkleProof(slot.index).siblings);
    receiptPaths.push(await recordDeletionReceipt(receiptsDir, receipt));
  }
  return receiptPaths;
}

/** Writes the deletion receipts of one appended step and reports it. */
async function recordStep(
  dir: string, ledger: Ledger, requestId: string, entry: AuditEntry, bundlePath: string, slots: readonly { id: string; index: number }[],
  after: CommittedDataset, step: Pick<ProvedStep<unknown>, "label" | "proveSeconds">, log: Log,
): Promise<ForgetStep> {
  const receiptPaths = await writeDeletionReceipts(dir, entry, ledger.request(requestId)!, slots, after);
  log(`${step.label} ${slots.map((s) => s.id).join(", ")}: proved in ${step.proveSeconds.toFixed(1)} s → ledger entry ${entry.seq}, ${bundlePath}`);
  return { entry, bundlePath, recordIds: slots.map((s) => s.id), receiptPaths };
}
