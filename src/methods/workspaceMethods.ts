import type { CircuitProfile } from "../circuits/profiles.ts";
import { deletionWorkspaceMethod, type DeletionWorkspace } from "./deletion/workspace.ts";
import { sisaWorkspaceMethod, type SisaWorkspace } from "./sisa/workspace.ts";
import { ridgeWorkspaceMethod, type RidgeWorkspace } from "./ridge/workspace.ts";
import { amnesiacWorkspaceMethod, type AmnesiacWorkspace } from "./amnesiac/workspace.ts";
import type { WorkspaceMethod } from "./workspaceMethod.ts";

/**
 * The registry of unlearning methods, controller side: one line per method in
 * WORKSPACE_METHODS and one member in WorkspaceState. The workspace (commit, snapshot, restore,
 * forget, train) looks the method up here by the workspace kind or the profile's template.
 */

/** A workspace's state, whatever its method. */
export type WorkspaceState = DeletionWorkspace | SisaWorkspace | RidgeWorkspace | AmnesiacWorkspace;

/** Every method, by its workspace kind. */
export const WORKSPACE_METHODS: readonly WorkspaceMethod<WorkspaceState>[] = [
  deletionWorkspaceMethod as unknown as WorkspaceMethod<WorkspaceState>,
  sisaWorkspaceMethod as unknown as WorkspaceMethod<WorkspaceState>,
  ridgeWorkspaceMethod as unknown as WorkspaceMethod<WorkspaceState>,
  amnesiacWorkspaceMethod as unknown as WorkspaceMethod<WorkspaceState>,
];

/** The method `zkforget commit` uses without --profile: with training options, and without. */
export const DEFAULT_METHOD_KINDS = Object.freeze({ training: sisaWorkspaceMethod.kind, plain: deletionWorkspaceMethod.kind });

/** The method of a workspace state (typed for that state). */
export function methodOf<W extends WorkspaceState>(ws: W): WorkspaceMethod<W> {
  return methodOfKind(ws.kind) as unknown as WorkspaceMethod<W>;
}

/** The method of a workspace kind. @throws Error for a kind no method registers */
export function methodOfKind(kind: string): WorkspaceMethod<WorkspaceState> {
  const method = WORKSPACE_METHODS.find((m) => m.kind === kind);
  if (!method) throw new Error(`no unlearning method makes ${JSON.stringify(kind)} workspaces (known: ${WORKSPACE_METHODS.map((m) => m.kind).join(", ")})`);
  return method;
}

/** The method a dataset is committed with under `profile`. @throws Error naming the profile when none proves its template */
export function methodForProfile(profile: CircuitProfile): WorkspaceMethod<WorkspaceState> {
  const method = WORKSPACE_METHODS.find((m) => m.template === profile.template);
  if (!method) throw new Error(`profile ${profile.name} (${profile.template}) cannot be committed as a workspace`);
  return method;
}
