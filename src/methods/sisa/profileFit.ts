import { ceilLog2 } from "../../ml/bounds.ts";
import { shardProfileParams } from "../../ml/config.ts";
import { MODEL_ACCURACY_TEMPLATE } from "../../statements/accuracy.ts";
import { validateProfile } from "../../circuits/profiles.ts";
import { modelProfile, newAccuracyProfile, pad, type ProfileFit } from "../../circuits/suggestProfile.ts";

/** Epochs and deletions per proof of a suggested new SISA profile: the demo profile's. */
const SUGGESTED_EPOCHS = 10;
const SUGGESTED_SISA_K = 3;

/** Which ShardRetrain profiles take a dataset: the same feature count, the shards asked for, a slot per record. */
export const sisaProfileFit: ProfileFit = {
  needs: "SISA training needs ShardRetrain",
  slots: (profile) => 2 ** profile.params[1]!,
  misfit(profile, shape) {
    const p = shardProfileParams(profile.params);
    if (p.features !== shape.features) return `data has ${shape.features} features; profile ${profile.name} takes ${p.features}`;
    if (shape.shards !== undefined && 2 ** p.shardDepth !== shape.shards) return `${shape.shards} shards asked for; profile ${profile.name} has ${2 ** p.shardDepth}`;
    return undefined;
  },
  // Fewest slots, then fewest epochs, then fewest deletions per proof: the cheapest proofs.
  cost: (profile) => [profile.params[1]!, profile.params[3]!, profile.params[4]!].map(pad).join(),
  describe: (shape) => [`${shape.features} features`],
  /**
   * 2^S = the shards asked for, else up to 8 shards of at least 32 slots; depth the smallest that
   * holds the records and the test set; the demo's epochs and K; and, with a test set, the
   * matching accuracy profile unless one exists.
   */
  newProfiles(shape, profiles) {
    const records = Math.max(shape.records, shape.testRecords ?? 0, 1);
    let shardDepth: number;
    if (shape.shards !== undefined) {
      shardDepth = ceilLog2(shape.shards);
      if (2 ** shardDepth !== shape.shards || shardDepth < 1) throw new RangeError(`--shards ${shape.shards}: the shard count must be a power of two, at least 2`);
    } else {
      shardDepth = Math.min(3, Math.max(1, ceilLog2(records) - 5));
    }
    const dataDepth = Math.max(shardDepth + 1, ceilLog2(records));
    const params = [shardDepth, dataDepth, shape.features, SUGGESTED_EPOCHS, SUGGESTED_SISA_K];
    shardProfileParams(params); // names the parameter no profile can take (e.g. features > 64)
    const m = modelProfile("ShardRetrain", profiles);
    const sisa = validateProfile({
      name: `sisa-d${dataDepth}-s${shardDepth}-f${shape.features}-e${SUGGESTED_EPOCHS}-k${SUGGESTED_SISA_K}`,
      description: `SISA shard (re)training, ${2 ** dataDepth} slots in ${2 ** shardDepth} shards, ${shape.features} features, ${SUGGESTED_EPOCHS} epochs, up to ${SUGGESTED_SISA_K} deletions`,
      template: m.template, source: m.source, params, publicSignals: m.publicSignals,
    });
    const out = [sisa];
    const accuracyParams = [shardDepth, shape.features, dataDepth];
    const haveAccuracy = profiles.some((p) => p.template === MODEL_ACCURACY_TEMPLATE && p.params.join() === accuracyParams.join());
    if (shape.testRecords !== undefined && !haveAccuracy) out.push(newAccuracyProfile(accuracyParams, profiles, `of ${sisa.name} `));
    return out;
  },
};
