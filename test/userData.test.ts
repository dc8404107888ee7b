import { strict as assert } from "node:assert";
import { mkdtemp, readFile, readdir, writeFile } from "node:fs/promises";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { clearProjectProfiles, getProfile, listProfiles, projectProfileSource } from "../src/circuits/profiles.ts";
import { PROJECT_CONFIG_FILE, readProjectConfig, useProjectConfig } from "../src/circuits/projectProfiles.ts";
import { configEntryText, profileMisfit, suggestProfile } from "../src/circuits/suggestProfile.ts";
import { getPoseidon } from "../src/crypto/poseidon.ts";
import { documentFieldElements } from "../src/dataset/document.ts";
import { parseCorpus } from "../src/encoding/corpus.ts";
import { encodeFixed } from "../src/encoding/fixedPoint.ts";
import { configHash } from "../src/ml/config.ts";
import { fitScaling, scaleDataset, scalingHash, ScalingRangeError } from "../src/ml/featureScaling.ts";
import { checkReceipt, poseidonLite, releaseVerifierThreads } from "../src/verifier/index.ts";
import { openSisaWorkspace } from "../src/workspace/workspace.ts";
import { startCli, type CliOutcome } from "./helpers/childCli.ts";

const cli = async (args: string[]): Promise<CliOutcome> => startCli(args).done;

const SISA_SIGNALS = ["oldState", "newState", "deletionDigest"];
const DELETION_SIGNALS = ["oldRoot", "newRoot", "deletionDigest"];

async function tempDir(tag: string): Promise<string> {
  return mkdtemp(join(tmpdir(), `zkf-userdata-${tag}-`));
}

async function writeConfig(dir: string, config: unknown, name = PROJECT_CONFIG_FILE): Promise<string> {
  const file = join(dir, name);
  await writeFile(file, `${JSON.stringify(config, null, 1)}\n`);
  return file;
}

