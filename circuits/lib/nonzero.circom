pragma circom 2.1.0;

// Constrains out = (in != 0 ? 1 : 0), and pins the helper inverse so the witness is unique:
//   in != 0: the second constraint forces out = 1, the first inv = 1/in;
//   in == 0: the first forces out = 0, the third inv = 0.
// (circomlib's IsZero leaves its inverse free when in == 0; the third constraint removes that.)
template IsNonZero() {
    signal input in;
    signal output out;

    signal inv;
    inv <-- in != 0 ? 1 / in : 0;
    out <== in * inv;
    in * (1 - out) === 0;
    inv * (1 - out) === 0;
}
