import { methodOf } from "../methods/workspaceMethods.ts";
import type { AuditEntry } from "../verifier/auditTypes.ts";
import { ledgerRun, runKeys, withRestoredWorkspace, type TrainWorkspaceOptions } from "./train.ts";

/** One proof made by {@link forgetClassInWorkspace}. */
export interface ForgetClassStep {
  entry: AuditEntry;
  bundlePath: string;
}

/**
 * Forgets every record of class `cls` from the workspace's model with its method's
 * `forgetClass` (ridge: one class-forgetting proof, whatever the class size), appending each
 * proof to the ledger as it is made. Runs under the workspace lock.
 * @throws Error for a method that cannot forget a class (naming it), or a class that is not the
 *   model's or is already forgotten; LedgerAppendError when the ledger refuses the proof
 */
export async function forgetClassInWorkspace(dir: string, cls: number, options: TrainWorkspaceOptions = {}): Promise<ForgetClassStep[]> {
  const log = options.log ?? (() => {});
  return withRestoredWorkspace(dir, options, async (ledger, ws) => {
    const method = methodOf(ws);
    if (!method.forgetClass) {
      throw new Error(`${ledger.path}: profile ${ws.profile.name} proves ${method.description}, which cannot forget a class; class forgetting is for a method that keeps per-class statistics (ridge)`);
    }
    const steps: ForgetClassStep[] = [];
    await method.forgetClass(ws, cls, ledgerRun(ledger, dir, runKeys(ws.profile, options, log), log, (step, entry, bundlePath) => {
      steps.push({ entry, bundlePath });
      log(`${step.label}: proved in ${step.proveSeconds.toFixed(1)} s → ledger entry ${entry.seq}, ${bundlePath}`);
    }));
    return steps;
  });
}
