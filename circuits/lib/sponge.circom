pragma circom 2.1.0;

include "poseidon.circom";

// Number of Poseidon calls PoseidonSponge(n) makes: one over the first 16 values, then one per
// further chunk of up to 15 values (each chained call also absorbs the previous hash).
function SPONGE_CALLS(n) {
    if (n <= 16) {
        return 1;
    }
    return 1 + (n - 16 + 14) \ 15;
}

// Constrains out = spongeWith(Poseidon, in) from src/crypto/poseidon.ts: Poseidon(in) for n <= 16,
// otherwise h = Poseidon(in[0..16]) followed by h = Poseidon(h, next <= 15 values) until all n
// values are absorbed. n is fixed per instance, so the chunk sizes are fixed too.
template PoseidonSponge(n) {
    assert(n >= 1);
    signal input in[n];
    signal output out;

    var calls = SPONGE_CALLS(n);
    component h[calls];

    var first = n < 16 ? n : 16;
    h[0] = PoseidonHash(first);
    for (var i = 0; i < first; i++) {
        h[0].inputs[i] <== in[i];
    }

    var offset = first;
    for (var c = 1; c < calls; c++) {
        var size = n - offset < 15 ? n - offset : 15;
        h[c] = PoseidonHash(size + 1);
        h[c].inputs[0] <== h[c - 1].out;
        for (var i = 0; i < size; i++) {
            h[c].inputs[i + 1] <== in[offset + i];
        }
        offset += size;
    }

    out <== h[calls - 1].out;
}
