import { proveDeletion } from "../../prover/deletion.ts";
import type { JobKind, PlannedTransition } from "../../jobs/kinds.ts";
import type { DeletionWorkspace } from "./workspace.ts";

/** Dataset deletion as server jobs: K records per proof, each step's dataset planned ahead. */
export const deletionBatchJob: JobKind<DeletionWorkspace> = {
  name: "deletion-batch",
  async plan(ws, recordIds) {
    const k = ws.profile.params[1]!;
    let dataset = ws.dataset;
    const slots = dataset.slotsOf(recordIds).map((s) => ({ id: s.id, index: s.index }));
    const steps: PlannedTransition<DeletionWorkspace>[] = [];
    for (let start = 0; start < slots.length; start += k) {
      const chunk = slots.slice(start, start + k);
      dataset = dataset.withoutRecords(chunk.map((s) => s.id));
      steps.push({ slots: chunk, after: { ...ws, dataset } });
    }
    return steps;
  },
  async prove(before, _after, step, key) {
    const result = await proveDeletion(before.dataset, step.slots.map((s) => s.id), { profile: before.profile, key });
    return { bundle: result.bundle, proveSeconds: result.proveSeconds };
  },
};
