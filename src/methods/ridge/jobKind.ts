import { getPoseidon } from "../../crypto/poseidon.ts";
import type { JobKind, PlannedTransition } from "../../jobs/kinds.ts";
import { freshRidgeSalts, proveRidgeDeletion } from "./prove.ts";
import { buildRidgeDeletionWitness } from "./statements.ts";
import { ridgeSystem, withSystem, type RidgeWorkspace } from "./workspaceState.ts";

/**
 * Ridge deletions as server jobs: K records per proof. Planning shifts the model without
 * proving, with the new salts drawn here, so the proof made later from the planned old state
 * reproduces the planned new state exactly (the ridge solve is deterministic). The genesis and
 * class forgetting are not server jobs (yet): `zkforget train` and `zkforget forget-class` run
 * them; a server on an untrained ridge workspace refuses deletion requests with that message.
 */
export const ridgeDeletionJob: JobKind<RidgeWorkspace> = {
  name: "ridge-deletion",
  async plan(ws, recordIds) {
    const K = ws.profile.params[3]!;
    const poseidon = await getPoseidon();
    let system = ridgeSystem(ws, "deletion requests reach the server (the genesis is proved by `zkforget train`, not by the server's workers)");
    const slots = ws.dataset.slotsOf(recordIds).map((s) => ({ id: s.id, index: s.index }));
    const steps: PlannedTransition<RidgeWorkspace>[] = [];
    for (let start = 0; start < slots.length; start += K) {
      const chunk = slots.slice(start, start + K);
      system = buildRidgeDeletionWitness(system, chunk.map((s) => s.id), K, freshRidgeSalts(), poseidon).state;
      steps.push({ slots: chunk, after: withSystem(ws, system) });
    }
    return steps;
  },
  async prove(before, after, step, key) {
    const t = after.trained;
    if (!t) throw new Error("a planned ridge deletion leads to a trained state");
    const result = await proveRidgeDeletion(ridgeSystem(before, "a deletion"), step.slots.map((s) => s.id), before.profile, key, { statsSalt: t.statsSalt, modelSalt: t.modelSalt });
    return { bundle: result.bundle, proveSeconds: result.proveSeconds };
  },
};
