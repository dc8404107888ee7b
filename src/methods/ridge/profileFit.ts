import { pad, type ProfileFit } from "../../circuits/suggestProfile.ts";

/**
 * Which RidgeDeletion(depth, d, C, K) profiles take a dataset: the same feature count and a slot
 * per record. (The class count is checked at commit, against the labels.) A ridge profile comes
 * with its companions (batch, genesis, class forgetting, accuracy; CircuitProfile.companions), so
 * no single new profile is suggested: the error says to add the set.
 */
export const ridgeProfileFit: ProfileFit = {
  needs: "ridge (model shifting) needs RidgeDeletion",
  slots: (profile) => 2 ** profile.params[0]!,
  misfit: (profile, shape) => (profile.params[1] !== shape.features ? `data has ${shape.features} features; profile ${profile.name} takes ${profile.params[1]}` : undefined),
  cost: (profile) => [profile.params[0]!, profile.params[3]!].map(pad).join(),
  describe: (shape) => [`${shape.features} features`],
  newProfiles(shape) {
    throw new RangeError(`no ridge profile takes ${shape.records} records with ${shape.features} features; a ridge workspace proves under a set of five profiles ` +
      "(RidgeGenesisBatch, RidgeGenesis, RidgeDeletion naming the others in its \"companions\", RidgeClassForget, RidgeAccuracy): add that set to zkforget.config.json, modelled on ridge-deletion-d4-f2-c3-k2 in circuits/profiles.json");
  },
};
