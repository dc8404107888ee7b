import { getPoseidon } from "../../crypto/poseidon.ts";
import { randomSalt } from "../../dataset/leaf.ts";
import type { JobKind, PlannedTransition } from "../../jobs/kinds.ts";
import { proveAmnesiacUnlearn } from "./prove.ts";
import { buildAmnesiacUnlearnWitness } from "./witness.ts";
import { amnesiacSystem, withAmnesiacSystem, type AmnesiacWorkspace } from "./workspaceState.ts";

/**
 * Amnesiac unlearnings as server jobs: K records per proof. Planning subtracts the logged
 * updates without proving, with the new model salt drawn here, so the proof made later from the
 * planned old state reproduces the planned new state exactly (the subtraction is deterministic).
 * The training is not a server job: `zkforget train` proves it, and a server on an untrained
 * amnesiac workspace refuses deletion requests with that message.
 */
export const amnesiacDeletionJob: JobKind<AmnesiacWorkspace> = {
  name: "amnesiac-unlearn",
  async plan(ws, recordIds) {
    const K = ws.profile.params[4]!;
    const poseidon = await getPoseidon();
    let current = ws;
    const slots = ws.dataset.slotsOf(recordIds).map((s) => ({ id: s.id, index: s.index }));
    const steps: PlannedTransition<AmnesiacWorkspace>[] = [];
    for (let start = 0; start < slots.length; start += K) {
      const chunk = slots.slice(start, start + K);
      const system = amnesiacSystem(current);
      if (!system.log.complete) throw new Error("the amnesiac model of this workspace is not trained yet: deletion requests reach the server once `zkforget train` has proved the whole training");
      const next = buildAmnesiacUnlearnWitness(system, chunk.map((s) => s.index), K, randomSalt(), poseidon).next;
      current = withAmnesiacSystem(current, next, current.dataset.withoutRecords(chunk.map((s) => s.id)));
      steps.push({ slots: chunk, after: current });
    }
    return steps;
  },
  async prove(before, after, step, key) {
    const slots = before.dataset.slotsOf(step.slots.map((s) => s.id)).map((s) => s.index);
    const result = await proveAmnesiacUnlearn(amnesiacSystem(before), slots, before.profile, key, after.model.modelSalt);
    return { bundle: result.bundle, proveSeconds: result.proveSeconds };
  },
};
