/**
 * Finding a live record of a workspace by its content, for `zkforget forget --record`: a data
 * subject who asks for deletion has their row of the data file (raw values) or their document,
 * not necessarily the record id. The record is encoded, scaled by the workspace's pinned
 * feature scaling and hashed exactly as the commit did (src/verifier/subjectRecord.ts), and
 * compared with the live slots' record hashes.
 */
import type { PoseidonHasher } from "../crypto/poseidon.ts";
import { subjectRecordElements, type SubjectRecord } from "../verifier/subjectRecord.ts";
import { methodOf, type WorkspaceState } from "../methods/workspaceMethods.ts";

/**
 * The ids of the live records whose content is `record` (usually one; several when the data
 * holds identical rows).
 * @throws Error when the record cannot be encoded or scaled as the commit did (naming the feature)
 */
export function liveRecordIdsMatching(ws: WorkspaceState, record: SubjectRecord, poseidon: PoseidonHasher): string[] {
  const method = methodOf(ws);
  const dataset = method.dataset(ws);
  const scaling = method.facts(ws, poseidon).featureScaling;
  const hash = poseidon.sponge(subjectRecordElements(record, scaling));
  return dataset.liveSlots().filter((slot) => slot.recordHash === hash).map((slot) => slot.id);
}
