pragma circom 2.1.0;

// Poseidon split after its first S-box layer, so that callers hashing several inputs that share
// a value (the two Merkle paths of a deletion share every sibling) compute that value's S-box
// once. Everything here is circomlib's `PoseidonEx(nInputs, 1)` with initialState = 0, round for
// round and with circomlib's constants; only the first S-box layer is moved to the caller.

include "circomlib/circuits/poseidon.circom";

// Partial-round counts of circomlib's Poseidon, indexed by t - 2 (t = nInputs + 1).
function POSEIDON_PARTIAL_ROUNDS(t) {
    var N_ROUNDS_P[16] = [56, 57, 56, 60, 60, 63, 64, 63, 60, 66, 60, 65, 70, 60, 64, 68];
    return N_ROUNDS_P[t - 2];
}

// Constrains out = Poseidon(inputs) (circomlib's function, nInputs inputs) given only
// sboxed[i] = (inputs[i] + C[i + 1])^5, the first S-box layer of each input lane, where
// C = POSEIDON_C(nInputs + 1) (circomlib's round constants). The caller is responsible for constraining `sboxed`; this template constrains the
// remaining 8 full and all partial rounds exactly as circomlib's PoseidonEx does.
template PoseidonAfterFirstSbox(nInputs) {
    signal input sboxed[nInputs];
    signal output out;

    var t = nInputs + 1;
    var nRoundsF = 8;
    var nRoundsP = POSEIDON_PARTIAL_ROUNDS(t);
    var C[t*nRoundsF + nRoundsP] = POSEIDON_C(t);
    var S[nRoundsP * (t*2 - 1)] = POSEIDON_S(t);
    var M[t][t] = POSEIDON_M(t);
    var P[t][t] = POSEIDON_P(t);

    component ark[nRoundsF];
    component sigmaF[nRoundsF][t];
    component sigmaP[nRoundsP];
    component mix[nRoundsF - 1];
    component mixS[nRoundsP];
    component mixLast = MixLast(t, M, 0);

    // First half of the full rounds. Round 0's S-box layer is the input; circomlib's ark[0] has
    // been folded into it by the caller.
    for (var r = 0; r < nRoundsF\2 - 1; r++) {
        ark[r + 1] = Ark(t, C, (r + 1)*t);
        for (var j = 0; j < t; j++) {
            if (r == 0) {
                if (j == 0) {
                    // The capacity lane starts at 0, so its first S-box output is the constant C[0]^5.
                    ark[1].in[0] <== C[0]*C[0]*C[0]*C[0]*C[0];
                } else {
                    ark[1].in[j] <== sboxed[j - 1];
                }
            } else {
                sigmaF[r][j] = Sigma();
                sigmaF[r][j].in <== mix[r - 1].out[j];
                ark[r + 1].in[j] <== sigmaF[r][j].out;
            }
        }
        mix[r] = Mix(t, M);
        for (var j = 0; j < t; j++) {
            mix[r].in[j] <== ark[r + 1].out[j];
        }
    }

    for (var j = 0; j < t; j++) {
        sigmaF[nRoundsF\2 - 1][j] = Sigma();
        sigmaF[nRoundsF\2 - 1][j].in <== mix[nRoundsF\2 - 2].out[j];
    }
    ark[nRoundsF\2] = Ark(t, C, (nRoundsF\2)*t);
    for (var j = 0; j < t; j++) {
        ark[nRoundsF\2].in[j] <== sigmaF[nRoundsF\2 - 1][j].out;
    }
    mix[nRoundsF\2 - 1] = Mix(t, P);
    for (var j = 0; j < t; j++) {
        mix[nRoundsF\2 - 1].in[j] <== ark[nRoundsF\2].out[j];
    }

    // Partial rounds (circomlib's sparse-matrix form).
    for (var r = 0; r < nRoundsP; r++) {
        sigmaP[r] = Sigma();
        if (r == 0) {
            sigmaP[r].in <== mix[nRoundsF\2 - 1].out[0];
        } else {
            sigmaP[r].in <== mixS[r - 1].out[0];
        }
        mixS[r] = MixS(t, S, r);
        for (var j = 0; j < t; j++) {
            if (j == 0) {
                mixS[r].in[j] <== sigmaP[r].out + C[(nRoundsF\2 + 1)*t + r];
            } else if (r == 0) {
                mixS[r].in[j] <== mix[nRoundsF\2 - 1].out[j];
            } else {
                mixS[r].in[j] <== mixS[r - 1].out[j];
            }
        }
    }

    // Second half of the full rounds.
    for (var r = 0; r < nRoundsF\2 - 1; r++) {
        for (var j = 0; j < t; j++) {
            sigmaF[nRoundsF\2 + r][j] = Sigma();
            if (r == 0) {
                sigmaF[nRoundsF\2 + r][j].in <== mixS[nRoundsP - 1].out[j];
            } else {
                sigmaF[nRoundsF\2 + r][j].in <== mix[nRoundsF\2 + r - 1].out[j];
            }
        }
        ark[nRoundsF\2 + r + 1] = Ark(t, C, (nRoundsF\2 + 1)*t + nRoundsP + r*t);
        for (var j = 0; j < t; j++) {
            ark[nRoundsF\2 + r + 1].in[j] <== sigmaF[nRoundsF\2 + r][j].out;
        }
        mix[nRoundsF\2 + r] = Mix(t, M);
        for (var j = 0; j < t; j++) {
            mix[nRoundsF\2 + r].in[j] <== ark[nRoundsF\2 + r + 1].out[j];
        }
    }

    for (var j = 0; j < t; j++) {
        sigmaF[nRoundsF - 1][j] = Sigma();
        sigmaF[nRoundsF - 1][j].in <== mix[nRoundsF - 2].out[j];
        mixLast.in[j] <== sigmaF[nRoundsF - 1][j].out;
    }
    out <== mixLast.out;
}
