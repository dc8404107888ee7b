import { ceilLog2 } from "../../ml/bounds.ts";
import { validateProfile } from "../../circuits/profiles.ts";
import { modelProfile, pad, type ProfileFit } from "../../circuits/suggestProfile.ts";

/** Deletions per proof of a suggested new deletion profile: the CLI's former default's. */
const SUGGESTED_DELETION_K = 4;

/** Which DatasetDeletion(depth, K) profiles take a dataset: any that has a slot per record. */
export const deletionProfileFit: ProfileFit = {
  needs: "a deletion-only commitment needs DatasetDeletion",
  slots: (profile) => 2 ** profile.params[0]!,
  misfit: () => undefined,
  cost: (profile) => [profile.params[0]!, profile.params[1]!].map(pad).join(),
  describe: () => [],
  newProfiles(shape, profiles) {
    const depth = Math.max(1, ceilLog2(Math.max(shape.records, 1)));
    const m = modelProfile("DatasetDeletion", profiles);
    return [validateProfile({
      name: `deletion-d${depth}-k${SUGGESTED_DELETION_K}`, description: `Dataset deletion, ${2 ** depth} slots, up to ${SUGGESTED_DELETION_K} deletions`,
      template: m.template, source: m.source, params: [depth, SUGGESTED_DELETION_K], publicSignals: m.publicSignals,
    })];
  },
};
