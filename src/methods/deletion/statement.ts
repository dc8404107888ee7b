import type { KeyManifest } from "../../keys/manifest.ts";
import { deletedSlots, deletionDigestOf, namedSignal, short, signalFields, textField } from "../../verifier/statementFields.ts";
import type { DeletionStatement } from "../../verifier/types.ts";
import { fieldTransition, type StatementKind } from "../statementKind.ts";

/**
 * Dataset deletion, verifier side: `oldRoot → newRoot` by emptying the listed slots
 * (circuits/deletion.circom, template DatasetDeletion(depth, K)). The state of a
 * dataset-deletion workspace is its data root, so the statement's roots are the ledger states.
 */
export const datasetDeletionStatement: StatementKind = {
  type: "dataset-deletion",
  template: "DatasetDeletion",
  check(s: Record<string, unknown>, signals: readonly string[], manifest: KeyManifest): string[] {
    const [depth, maxDeletions] = manifest.params as [number, number];
    const problems = signalFields(s, ["oldRoot", "newRoot", "deletionDigest"], signals, manifest);
    const slots = deletedSlots(s.deleted, { first: 0, count: 2 ** depth }, maxDeletions, manifest, problems);
    if (slots && slots.length === 0) problems.push("bundle.statement.deleted is empty: a deletion proof deletes at least one slot");
    if (problems.length === 0 && deletionDigestOf(slots!, maxDeletions) !== namedSignal("deletionDigest", signals, manifest)) {
      problems.push("bundle.statement.deleted does not hash to the proved deletionDigest");
    }
    return problems;
  },
  transition: (s) => fieldTransition(s, "deletion", "oldRoot", "newRoot"),
  dataRootAfter: (s) => textField(s, "newRoot"),
  describe(statement) {
    const s = statement as unknown as DeletionStatement;
    return `dataset deletion: dataRoot ${short(s.oldRoot)} → ${short(s.newRoot)}, ${slotList(s.deleted)}`;
  },
  deletedWording: () => "deleted from the dataset",
  fileTag: () => "",
};

/** "deleted slots 3, 9", or "no slots deleted". */
export function slotList(deleted: readonly { index: number }[]): string {
  return deleted.length === 0 ? "no slots deleted" : `deleted slots ${deleted.map((d) => d.index).join(", ")}`;
}
