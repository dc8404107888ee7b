import type { KeyManifest } from "../keys/manifest.ts";
import { DEFAULT_TRAINING_POLICY, type TrainingPolicy } from "../ml/publicConfig.ts";
import { STATEMENT_KINDS, statementKindOfTemplate, statementKindOf } from "../methods/statementKinds.ts";
import { isObject } from "./statementFields.ts";
import type { Statement } from "./types.ts";

/**
 * What the verifier knows about each statement: which template proves it, and how its
 * readable form must agree with the public signals. The per-statement rules live with their
 * method (src/methods/<method>/, registered in src/methods/statementKinds.ts); this module
 * dispatches to them.
 */

export { deletionDigestOf, isObject, poseidonLite } from "./statementFields.ts";

/** Statement type a template proves (from the registry). */
export const STATEMENT_OF_TEMPLATE: Readonly<Record<string, Statement["type"]>> = Object.fromEntries(
  STATEMENT_KINDS.map((k) => [k.template, k.type as Statement["type"]]),
);

/**
 * Checks that a statement agrees with the public signals and the key's parameters.
 * Returns the problems found (empty if none). Never throws.
 */
export function checkStatement(
  statement: unknown,
  signals: readonly string[],
  manifest: KeyManifest,
  policy: TrainingPolicy = DEFAULT_TRAINING_POLICY,
): string[] {
  const kind = statementKindOfTemplate(manifest.template);
  if (!kind) return [`the key for profile ${manifest.profile} proves template ${manifest.template}, which this verifier does not know`];
  if (!isObject(statement)) return ["bundle.statement is not an object"];
  if (statement.type !== kind.type) {
    return [`bundle.statement.type is ${JSON.stringify(statement.type)} but profile ${manifest.profile} proves "${kind.type}"`];
  }
  return kind.check(statement, signals, manifest, policy);
}

/** One line saying what a statement claims, for reports and the CLI. */
export function describeStatement(s: Statement): string {
  const kind = statementKindOf(s);
  return kind ? kind.describe(s as unknown as Record<string, unknown>) : `a ${JSON.stringify((s as { type?: unknown }).type)} statement, which this verifier does not know`;
}

/** The profiles of the proofs a statement embeds (StatementKind.embeddedProofs), distinct, in order; [] when none. */
export function embeddedProfiles(statement: unknown, manifest: KeyManifest): string[] {
  const kind = statementKindOfTemplate(manifest.template);
  if (!kind?.embeddedProofs || !isObject(statement)) return [];
  const listed = kind.embeddedProofs(statement, manifest);
  return [...new Set(listed.flatMap((e) => (typeof e === "object" && typeof e.profile === "string" ? [e.profile] : [])))];
}
