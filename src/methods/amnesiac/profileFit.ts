import { pad, type ProfileFit } from "../../circuits/suggestProfile.ts";

/**
 * Which AmnesiacUnlearn(D, b, F, E, K) profiles take a dataset: the same feature count and a
 * slot per record. An amnesiac profile comes with its `train` companion (an AmnesiacTrain
 * profile of the same shape; CircuitProfile.companions), so no single new profile is suggested:
 * the error says to add the pair.
 */
export const amnesiacProfileFit: ProfileFit = {
  needs: "amnesiac unlearning needs AmnesiacUnlearn",
  slots: (profile) => 2 ** profile.params[0]!,
  misfit: (profile, shape) => (profile.params[2] !== shape.features ? `data has ${shape.features} features; profile ${profile.name} takes ${profile.params[2]}` : undefined),
  cost: (profile) => [profile.params[0]!, profile.params[3]!, profile.params[4]!].map(pad).join(),
  describe: (shape) => [`${shape.features} features`],
  newProfiles(shape) {
    throw new RangeError(`no amnesiac profile takes ${shape.records} records with ${shape.features} features; an amnesiac workspace proves under a pair of profiles ` +
      "(AmnesiacUnlearn naming its AmnesiacTrain profile in \"companions\".train): add that pair to zkforget.config.json, modelled on amnesiac-unlearn-d4-b1-f2-e2-k2 in circuits/profiles.json");
  },
};
