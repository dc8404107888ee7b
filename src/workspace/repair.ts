import { methodOf } from "../methods/workspaceMethods.ts";
import type { AuditEntry } from "../verifier/auditTypes.ts";
import { ledgerRun, runKeys, withRestoredWorkspace, type TrainWorkspaceOptions } from "./train.ts";

/** One proof made by {@link repairWorkspace}. */
export interface RepairStep {
  entry: AuditEntry;
  bundlePath: string;
}

/**
 * Proves the repair steps of the workspace's method after its unlearnings (amnesiac: one SGD
 * step on the remaining records of every batch an unlearning touched and no repair has followed
 * since), appending each proof to the ledger as it is made. Runs under the workspace lock.
 * Resolves to the steps proved now (none when there is nothing to repair).
 * @throws Error for a method without repair steps (naming it); LedgerAppendError when the ledger refuses a proof
 */
export async function repairWorkspace(dir: string, options: TrainWorkspaceOptions = {}): Promise<RepairStep[]> {
  const log = options.log ?? (() => {});
  return withRestoredWorkspace(dir, options, async (ledger, ws) => {
    const method = methodOf(ws);
    if (!method.repair) {
      throw new Error(`${ledger.path}: profile ${ws.profile.name} proves ${method.description}, which has no repair steps; repair is for an approximate method whose unlearning leaves a gap to close (amnesiac)`);
    }
    const steps: RepairStep[] = [];
    await method.repair(ws, ledgerRun(ledger, dir, runKeys(ws.profile, options, log), log, (step, entry, bundlePath) => {
      steps.push({ entry, bundlePath });
      log(`${step.label}: proved in ${step.proveSeconds.toFixed(1)} s → ledger entry ${entry.seq}, ${bundlePath}`);
    }));
    return steps;
  });
}
