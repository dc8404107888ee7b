pragma circom 2.1.0;

// Poseidon over BN254, the same function as circomlib's Poseidon(nInputs) (circomlib 2.0.5: its
// round constants, MDS and sparse matrices, 8 full rounds and its partial-round counts, initial
// state 0), so every hash equals src/crypto/poseidon.ts (circomlibjs). Only how it is written
// differs, for the compiler's sake:
//
// circomlib builds each linear layer (Ark, Mix, MixS) as a component whose outputs are signals:
// about 1,400 linear signals per Poseidon(16) that circom's --O2 then substitutes away one by
// one, and that substitution was most of our compile time (a PoseidonSponge over 1,511 values:
// 98.7 s). Here the linear layers are `var` linear combinations and only S-box values are
// signals, so there is nothing to substitute: the same 61,365 constraints and 62,877 wires
// after --O2, compiled in 17.1 s (circom2 0.2.23, same machine, side by side).

include "circomlib/circuits/poseidon_constants.circom";

// Partial-round counts of circomlib's Poseidon, indexed by t - 2 (t = nInputs + 1).
function POSEIDON_PARTIAL_ROUNDS(t) {
    var N_ROUNDS_P[16] = [56, 57, 56, 60, 60, 63, 64, 63, 60, 66, 60, 65, 70, 60, 64, 68];
    return N_ROUNDS_P[t - 2];
}

// Pow5() constrains out = in^5 (Poseidon's S-box): 3 constraints.
template Pow5() {
    signal input in;
    signal output out;

    signal in2 <== in * in;
    signal in4 <== in2 * in2;
    out <== in4 * in;
}

// PoseidonRounds(nInputs, inputsSboxed) constrains out = Poseidon(x) (circomlib's, nInputs
// inputs) where
//   - inputsSboxed = 0: x = inputs;
//   - inputsSboxed = 1: inputs[i] = (x[i] + C[i + 1])^5 is already the first S-box layer of
//     lane i + 1 (C = POSEIDON_C(nInputs + 1)), constrained by the CALLER: MerkleTwinLevel
//     shares one sibling's S-box between two hashes this way.
// Every S-box is 3 constraints; everything between S-boxes is linear and kept in vars. The
// capacity lane starts at 0, so its first S-box is the constant C[0]^5.
// Cost: 3 x (8 t + partial rounds - 1) constraints, less 3 nInputs when inputsSboxed.
template PoseidonRounds(nInputs, inputsSboxed) {
    signal input inputs[nInputs];
    signal output out;

    var t = nInputs + 1;
    var nRoundsF = 8;
    var nRoundsP = POSEIDON_PARTIAL_ROUNDS(t);
    var C[t * nRoundsF + nRoundsP] = POSEIDON_C(t);
    var S[nRoundsP * (t * 2 - 1)] = POSEIDON_S(t);
    var M[t][t] = POSEIDON_M(t);
    var P[t][t] = POSEIDON_P(t);

    // S-box signals, numbered in the order they are computed.
    var nSbox = nRoundsF * t + nRoundsP - 1 - (inputsSboxed == 1 ? nInputs : 0);
    signal x2[nSbox];
    signal x4[nSbox];
    signal x5[nSbox];
    var k = 0;

    // state: the linear combination entering each lane's next S-box.
    var state[t];
    state[0] = C[0];
    for (var j = 1; j < t; j++) {
        state[j] = inputs[j - 1] + C[j];
    }

    for (var r = 0; r < nRoundsF; r++) {
        // Full round: S-box on every lane.
        var sboxed[t];
        for (var j = 0; j < t; j++) {
            if (r == 0 && j == 0) {
                sboxed[0] = C[0] * C[0] * C[0] * C[0] * C[0];
            } else if (r == 0 && inputsSboxed == 1) {
                sboxed[j] = inputs[j - 1];
            } else {
                x2[k] <== state[j] * state[j];
                x4[k] <== x2[k] * x2[k];
                x5[k] <== x4[k] * state[j];
                sboxed[j] = x5[k];
                k++;
            }
        }
        if (r == nRoundsF - 1) {
            // The last round has no round constants; only lane 0 of its mix is the output.
            var lc = 0;
            for (var j = 0; j < t; j++) {
                lc += M[j][0] * sboxed[j];
            }
            out <== lc;
        } else {
            // Round constants of the next round (circomlib's Ark offsets), then the mix: M, or P
            // before the partial rounds (circomlib's optimised form).
            var offset = r < nRoundsF \ 2 ? (r + 1) * t : (nRoundsF \ 2 + 1) * t + nRoundsP + (r - nRoundsF \ 2) * t;
            for (var j = 0; j < t; j++) {
                sboxed[j] += C[offset + j];
            }
            for (var i = 0; i < t; i++) {
                var lc = 0;
                for (var j = 0; j < t; j++) {
                    lc += (r == nRoundsF \ 2 - 1 ? P[j][i] : M[j][i]) * sboxed[j];
                }
                state[i] = lc;
            }
            if (r == nRoundsF \ 2 - 1) {
                // Partial rounds: S-box on lane 0 only, then circomlib's sparse mix (MixS).
                for (var p = 0; p < nRoundsP; p++) {
                    x2[k] <== state[0] * state[0];
                    x4[k] <== x2[k] * x2[k];
                    x5[k] <== x4[k] * state[0];
                    var s0 = x5[k] + C[(nRoundsF \ 2 + 1) * t + p];
                    k++;
                    var lc = S[(t * 2 - 1) * p] * s0;
                    for (var i = 1; i < t; i++) {
                        lc += S[(t * 2 - 1) * p + i] * state[i];
                    }
                    for (var i = 1; i < t; i++) {
                        state[i] = state[i] + s0 * S[(t * 2 - 1) * p + t + i - 1];
                    }
                    state[0] = lc;
                }
            }
        }
    }
    assert(k == nSbox);
}

// PoseidonHash(nInputs) constrains out = Poseidon(inputs): circomlib's Poseidon(nInputs), with
// the same interface (inputs[nInputs], out).
template PoseidonHash(nInputs) {
    signal input inputs[nInputs];
    signal output out;

    component rounds = PoseidonRounds(nInputs, 0);
    rounds.inputs <== inputs;
    out <== rounds.out;
}
