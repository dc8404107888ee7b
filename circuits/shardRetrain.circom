pragma circom 2.1.0;

include "circomlib/circuits/bitify.circom";
include "lib/poseidon.circom";
include "lib/merkle_tree.circom";
include "lib/record.circom";
include "lib/shard_deletions.circom";
include "lib/sponge.circom";
include "lib/training.circom";
include "lib/training_params.circom";

// ShardRetrain(shardDepth, dataDepth, features, epochs, K) constrains, for a SISA system whose
// dataset tree has 2^dataDepth slots in 2^shardDepth shards of n = 2^(dataDepth - shardDepth)
// slots (shard k = the subtree at position k, i.e. the top shardDepth bits of a slot index):
//
//   oldState = Poseidon(oldDataRoot, oldModelRoot, configHash)
//   newState = Poseidon(newDataRoot, newModelRoot, configHash)      (the same configHash)
//   - shard k's subtree root sits at position k of both data roots along the same shardDepth
//     siblings: no other shard changes;
//   - inside shard k, newDataRoot arises from oldDataRoot by emptying up to K distinct,
//     previously non-empty slots of shard k, and nothing else (ShardDeletions);
//   - every non-empty slot i of the new shard opens to a record: leaf_i = Poseidon(recordHash(
//     label_i, feature_i), salt_i) with live_i = 1; empty and deleted slots have live_i = 0;
//   - newWeights = LogisticTraining over exactly the live records from initialWeights, with
//     learningRate and l2 (src/ml/trainer.ts);
//   - new model leaf k = Poseidon(weightsHash(newWeights), newModelSalt) sits at position k of
//     newModelRoot, and oldModelRoot has any leaf (oldModelLeaf) at k along the same siblings:
//     retraining replaces shard k's model and no other;
//   - configHash = PoseidonSponge(ALGORITHM_ID, FRACTION_BITS, FEATURE_BOUND_BITS,
//     WEIGHT_BOUND_BITS, features, epochs, learningRate, l2, weightsHash(initialWeights),
//     dataDepth, shardDepth, K, testRoot, scalingHash) (src/ml/config.ts): testRoot, the
//     committed test set, and scalingHash, the feature scaling applied at commit
//     (src/ml/featureScaling.ts, 0 for none), are only carried into the hash so that the state
//     pins them;
//   - deletionDigest = PoseidonSponge(k, index_0, leaf_0, ..., index_{K-1}, leaf_{K-1}) with
//     GLOBAL slot indices, deletions first in increasing order, padding (0, 0). Binding k tells
//     the verifier which shard was retrained; with zero deletions this proves genesis training.
//
// Public inputs, in this order: oldState, newState, deletionDigest.
// Private inputs: shard; dataSiblings[shardDepth] (bottom-up, above the shard subtree);
// oldModelLeaf, modelSiblings[shardDepth], newModelSalt; per slot i < n (slot order): live[i],
// feature[i][features], label[i], salt[i] (zeros for empty and deleted slots); per deletion
// entry j < K: delActive[j], delIndex[j] (global slot index), delLeaf[j],
// delSiblings[j][dataDepth - shardDepth] (see ShardDeletions); config:
// learningRate, l2, initialWeights[features + 1], testRoot, scalingHash.
//
// Cost with --O2 (n slots, F features, E epochs, c = dataDepth - shardDepth, zBits =
// LOGIT_BOUND_BITS(F) = 45 for F = 16):
//   training per slot and epoch: 2F products (w.x and err.x) + HardSigmoid (zBits + 6) + 1 (mask);
//   per weight and epoch: WeightUpdate (24 + 32 + c bits) + 2 products (1 for the bias);
//   once per slot: F x 18 feature bits + label + live, RecordHash (Poseidon over ceil((F+1)/7)
//   packed limbs) + MaskedLeaf (Poseidon(2) + 1); the shard subtree (n - 1) Poseidon(2); the
//   deletions K x (480 c + D + 5) + (K - 1) D; two twin paths 2 x 479 S; the rest (weight and
//   config hashes, states, digest) about 3.4k.
// Measured before scalingHash: sisa-d8-s3-f16-e10-k3 (n = 32) 84,276 = training 47,304 (117.4 per slot-epoch:
// 84 per slot + 1,070 per epoch for the 17 weight updates; 9,724 once for the input bounds) +
// record openings 16,064 (32 x 502) + subtree 7,440 + deletions 7,234 + twin paths 2,874 + rest
// 3,360. sisa-d9-s3-f16-e10-k4 (n = 64) 148,684 before testRoot joined the config hash (101.0
// per slot-epoch); the 13-value config sponge costs 39 more than the 12-value one did, and the
// 14-value one (with scalingHash) 6 fewer than the 13-value one: sisa-d8-s3-f16-e10-k3 84,270.
template ShardRetrain(shardDepth, dataDepth, features, epochs, K) {
    var S = shardDepth;
    var c = dataDepth - shardDepth;
    var n = 2 ** c;
    var W = features + 1;
    assert(S >= 1 && c >= 1 && dataDepth <= 32);

    signal input oldState;
    signal input newState;
    signal input deletionDigest;

    signal input shard;
    signal input dataSiblings[S];
    signal input oldModelLeaf;
    signal input modelSiblings[S];
    signal input newModelSalt;
    signal input live[n];
    signal input feature[n][features];
    signal input label[n];
    signal input salt[n];
    signal input delActive[K];
    signal input delIndex[K];
    signal input delLeaf[K];
    signal input delSiblings[K][c];
    signal input learningRate;
    signal input l2;
    signal input initialWeights[W];
    signal input testRoot;
    signal input scalingHash;

    // k < 2^S; its bits are the path of shard k in both trees.
    component shardBits = Num2Bits(S);
    shardBits.in <== shard;

    // Training, with every input bound checked (live boolean, features, labels, config).
    component training = LogisticTraining(c, features, epochs);
    training.live <== live;
    training.feature <== feature;
    training.label <== label;
    training.learningRate <== learningRate;
    training.l2 <== l2;
    training.initialWeights <== initialWeights;

    // The new shard subtree: live slots open to their records, the others are 0.
    component recordHash[n];
    component leaf[n];
    component shardTree = MerkleTreeRoot(c);
    for (var i = 0; i < n; i++) {
        recordHash[i] = RecordHash(features);
        recordHash[i].label <== label[i];
        recordHash[i].feature <== feature[i];
        leaf[i] = MaskedLeaf();
        leaf[i].live <== live[i];
        leaf[i].recordHash <== recordHash[i].out;
        leaf[i].salt <== salt[i];
        shardTree.leaves[i] <== leaf[i].leaf;
    }

    // The old shard subtree: the new one with the deleted leaves restored.
    component deletions = ShardDeletions(dataDepth, shardDepth, K);
    deletions.newShardRoot <== shardTree.root;
    deletions.shard <== shard;
    deletions.active <== delActive;
    deletions.index <== delIndex;
    deletions.leaf <== delLeaf;
    deletions.siblings <== delSiblings;

    component dataPath = MerkleTwinRoots(S);
    dataPath.oldNode <== deletions.oldShardRoot;
    dataPath.newNode <== shardTree.root;
    dataPath.siblings <== dataSiblings;
    dataPath.pathBits <== shardBits.out;

    // Model leaf k: replaced, the other shards' leaves unchanged.
    component newWeightsHash = PoseidonSponge(W);
    newWeightsHash.in <== training.weights;
    component newModelLeaf = PoseidonHash(2);
    newModelLeaf.inputs[0] <== newWeightsHash.out;
    newModelLeaf.inputs[1] <== newModelSalt;
    component modelPath = MerkleTwinRoots(S);
    modelPath.oldNode <== oldModelLeaf;
    modelPath.newNode <== newModelLeaf.out;
    modelPath.siblings <== modelSiblings;
    modelPath.pathBits <== shardBits.out;

    // configHash, recomputed from the constants, the profile and the private config values.
    component initialWeightsHash = PoseidonSponge(W);
    initialWeightsHash.in <== initialWeights;
    component configHash = PoseidonSponge(14);
    configHash.in[0] <== ALGORITHM_ID();
    configHash.in[1] <== FRACTION_BITS();
    configHash.in[2] <== FEATURE_BOUND_BITS();
    configHash.in[3] <== WEIGHT_BOUND_BITS();
    configHash.in[4] <== features;
    configHash.in[5] <== epochs;
    configHash.in[6] <== learningRate;
    configHash.in[7] <== l2;
    configHash.in[8] <== initialWeightsHash.out;
    configHash.in[9] <== dataDepth;
    configHash.in[10] <== shardDepth;
    configHash.in[11] <== K;
    configHash.in[12] <== testRoot;
    configHash.in[13] <== scalingHash;

    component oldStateHash = PoseidonHash(3);
    oldStateHash.inputs[0] <== dataPath.oldRoot;
    oldStateHash.inputs[1] <== modelPath.oldRoot;
    oldStateHash.inputs[2] <== configHash.out;
    oldState === oldStateHash.out;
    component newStateHash = PoseidonHash(3);
    newStateHash.inputs[0] <== dataPath.newRoot;
    newStateHash.inputs[1] <== modelPath.newRoot;
    newStateHash.inputs[2] <== configHash.out;
    newState === newStateHash.out;

    component digest = PoseidonSponge(1 + 2 * K);
    digest.in[0] <== shard;
    for (var j = 0; j < K; j++) {
        digest.in[1 + 2 * j] <== delIndex[j];
        digest.in[2 + 2 * j] <== delLeaf[j];
    }
    deletionDigest === digest.out;
}
