import assert from "node:assert/strict";
import { createHash } from "node:crypto";
import { canonicalJson } from "../src/verifier/canonicalJson.ts";
import { verificationKeyHash } from "../src/verifier/vkeyHash.ts";

describe("canonical JSON and the verification-key hash", function () {
  it("sorts keys recursively and writes no whitespace", function () {
    const value = { b: [3, { z: 1, a: "x y" }], a: { d: null, c: true }, "é": -0.5 };
    assert.equal(canonicalJson(value), '{"a":{"c":true,"d":null},"b":[3,{"a":"x y","z":1}],"é":-0.5}');
  });

  it("is the same for a value and its JSON round trip, whatever the key order", function () {
    const a = { protocol: "groth16", IC: [["1", "2", "1"]], nPublic: 1, skipped: undefined };
    const b = JSON.parse('{ "nPublic": 1, "IC": [ ["1","2","1"] ], "protocol": "groth16" }') as object;
    assert.equal(canonicalJson(a), canonicalJson(b));
    assert.equal(verificationKeyHash(a), verificationKeyHash(b));
  });

  it("escapes strings as JSON does", function () {
    assert.equal(canonicalJson({ "k\"": "line\nbreak\u0001" }), '{"k\\"":"line\\nbreak\\u0001"}');
  });

  it("refuses values without a single JSON form, naming where they are", function () {
    assert.throws(() => canonicalJson({ IC: [["1", 2n]] }), /\$\.IC\[0\]\[1\] is a bigint/);
    assert.throws(() => canonicalJson({ x: NaN }), /\$\.x is NaN/);
    assert.throws(() => canonicalJson([1, undefined]), /\$\[1\] is a undefined/);
    assert.throws(() => canonicalJson({ d: new Date(0) }), /\$\.d is a Date/);
    assert.throws(() => canonicalJson(new Uint8Array(2)), /\$ is a Uint8Array/);
  });

  it("hashes with sha256 over the canonical UTF-8 text", function () {
    const vkey = { protocol: "groth16", curve: "bn128", nPublic: 2 };
    const expected = createHash("sha256").update('{"curve":"bn128","nPublic":2,"protocol":"groth16"}', "utf8").digest("hex");
    assert.equal(verificationKeyHash(vkey), expected);
    assert.throws(() => verificationKeyHash([] as object), /must be a JSON object/);
  });
});
