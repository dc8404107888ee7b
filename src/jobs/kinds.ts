import type { ProvingKey } from "../keys/devKeys.ts";
import { WORKSPACE_METHODS, methodOf, type WorkspaceState } from "../methods/workspaceMethods.ts";
import type { MethodWorkspace } from "../methods/workspaceMethod.ts";
import type { ProofBundle } from "../verifier/types.ts";

/**
 * Job kinds: what one proof job does, per unlearning method. Each method's folder defines its
 * job kind (src/methods/<method>/jobKind.ts) and its WorkspaceMethod names it, so the method
 * table is the seam: the writer and the workers dispatch through it and never branch on the
 * method (a ridge model's genesis batch would be its method's job kind).
 */

/** One planned transition of a request, before it is proved. */
export interface PlannedTransition<W extends MethodWorkspace = WorkspaceState> {
  /** Records the step deletes, with their slots. */
  slots: { id: string; index: number }[];
  /** SISA: the shard retrained. */
  shard?: number;
  /** The workspace state after the step. */
  after: W;
}

/** What proving one step gives back: a public bundle only. */
export interface ProvedStep {
  bundle: ProofBundle;
  proveSeconds: number;
}

/** A kind of proof job, for the workspaces of one method (`W`). */
export interface JobKind<W extends MethodWorkspace = WorkspaceState> {
  /** Name stored in plans and job data. */
  name: string;
  /**
   * Splits the deletion of `recordIds` from `ws` into steps of at most K records and computes
   * each step's state without proving (deterministic, apart from salts chosen here).
   * @throws UnknownRecordError for an unknown or deleted id
   */
  plan(ws: W, recordIds: readonly string[]): Promise<PlannedTransition<W>[]>;
  /** Proves the planned step from `before` to `after`. */
  prove(before: W, after: W, step: { slots: { id: string }[]; shard?: number }, key: ProvingKey): Promise<ProvedStep>;
}

/**
 * Every method's job kind. A job names its kind and carries states restored from plans, so a
 * kind refuses states of another method instead of proving from a state it does not know.
 */
export const JOB_KINDS: readonly JobKind[] = WORKSPACE_METHODS.map((method): JobKind => ({
  name: method.jobKind.name,
  plan: (ws, recordIds) => method.jobKind.plan(ws, recordIds),
  prove(before, after, step, key) {
    if (before.kind !== method.kind || after.kind !== method.kind) {
      throw new Error(`${method.jobKind.name} proves ${method.kind} workspaces, not a step from ${before.kind} to ${after.kind}`);
    }
    return method.jobKind.prove(before, after, step, key);
  },
}));

/** The kind that proves deletions in `ws`. @throws Error when none does */
export function jobKindFor(ws: WorkspaceState): JobKind {
  const name = methodOf(ws).jobKind.name;
  const kind = JOB_KINDS.find((k) => k.name === name);
  if (!kind) throw new Error(`no job kind proves deletions in a ${ws.kind} workspace (profile ${ws.profile.name})`);
  return kind;
}

/** The kind named `name`. @throws Error for an unknown name (a job from another zkforget version) */
export function jobKindNamed(name: string): JobKind {
  const kind = JOB_KINDS.find((k) => k.name === name);
  if (!kind) throw new Error(`unknown job kind ${JSON.stringify(name)} (known: ${JOB_KINDS.map((k) => k.name).join(", ")})`);
  return kind;
}