describe("the user's own data", function () {
  afterEach(clearProjectProfiles);
  after(releaseVerifierThreads);

  describe("project profiles (zkforget.config.json)", function () {
    const sisa30 = { name: "sisa-d5-s1-f30-e10-k3", template: "ShardRetrain", source: "shardRetrain.circom", params: [1, 5, 30, 10, 3], publicSignals: SISA_SIGNALS };

    it("adds valid profiles beside the built-in ones, found in the working directory", async function () {
      const dir = await tempDir("cfg");
      const file = await writeConfig(dir, { profiles: [sisa30] });
      const config = await useProjectConfig(undefined, dir);
      assert.equal(config?.file, file);
      assert.equal(config?.keysDir, join(dir, "keys"));
      assert.deepEqual(getProfile(sisa30.name).params, sisa30.params);
      assert.equal(projectProfileSource(sisa30.name), file);
      assert.equal(projectProfileSource("deletion-d8-k2"), undefined);
      assert.ok(listProfiles().some((p) => p.name === "deletion-d8-k2"), "the built-in ones stay");
      clearProjectProfiles();
      assert.throws(() => getProfile(sisa30.name), /unknown circuit profile/);
      assert.equal(await useProjectConfig(undefined, await tempDir("none")), undefined, "no config file: nothing added");
    });

    it("rejects bad profiles with errors that name the file, the profile and the field", async function () {
      const dir = await tempDir("bad");
      const cases: [unknown, RegExp][] = [
        [{ profiles: [{ ...sisa30, params: [1, 5, 30, 10] }] }, /profiles\[0\]: circuit profile "sisa-d5-s1-f30-e10-k3": params: ShardRetrain takes 5 parameters/],
        [{ profiles: [{ ...sisa30, params: [1, 5, 100, 10, 3] }] }, /profiles\[0\]: circuit profile "sisa-d5-s1-f30-e10-k3": params: features must be an integer from 1 to 64, got 100/],
        [{ profiles: [{ ...sisa30, name: "Bad Name" }] }, /profiles\[0\]: circuit profile "Bad Name": name must match/],
        [{ profiles: [{ ...sisa30, template: "Mystery" }] }, /template "Mystery" is not one of zkforget's statements/],
        [{ profiles: [{ ...sisa30, source: "deletion.circom" }] }, /source must be "shardRetrain.circom" for template ShardRetrain/],
        [{ profiles: [{ ...sisa30, publicSignals: ["newState", "oldState", "deletionDigest"] }] }, /publicSignals must be \["oldState","newState","deletionDigest"\]/],
        [{ profiles: [{ ...sisa30, name: "deletion-d8-k2", template: "DatasetDeletion", source: "deletion.circom", params: [8, 2], publicSignals: DELETION_SIGNALS }] },
          /profiles\[0\]: circuit profile "deletion-d8-k2" has the name of a built-in profile \(a project profile may not shadow one\)/],
        [{ profiles: [sisa30, sisa30] }, /profiles\[1\]: circuit profile "sisa-d5-s1-f30-e10-k3" is defined twice/],
        [{ profiles: {} }, /"profiles" must be an array/],
        [{ profiles: [], extra: 1 }, /unknown field "extra"/],
      ];
      for (const [config, expected] of cases) {
        const file = await writeConfig(dir, config);
        await assert.rejects(readProjectConfig(file), (error: Error) => {
          assert.ok(error.message.startsWith(`${file}: `), error.message);
          assert.match(error.message, expected);
          return true;
        });
      }
      await writeFile(join(dir, "broken.json"), "{ \"profiles\": [");
      await assert.rejects(readProjectConfig(join(dir, "broken.json")), /broken\.json/);
    });
  });

  describe("profile suggestion", function () {
    const builtins = listProfiles();

    it("picks the smallest fitting profile and names what does not fit", function () {
      const small = suggestProfile({ kind: "sisa", records: 12, features: 2 }, builtins);
      assert.equal(small.profile?.name, "sisa-d4-s1-f2-e2-k2");
      assert.match(small.reason, /smallest ShardRetrain profile for 12 records, 2 features: 16 slots/);
      assert.equal(suggestProfile({ kind: "sisa", records: 100, features: 16 }, builtins).profile?.name, "sisa-d8-s3-f16-e10-k3");
      assert.equal(suggestProfile({ kind: "sisa", records: 300, features: 16 }, builtins).profile?.name, "sisa-d9-s3-f16-e10-k4");
      assert.equal(suggestProfile({ kind: "deletion", records: 300, features: 5 }, builtins).profile?.name, "deletion-d10-k4");
      assert.equal(profileMisfit(getProfile("sisa-d8-s3-f16-e10-k3"), { kind: "sisa", records: 10, features: 30 }), "data has 30 features; profile sisa-d8-s3-f16-e10-k3 takes 16");
      assert.equal(profileMisfit(getProfile("sisa-d4-s1-f2-e2-k2"), { kind: "sisa", records: 17, features: 2 }), "data has 17 records; profile sisa-d4-s1-f2-e2-k2 holds 16");
      assert.equal(profileMisfit(getProfile("sisa-d8-s3-f16-e10-k3"), { kind: "sisa", records: 10, features: 16, shards: 2 }), "2 shards asked for; profile sisa-d8-s3-f16-e10-k3 has 8");
    });

    it("when none fits, gives entries that fit and that a project config accepts", async function () {
      const none = suggestProfile({ kind: "sisa", records: 40, features: 30, testRecords: 10 }, builtins);
      assert.equal(none.profile, undefined);
      assert.ok(none.misfits.includes("data has 30 features; profile sisa-d8-s3-f16-e10-k3 takes 16"));
      assert.deepEqual(none.entries!.map((e) => [e.name, e.params]), [["sisa-d6-s1-f30-e10-k3", [1, 6, 30, 10, 3]], ["accuracy-s1-f30-t6", [1, 30, 6]]]);
      const dir = await tempDir("paste");
      const file = join(dir, PROJECT_CONFIG_FILE);
      await writeFile(file, configEntryText(none.entries!));
      const config = await readProjectConfig(file);
      assert.equal(suggestProfile({ kind: "sisa", records: 40, features: 30, testRecords: 10 }, [...builtins, ...config.profiles]).profile?.name, "sisa-d6-s1-f30-e10-k3");
      assert.throws(() => suggestProfile({ kind: "sisa", records: 4, features: 65 }, builtins), /features must be an integer from 1 to 64, got 65/);
    });
  });

  describe("feature scaling", function () {
    const data = {
      featureNames: ["income", "age"],
      records: [
        { id: "a", features: [52_000 / 8, 31], label: 1 }, { id: "b", features: [61_000 / 8, 45], label: 0 },
        { id: "c", features: [48_000 / 8, 38], label: 1 }, { id: "d", features: [70_000 / 8, 52], label: 0 },
      ],
    };

    it("is fitted on the training data, rounded to a coarse grid, and maps it into [−2, 2)", function () {
      const standard = fitScaling("standard", data.records.map((r) => r.features));
      for (const s of standard.scales) assert.ok(Number.isInteger(Math.log2(Number(s))), "scales are powers of two (in units of 2^-16)");
      const scaled = scaleDataset(data, standard, "data.csv");
      for (const r of scaled.records) for (const x of r.features) assert.ok(x >= -2 && x < 2 && encodeFixed(x) === BigInt(Math.round(x * 65536)), String(x));
      assert.deepEqual(scaled.records.map((r) => [r.id, r.label]), data.records.map((r) => [r.id, r.label]));
      const minmax = fitScaling("minmax", data.records.map((r) => r.features));
      for (const r of scaleDataset(data, minmax, "data.csv").records) for (const x of r.features) assert.ok(x >= -1.1 && x <= 1.1, String(x));
    });

    it("names the record and the column of a value still out of range", function () {
      const scaling = fitScaling("standard", data.records.map((r) => r.features));
      const far = { featureNames: data.featureNames, records: [data.records[0]!, { id: "z", features: [6_500, 400], label: 0 }] };
      assert.throws(() => scaleDataset(far, scaling, "test.csv"), (error: Error) => {
        assert.ok(error instanceof ScalingRangeError);
        assert.match(error.message, /^test\.csv record 2 \(id "z"\), column "age": value 400 scales to [\d.]+ .*outside the training bound \[−2, 2\)/);
        return true;
      });
    });

    it("is pinned in the config hash: another offset, scale or method is another state", async function () {
      const { hash } = await getPoseidon();
      const s = fitScaling("standard", data.records.map((r) => r.features));
      assert.equal(scalingHash(undefined, hash), 0n);
      const base = scalingHash(s, hash);
      assert.equal(base, scalingHash(s, poseidonLite), "the verifier's Poseidon agrees");
      assert.notEqual(scalingHash({ ...s, offsets: [s.offsets[0]! + 1n, s.offsets[1]!] }, hash), base);
      assert.notEqual(scalingHash({ ...s, scales: [s.scales[0]!, s.scales[1]! * 2n] }, hash), base);
      assert.notEqual(scalingHash({ ...s, method: "minmax" }, hash), base);
      const config = { shardDepth: 1, dataDepth: 4, features: 2, epochs: 2, maxDeletions: 2, learningRate: encodeFixed(1), l2: 0n, initialWeights: [0n, 0n, 0n], testRoot: 0n };
      assert.notEqual(configHash({ ...config, featureScaling: s }, hash), configHash(config, hash));
      assert.throws(() => configHash({ ...config, featureScaling: { ...s, scales: [0n, 1n] } }, hash), /scale of feature 0 = 0 is outside/);
    });
  });

  describe("text corpora", function () {
    it("reads JSON Lines documents and rejects bad input naming the line", function () {
      const corpus = parseCorpus('{"id": "d1", "text": "Hello"}\n\n{"id": 2, "text": "Grüße", "source": "web"}\n', "c.jsonl");
      assert.deepEqual(corpus.records.map((r) => [r.id, r.text, r.features.length]), [["d1", "Hello", 0], ["2", "Grüße", 0]]);
      assert.deepEqual(parseCorpus('{"body": "x"}\n', "c.jsonl", { textField: "body" }).records.map((r) => r.id), ["1"]);
      const bad: [string, RegExp][] = [
        ['{"id": "a", "text": "x"}\n{"id": "b", "text": "y"', /c\.jsonl row 2: invalid JSON/],
        ['{"id": "a", "text": "x"}\n{"id": "b"}\n', /c\.jsonl row 2, column "text": text is missing/],
        ['{"id": "a", "text": 5}\n', /c\.jsonl row 1, column "text": text must be a string/],
        ['{"id": "a", "text": ""}\n', /c\.jsonl row 1, column "text": text is empty/],
        ['{"id": "a", "text": "x"}\n{"id": "b", "text": "y"}\n{"id": "a", "text": "z"}\n', /c\.jsonl row 3, column "id": duplicate id "a" \(first seen at row 1\)/],
        ['["a"]\n', /c\.jsonl row 1: expected a JSON object/],
        ["\n  \n", /c\.jsonl row 1: the corpus is empty/],
      ];
      for (const [text, expected] of bad) assert.throws(() => parseCorpus(text, "c.jsonl"), expected);
    });

    it("hashes a document's exact UTF-8 bytes, injectively", function () {
      const e = documentFieldElements("ab");
      assert.deepEqual(e.slice(1), [2n, 0x6162n]);
      assert.notDeepEqual(documentFieldElements("a\u0000"), documentFieldElements("a"));
      assert.equal(documentFieldElements("x".repeat(62)).length, 4, "tag, length, two 31-byte chunks");
      assert.notDeepEqual(documentFieldElements("é"), documentFieldElements("e\u0301"), "no Unicode normalisation");
      assert.throws(() => documentFieldElements(""), /must not be empty/);
    });
  });

  describe("end to end through the CLI", function () {
    // The first run builds the project profile's circuit and dev key (minutes on a loaded machine).
    this.timeout(1_800_000);
    it("commits a JSONL corpus under a project profile, forgets two documents, and the bundle and receipts check", async function () {
      const dir = await tempDir("corpus");
      const config = await writeConfig(dir, {
        profiles: [{ name: "deletion-d3-k2", template: "DatasetDeletion", source: "deletion.circom", params: [3, 2], publicSignals: DELETION_SIGNALS }],
      });
      const docs = [
        { id: "doc-1", text: "The first document of the fine-tuning corpus." },
        { id: "doc-2", text: "Personal data: Jane Doe, born 1990, lives at 1 Main Street." },
        { id: "doc-3", text: "Ein dritter Text mit Umlauten: äöü ß." },
        { id: "doc-4", text: "Line one\nline two, with \"quotes\"." },
        { id: "doc-5", text: "The last one." },
      ];
      await writeFile(join(dir, "corpus.jsonl"), `${docs.map((d) => JSON.stringify(d)).join("\n")}\n`);
      const ws = join(dir, "ws");
      const commit = await cli(["commit", join(dir, "corpus.jsonl"), "--text-field", "text", "--workspace", ws, "--profiles", config]);
      assert.equal(commit.code, 0, commit.stderr);
      assert.match(commit.stderr, /profile deletion-d3-k2: the smallest DatasetDeletion profile for 5 records: 8 slots/);
      assert.match(commit.stderr, /committed 5 documents under deletion-d3-k2/);

      const forget = await cli(["forget", "doc-2", "doc-4", "--workspace", ws, "--profiles", config]);
      assert.equal(forget.code, 0, forget.stderr);
      const bundlePath = forget.stdout.trim();
      assert.deepEqual((await readdir(join(dir, "keys"))).sort(), ["deletion-d3-k2.manifest.json", "deletion-d3-k2.vkey.json"], "the key is published in the project, not the package");
      await assert.rejects(readFile(join("keys", "deletion-d3-k2.vkey.json")), /ENOENT/);

      const verify = await cli(["verify", bundlePath, "--allow-dev", "--profiles", config]);
      assert.equal(verify.code, 0, verify.stdout + verify.stderr);
      assert.match(verify.stdout, /^VALID: /);
      const withoutProject = await cli(["verify", bundlePath, "--allow-dev"]);
      assert.notEqual(withoutProject.code, 0, "without the project's keys the profile's key is unknown");

      // A deletion receipt is confirmed against the published audit package.
      const audit = join(dir, "audit");
      const exported = await cli(["export", "--workspace", ws, "--out", audit, "--profiles", config]);
      assert.equal(exported.code, 0, exported.stderr);
      for (const id of ["doc-2", "doc-4"]) {
        const deleted = await cli(["receipt", "check", join(ws, "receipts", `${id}.deletion.json`), "--audit", audit, "--allow-dev", "--profiles", config]);
        assert.equal(deleted.code, 0, deleted.stdout + deleted.stderr);
        assert.match(deleted.stdout, new RegExp(`DELETED: record "${id}"`));
      }
      const mine = join(dir, "doc-1.json");
      await writeFile(mine, JSON.stringify(docs[0]));
      const kept = await cli(["receipt", "check", join(ws, "receipts", "doc-1.json"), "--record", mine]);
      assert.equal(kept.code, 0, kept.stdout + kept.stderr);
      assert.match(kept.stdout, /COMMITTED: your record \(checked against the record you gave\)/);
      const other = await cli(["receipt", "check", join(ws, "receipts", "doc-1.json"), "--record", JSON.stringify({ text: `${docs[0]!.text} ` })]);
      assert.equal(other.code, 1, "a document that differs by one space is not the committed one");

      // The browser-side checker (the library's checkReceipt) recomputes the leaf from the text and the receipt's salt.
      const receipt: unknown = JSON.parse(await readFile(join(ws, "receipts", "doc-3.json"), "utf8"));
      for (const given of [{ record: { text: docs[2]!.text } }, { recordFieldElements: documentFieldElements(docs[2]!.text) }]) {
        const checked = await checkReceipt(receipt, given);
        assert.equal(checked.ok, true, checked.verdict);
      }
      assert.equal((await checkReceipt(receipt, { record: { text: docs[1]!.text } })).ok, false, "another document is not this slot's");

      const badCorpus = join(dir, "bad.jsonl");
      await writeFile(badCorpus, '{"id": "a", "text": "x"}\n{"id": "a", "text": "y"}\n');
      const dup = await cli(["commit", badCorpus, "--text-field", "text", "--workspace", join(dir, "bad")]);
      assert.equal(dup.code, 1);
      assert.match(dup.stderr, /bad\.jsonl row 2, column "id": duplicate id "a"/);
    });

    it("commits, trains and forgets raw features far outside [−2, 2) with --scale standard; a far test value fails naming row and column", async function () {
      const dir = await tempDir("scale");
      const rows = ["id,income,debt,label", ...Array.from({ length: 12 }, (_, i) => `p${i},${4_000 + 150 * i},${-(300 + 41 * ((i * 7) % 12))},${i % 2}`)];
      await writeFile(join(dir, "raw.csv"), `${rows.join("\n")}\n`);
      const ws = join(dir, "ws");
      const plain = await cli(["commit", join(dir, "raw.csv"), "--workspace", join(dir, "plain"), "--profile", "sisa-d4-s1-f2-e2-k2"]);
      assert.equal(plain.code, 1, "unscaled, the values do not fit the training bound");
      assert.match(plain.stderr, /outside the training bound \[−2, 2\)/);

      const commit = await cli(["commit", join(dir, "raw.csv"), "--workspace", ws, "--scale", "standard", "--test-split", "2"]);
      assert.equal(commit.code, 0, commit.stderr);
      assert.match(commit.stderr, /profile sisa-d4-s1-f2-e2-k2: the smallest ShardRetrain profile/);
      assert.match(commit.stdout, /scaling +standard \(public, in the config hash\): income \(x − [\d.]+\) \/ \d+, debt \(x \+ [\d.]+\) \/ \d+/);
      const opened = await openSisaWorkspace(ws);
      const scaling = opened.system.config.featureScaling!;
      assert.equal(scaling.method, "standard");
      for (const slot of [...opened.system.dataset.liveSlots(), ...opened.testSet!.liveSlots()]) {
        for (const x of slot.features) assert.ok(x >= -(1n << 17n) && x < 1n << 17n, `${slot.id}: ${x}`);
      }
      assert.match(commit.stdout, new RegExp(`configHash +0x${configHash(opened.system.config, poseidonLite).toString(16).padStart(64, "0")}`));

      const train = await cli(["train", "--workspace", ws]);
      assert.equal(train.code, 0, train.stderr);
      // The subject's deletion request gives their row of raw.csv, not the id: forget scales it
      // by the workspace's pinned scaling and finds the one live record with that content.
      const rawP3 = { features: [4_000 + 150 * 3, -(300 + 41 * ((3 * 7) % 12))], label: 1 };
      const notThere = await cli(["forget", "--record", JSON.stringify({ ...rawP3, label: 0 }), "--workspace", ws]);
      assert.equal(notThere.code, 2, notThere.stderr);
      assert.match(notThere.stderr, /no live record of .*ledger\.sqlite has this content .*nothing was recorded/);
      const forget = await cli(["forget", "--record", JSON.stringify(rawP3), "--workspace", ws, "--request-id", "by-record"]);
      assert.equal(forget.code, 0, forget.stderr);
      assert.match(forget.stderr, /request by-record: proved/);
      assert.ok((await readdir(join(ws, "receipts"))).includes("p3.deletion.json"), "the record found by its content is p3");
      const again = await cli(["forget", "--record", JSON.stringify(rawP3), "--workspace", ws]);
      assert.equal(again.code, 2, "once deleted, the content matches no live record");
      const chain = await cli(["verify-chain", join(ws, "ledger.sqlite"), "--allow-dev"]);
      assert.equal(chain.code, 0, chain.stdout + chain.stderr);

      // A subject checks their receipt with the raw values of their row of raw.csv: the checker
      // scales them by the public scaling in the receipt's config, as the commit did.
      const receiptPath = join(ws, "receipts", "p5.json");
      const raw = { features: [4_000 + 150 * 5, -(300 + 41 * ((5 * 7) % 12))], label: 1 };
      const mine = await cli(["receipt", "check", receiptPath, "--record", JSON.stringify(raw)]);
      assert.equal(mine.code, 0, mine.stdout + mine.stderr);
      assert.match(mine.stdout, /COMMITTED: your record \(checked against the record you gave\)/);
      const receipt = JSON.parse(await readFile(receiptPath, "utf8")) as { config: { featureScaling: { offsets: string[]; scales: string[] } } };
      assert.deepEqual(receipt.config.featureScaling, { method: "standard", offsets: scaling.offsets.map(String), scales: scaling.scales.map(String) });
      const committed = opened.system.dataset.slot("p5").features.map((x) => Number(x) / 65536);
      const scaledGiven = await cli(["receipt", "check", receiptPath, "--record", JSON.stringify({ features: committed, label: 1 })]);
      assert.equal(scaledGiven.code, 1, "--record takes the raw values: the committed (scaled) ones are scaled again and do not match");
      const otherRow = await cli(["receipt", "check", receiptPath, "--record", JSON.stringify({ ...raw, features: [raw.features[0]! + 1, raw.features[1]!] })]);
      assert.equal(otherRow.code, 1, otherRow.stdout);
      const unreadable = await cli(["receipt", "check", receiptPath, "--record", '{"features": [1e9, 0], "label": 1}']);
      assert.equal(unreadable.code, 2, "a value fixed point cannot hold is unusable input");
      assert.match(unreadable.stderr, /--record: the record: .*out of range/);

      await writeFile(join(dir, "test.csv"), "id,income,debt,label\nt1,4500,-400,1\nt2,4500,-9000,0\n");
      const far = await cli(["commit", join(dir, "raw.csv"), "--workspace", join(dir, "far"), "--scale", "standard", "--test", join(dir, "test.csv")]);
      assert.equal(far.code, 1);
      assert.match(far.stderr, /test\.csv record 2 \(id "t2"\), column "debt": value -9000 scales to -[\d.]+ .*outside the training bound \[−2, 2\)/);
      const bad = await cli(["commit", join(dir, "raw.csv"), "--workspace", join(dir, "bad"), "--scale", "zscore"]);
      assert.equal(bad.code, 2);
      assert.match(bad.stderr, /--scale must be standard or minmax/);
    });
  });
});
