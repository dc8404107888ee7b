pragma circom 2.1.0;

// Record hashes and dataset leaves as in src/dataset/leaf.ts.

include "poseidon.circom";
include "sponge.circom";

// Bits of one packed value and values per field element (leaf.ts: RECORD_SLOT_BITS,
// RECORD_VALUES_PER_LIMB).
function RECORD_SLOT_BITS() { return 33; }
function RECORD_VALUES_PER_LIMB() { return 7; }

// Constrains out = recordHash(label, feature) of src/dataset/leaf.ts: the values [label,
// feature[0], ..., feature[n-1]] mapped to v + 2^32 and packed seven to a limb (33 bits each),
// then PoseidonSponge over the limbs. The limbs are linear in the inputs (no constraints), which
// is the same function as leaf.ts only when every |value| <= 2^31: the CALLER must range-check
// them (ShardRetrain does, through LogisticTraining).
template RecordHash(n) {
    signal input label;
    signal input feature[n];
    signal output out;

    var perLimb = RECORD_VALUES_PER_LIMB();
    var limbs = (n + 1 + perLimb - 1) \ perLimb;
    component sponge = PoseidonSponge(limbs);
    for (var m = 0; m < limbs; m++) {
        var limb = 0;
        for (var t = 0; t < perLimb; t++) {
            var v = m * perLimb + t;
            if (v == 0) {
                limb += (label + 2 ** 32) * 2 ** (RECORD_SLOT_BITS() * t);
            } else if (v <= n) {
                limb += (feature[v - 1] + 2 ** 32) * 2 ** (RECORD_SLOT_BITS() * t);
            }
        }
        sponge.in[m] <== limb;
    }
    out <== sponge.out;
}

// Constrains leaf = live ? Poseidon(recordHash, salt) : 0, with live boolean (constrained by the
// CALLER): a live slot's leaf opens to its record, a masked slot is empty.
template MaskedLeaf() {
    signal input live;
    signal input recordHash;
    signal input salt;
    signal output leaf;

    component hash = PoseidonHash(2);
    hash.inputs[0] <== recordHash;
    hash.inputs[1] <== salt;
    leaf <== live * hash.out;
}
