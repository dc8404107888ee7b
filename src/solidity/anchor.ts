import { readFile } from "node:fs/promises";
import { join } from "node:path";
import { packageRoot } from "../circuits/paths.ts";
import type { TrustedKey } from "../verifier/types.ts";
import { contractName } from "./verifierSource.ts";

/**
 * The anchoring contract of a profile, rendered from `contracts/TransitionAnchor.sol`: a
 * per-controller registry of the current state that advances only on a verified transition
 * from the current state (see the contract's comments).
 */

/** Where a profile's transition sits among its public signals. */
export interface TransitionLayout {
  signals: number;
  oldIndex: number;
  newIndex: number;
}

/**
 * The (old, new) public signals of each statement that moves a state: the same pairs that
 * `statementTransition` reads from a statement (dataset deletion: data roots; SISA: states).
 */
const TRANSITION_SIGNALS: readonly (readonly [string, string])[] = [["oldRoot", "newRoot"], ["oldState", "newState"]];

/**
 * The layout of a key's transition.
 * @throws Error when the profile's statement moves no state (e.g. an accuracy attestation).
 */
export function transitionLayout(key: TrustedKey): TransitionLayout {
  const names = key.manifest.publicSignals;
  for (const [from, to] of TRANSITION_SIGNALS) {
    const oldIndex = names.indexOf(from), newIndex = names.indexOf(to);
    if (oldIndex >= 0 && newIndex >= 0) return { signals: names.length, oldIndex, newIndex };
  }
  throw new Error(`profile ${key.manifest.profile} (public signals ${names.join(", ")}) proves no state transition, so it has no anchor: anchor the profile whose proofs move the state`);
}

/** `TransitionAnchor.sol` rendered for a key's profile: contract `<Profile>Anchor`, interface `I<Profile>Verifier`. */
export async function anchorContract(key: TrustedKey): Promise<string> {
  const { profile, vkeyHash, security } = key.manifest;
  const layout = transitionLayout(key);
  const path = join(packageRoot(), "contracts", "TransitionAnchor.sol");
  let source: string;
  try {
    source = await readFile(path, "utf8");
  } catch (error) {
    throw new Error(`cannot read the anchor contract ${path}: ${(error as NodeJS.ErrnoException).code ?? (error as Error).message}`);
  }
  const fill = (marker: string, value: number) => {
    const pattern = new RegExp(`/\\*${marker}\\*/\\d+`, "g");
    if (!pattern.test(source)) throw new Error(`${path} has no /*${marker}*/ marker`);
    source = source.replace(pattern, `/*${marker}*/${value}`);
  };
  fill("SIGNALS", layout.signals);
  fill("OLD", layout.oldIndex);
  fill("NEW", layout.newIndex);
  const [spdx, ...rest] = source.split("\n");
  const header = [
    `// zkforget: anchor of profile ${profile}; deploy it with the address of ${contractName(profile)} (verification key sha256 ${vkeyHash}${security === "insecure-dev" ? ", an INSECURE dev key: do not deploy" : ""}).`,
    `// Public signals, in order: ${key.manifest.publicSignals.join(", ")}; old state = [${layout.oldIndex}], new state = [${layout.newIndex}].`,
  ];
  return [spdx, ...header, ...rest].join("\n")
    .replaceAll("ITransitionVerifier", `I${contractName(profile)}`)
    .replaceAll("contract TransitionAnchor ", `contract ${contractName(profile, "Anchor")} `);
}
