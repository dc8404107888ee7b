/**
 * The evaluation part of each unlearning method, in one table by workspace kind: `zkforget
 * evaluate` looks the workspace's method up here. An entry measures forgetting records from a
 * workspace state (on a copy: nothing is written) and returns the evaluation document and its
 * summary. Each entry lives in its method's folder (src/methods/<method>/evaluation.ts) and
 * composes that method's parts — retraining from scratch without the forget set, the attack
 * scores of a record, the proof cost of the deletion — with the shared metrics of this folder.
 */
import { amnesiacMethodEvaluation } from "../methods/amnesiac/evaluation.ts";
import { ridgeMethodEvaluation } from "../methods/ridge/evaluation.ts";
import { sisaMethodEvaluation } from "../methods/sisa/evaluation.ts";
import type { WorkspaceState } from "../methods/workspaceMethods.ts";

/** What `zkforget evaluate` hands an entry. */
export interface EvaluationRequest {
  forgetIds: readonly string[];
  /** The workspace directory, for messages. */
  dir: string;
  log: (message: string) => void;
  /** Prove the full-retrain baseline too. */
  baselineProofs: boolean;
  seed?: string;
}

/** One method's evaluation. */
export interface MethodEvaluation<W extends WorkspaceState> {
  kind: W["kind"];
  /** Measures the request on `ws`. @throws Error naming what is missing (a test set, a trained model) or wrong (an id) */
  evaluate(ws: W, request: EvaluationRequest): Promise<{ document: object; summary: string }>;
}

const EVALUATIONS: readonly MethodEvaluation<WorkspaceState>[] = [
  sisaMethodEvaluation as unknown as MethodEvaluation<WorkspaceState>,
  ridgeMethodEvaluation as unknown as MethodEvaluation<WorkspaceState>,
  amnesiacMethodEvaluation as unknown as MethodEvaluation<WorkspaceState>,
];

/** The evaluation of a workspace's method. @throws Error for a method that has none (naming the ones that do) */
export function evaluationOf(ws: WorkspaceState): MethodEvaluation<WorkspaceState> {
  const entry = EVALUATIONS.find((e) => e.kind === ws.kind);
  if (!entry) throw new Error(`profile ${ws.profile.name} makes ${ws.kind} workspaces, which keep no model to evaluate; evaluate works on ${EVALUATIONS.map((e) => e.kind).join(", ")} workspaces`);
  return entry;
}
