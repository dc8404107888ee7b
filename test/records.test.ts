import assert from "node:assert/strict";
import { mkdtemp, readFile, rm, writeFile } from "node:fs/promises";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { fileURLToPath } from "node:url";
import { parseCsv, CsvSyntaxError } from "../src/encoding/csv.ts";
import { formatCsvDataset } from "../src/encoding/csvWriter.ts";
import {
  DatasetError,
  loadDataset,
  parseCsvDataset,
  parseJsonlDataset,
  type Dataset,
  type DatasetOptions,
} from "../src/encoding/records.ts";
import { mnistBinaryDataset, poolImage } from "../src/dataset/mnist.ts";

/** Asserts that `fn` throws a DatasetError at the given place, and that the message says so. */
function throwsAt(fn: () => unknown, file: string, row: number | undefined, column: string | undefined, detail: RegExp): void {
  assert.throws(fn, (e: unknown) => {
    assert.ok(e instanceof DatasetError, `expected a DatasetError, got ${String(e)}`);
    assert.equal(e.file, file);
    assert.equal(e.row, row);
    assert.equal(e.column, column);
    let prefix = file;
    if (row !== undefined) prefix += ` row ${row}`;
    if (column !== undefined) prefix += `${row !== undefined ? "," : ""} column "${column}"`;
    assert.ok(e.message.startsWith(`${prefix}: `), `message ${JSON.stringify(e.message)} should start with ${JSON.stringify(prefix)}`);
    assert.match(e.detail, detail);
    return true;
  });
}

const csv = (text: string, options?: DatasetOptions): Dataset => parseCsvDataset(text, "data.csv", options);
const jsonl = (text: string, options?: DatasetOptions): Dataset => parseJsonlDataset(text, "data.jsonl", options);

describe("CSV tokenizer (RFC 4180)", () => {
  it("splits fields and records, with CRLF, LF and a missing final break", () => {
    const records = parseCsv("a,b\r\n1,2\n3,4");
    assert.deepEqual(records.map((r) => r.fields), [["a", "b"], ["1", "2"], ["3", "4"]]);
    assert.deepEqual(records.map((r) => r.line), [1, 2, 3]);
    assert.equal(parseCsv("a\n").length, 1);
    assert.deepEqual(parseCsv("a,,\n")[0]!.fields, ["a", "", ""]);
  });

  it("handles quotes: commas, doubled quotes, line breaks inside", () => {
    const records = parseCsv('id,x\n"a,b",1\n"say ""hi""",2\n"two\r\nlines",3\n"",4\nlast,5\n');
    assert.deepEqual(records.map((r) => r.fields), [
      ["id", "x"],
      ["a,b", "1"],
      ['say "hi"', "2"],
      ["two\r\nlines", "3"],
      ["", "4"],
      ["last", "5"],
    ]);
    assert.deepEqual(records.map((r) => r.line), [1, 2, 3, 4, 6, 7], "a quoted line break counts as a line");
  });

  it("strips a byte order mark and flags blank lines", () => {
    const records = parseCsv("\uFEFFa\n\n  \nb\n");
    assert.deepEqual(records.map((r) => [r.fields[0], r.blank]), [["a", false], ["", true], ["  ", true], ["b", false]]);
    assert.equal(parseCsv('""\n')[0]!.blank, false, "a quoted empty field is not a blank line");
  });

  it("rejects malformed quoting with the line number", () => {
    const bad: [string, number, RegExp][] = [
      ['a\n"open,1\n2\n', 2, /unterminated/],
      ['a\nx"y,1\n', 2, /quote inside an unquoted field/],
      ['a\n"x"y,1\n', 2, /after a closing quote/],
    ];
    for (const [text, line, message] of bad) {
      assert.throws(() => parseCsv(text), (e: unknown) => e instanceof CsvSyntaxError && e.line === line && message.test(e.message));
    }
  });
});

describe("CSV datasets", () => {
  it("reads id, features in header order, and label", () => {
    const ds = csv("id,height,label,weight\nalice,1.5,1,-2\nbob,0.25,0,3e2\n");
    assert.deepEqual(ds.featureNames, ["height", "weight"]);
    assert.deepEqual(ds.records, [
      { id: "alice", features: [1.5, -2], label: 1 },
      { id: "bob", features: [0.25, 300], label: 0 },
    ]);
  });

  it("numbers records from 1 when there is no id column, skipping blank lines", () => {
    const ds = csv("a,b,label\n1,2,0\n\n3,4,1\n");
    assert.deepEqual(ds.records.map((r) => r.id), ["1", "2"]);
    assert.deepEqual(ds.records[1]!.features, [3, 4]);
  });

  it("honours labelColumn and idColumn (including null: no id column)", () => {
    const ds = csv("key,y,x1\nk1,1,0.5\nk2,0,0.75\n", { labelColumn: "y", idColumn: "key" });
    assert.deepEqual(ds.featureNames, ["x1"]);
    assert.deepEqual(ds.records.map((r) => [r.id, r.label]), [["k1", 1], ["k2", 0]]);
    const noId = csv("id,label\n7,1\n8,0\n", { idColumn: null });
    assert.deepEqual(noId.featureNames, ["id"]);
    assert.deepEqual(noId.records.map((r) => [r.id, r.features[0]]), [["1", 7], ["2", 8]]);
  });

  it("reads quoted fields: ids with commas and quotes, quoted numbers, quoted header names", () => {
    const ds = csv('"id","pixel, 1",label\r\n"Doe, ""J""","0.5",1\r\n"multi\nline",-1,0\r\n');
    assert.deepEqual(ds.featureNames, ["pixel, 1"]);
    assert.deepEqual(ds.records, [
      { id: 'Doe, "J"', features: [0.5], label: 1 },
      { id: "multi\nline", features: [-1], label: 0 },
    ]);
  });

  it("accepts values exactly at ±2^15 and spaces around numbers", () => {
    const ds = csv("a,label\n32768,1\n-32768 ,0\n");
    assert.deepEqual(ds.records.map((r) => r.features[0]), [32768, -32768]);
  });

  it("round-trips through the CSV writer", () => {
    const original: Dataset = {
      featureNames: ["x", "y, quoted"],
      records: [
        { id: 'a "b", c', features: [0.1, -1e-7], label: 1 },
        { id: "2", features: [32768, -0.5], label: 0 },
      ],
    };
    assert.deepEqual(csv(formatCsvDataset(original)), original);
  });

  describe("errors name file, row and column", () => {
    it("non-numeric value", () => {
      throwsAt(() => csv("id,pixel3,label\na,1,0\nb,abc,1\n"), "data.csv", 3, "pixel3", /^value "abc" is not a number$/);
      throwsAt(() => csv("x,label\n0x10,1\n"), "data.csv", 2, "x", /"0x10" is not a number/);
      throwsAt(() => csv("x,label\n1,2,\n"), "data.csv", 2, undefined, /expected 2 fields, found 3/);
    });

    it("NaN and ±Infinity", () => {
      throwsAt(() => csv("x,label\nNaN,1\n"), "data.csv", 2, "x", /"NaN" is not a finite number/);
      throwsAt(() => csv("x,label\n1,inf\n"), "data.csv", 2, "label", /"inf" is not a finite number/);
      throwsAt(() => csv("x,label\n-Infinity,1\n"), "data.csv", 2, "x", /"-Infinity" is not a finite number/);
      throwsAt(() => csv("x,label\n1e400,1\n"), "data.csv", 2, "x", /"1e400" is not a finite number/);
    });

    it("out of range, just over the bound (nothing is clipped)", () => {
      throwsAt(() => csv("x,label\n1,0\n32768.001,1\n"), "data.csv", 3, "x", /"32768.001" is out of range \(\|x\| must be ≤ 32768\)/);
      throwsAt(() => csv("x,label\n-40000,1\n"), "data.csv", 2, "x", /out of range/);
    });

    it("ragged rows", () => {
      throwsAt(() => csv("a,b,label\n1,2,0\n1,0\n"), "data.csv", 3, undefined, /expected 3 fields, found 2/);
    });

    it("missing label: no label column, empty label cell", () => {
      throwsAt(() => csv("a,b\n1,2\n"), "data.csv", 1, "label", /label column is missing/);
      throwsAt(() => csv("a,y\n1,2\n", { labelColumn: "target" }), "data.csv", 1, "target", /label column is missing/);
      throwsAt(() => csv("a,label\n1,0\n2,\n"), "data.csv", 3, "label", /label is missing/);
      throwsAt(() => csv("a,label\n,0\n"), "data.csv", 2, "a", /value is missing/);
    });

    it("duplicate and empty ids", () => {
      throwsAt(() => csv("id,a,label\nx,1,0\ny,1,0\nx,2,1\n"), "data.csv", 4, "id", /duplicate id "x" \(first seen at row 2\)/);
      throwsAt(() => csv("id,a,label\n,1,0\n"), "data.csv", 2, "id", /id is empty/);
      throwsAt(() => csv("a,label\n1,0\n", { idColumn: "uid" }), "data.csv", 1, "uid", /id column is missing/);
    });

    it("empty file, header only, bad header", () => {
      throwsAt(() => csv(""), "data.csv", 1, undefined, /file is empty/);
      throwsAt(() => csv("\n\n"), "data.csv", 1, undefined, /file is empty/);
      throwsAt(() => csv("a,label\n"), "data.csv", 1, undefined, /no data rows/);
      throwsAt(() => csv("a,a,label\n1,2,0\n"), "data.csv", 1, "a", /more than once/);
      throwsAt(() => csv("a,,label\n1,2,0\n"), "data.csv", 1, undefined, /column 2 has an empty name/);
      throwsAt(() => csv("id,label\nx,0\n"), "data.csv", 1, undefined, /no feature columns/);
    });

    it("malformed quoting", () => {
      throwsAt(() => csv('a,label\n1,0\n"2,1\n'), "data.csv", 3, undefined, /unterminated quoted field/);
    });
  });
});

describe("JSON Lines datasets", () => {
  it("reads the structured shape, skipping blank lines", () => {
    const ds = jsonl('{"id":"a","features":[1,-0.5],"label":1}\n\n{"features":[2,3],"label":0}\r\n');
    assert.deepEqual(ds, {
      featureNames: ["f0", "f1"],
      records: [
        { id: "a", features: [1, -0.5], label: 1 },
        { id: "2", features: [2, 3], label: 0 },
      ],
    });
  });

  it("reads the flat shape with CSV column rules (key order may vary)", () => {
    const ds = jsonl('{"id":7,"h":1.5,"label":1,"w":-2}\n{"w":3,"label":0,"h":0.25,"id":"eight"}\n');
    assert.deepEqual(ds.featureNames, ["h", "w"]);
    assert.deepEqual(ds.records, [
      { id: "7", features: [1.5, -2], label: 1 },
      { id: "eight", features: [0.25, 3], label: 0 },
    ]);
    const custom = jsonl('{"key":"k","y":1,"x":2}\n', { labelColumn: "y", idColumn: "key" });
    assert.deepEqual(custom.records, [{ id: "k", features: [2], label: 1 }]);
  });

  describe("errors name file, row and column", () => {
    it("invalid JSON and non-object lines", () => {
      throwsAt(() => jsonl('{"features":[1],"label":0}\n{"features":[1],\n'), "data.jsonl", 2, undefined, /invalid JSON/);
      throwsAt(() => jsonl('{"features":[1],"label":0}\n\n[1,2]\n'), "data.jsonl", 3, undefined, /expected a JSON object/);
      throwsAt(() => jsonl("NaN\n"), "data.jsonl", 1, undefined, /invalid JSON/);
    });

    it("inconsistent feature count", () => {
      throwsAt(() => jsonl('{"features":[1,2],"label":0}\n{"features":[1,2,3],"label":1}\n'), "data.jsonl", 2, "features", /expected 2 features, found 3/);
      throwsAt(() => jsonl('{"a":1,"b":2,"label":0}\n{"a":1,"label":1}\n'), "data.jsonl", 2, "b", /column is missing/);
      throwsAt(() => jsonl('{"a":1,"label":0}\n{"a":1,"c":5,"label":1}\n'), "data.jsonl", 2, "c", /unexpected column/);
    });

    it("mixed shapes", () => {
      throwsAt(() => jsonl('{"features":[1],"label":0}\n{"a":1,"label":1}\n'), "data.jsonl", 2, "features", /expected a "features" array/);
      throwsAt(() => jsonl('{"a":1,"label":0}\n{"features":[1],"label":1}\n'), "data.jsonl", 2, "features", /structured line/);
      throwsAt(() => jsonl('{"features":[1],"label":0,"extra":1}\n'), "data.jsonl", 1, "extra", /unexpected key/);
    });

    it("non-numeric, non-finite and out-of-range values", () => {
      throwsAt(() => jsonl('{"features":[1,"abc"],"label":0}\n'), "data.jsonl", 1, "features[1]", /value "abc" is not a number/);
      throwsAt(() => jsonl('{"pixel3":"1.5","label":0}\n'), "data.jsonl", 1, "pixel3", /value "1.5" is not a number/);
      throwsAt(() => jsonl('{"features":[1e999],"label":0}\n'), "data.jsonl", 1, "features[0]", /Infinity is not a finite number/);
      throwsAt(() => jsonl('{"features":[1],"label":0}\n{"features":[32768.5],"label":0}\n'), "data.jsonl", 2, "features[0]", /out of range/);
      throwsAt(() => jsonl('{"features":[null],"label":0}\n'), "data.jsonl", 1, "features[0]", /value is missing/);
    });

    it("missing label", () => {
      throwsAt(() => jsonl('{"features":[1]}\n'), "data.jsonl", 1, "label", /label is missing/);
      throwsAt(() => jsonl('{"a":1}\n'), "data.jsonl", 1, "label", /label column is missing/);
      throwsAt(() => jsonl('{"a":1,"label":0}\n{"a":2}\n'), "data.jsonl", 2, "label", /label is missing/);
    });

    it("duplicate and malformed ids", () => {
      throwsAt(() => jsonl('{"id":"2","features":[1],"label":0}\n{"features":[1],"label":0}\n'), "data.jsonl", 2, "id", /duplicate id "2"/);
      throwsAt(() => jsonl('{"id":1.5,"features":[1],"label":0}\n'), "data.jsonl", 1, "id", /must be a string or an integer/);
    });

    it("empty file", () => {
      throwsAt(() => jsonl(""), "data.jsonl", 1, undefined, /file is empty/);
      throwsAt(() => jsonl("\n  \n"), "data.jsonl", 1, undefined, /file is empty/);
    });
  });
});

describe("loadDataset", () => {
  let dir: string;
  before(async () => {
    dir = await mkdtemp(join(tmpdir(), "zkforget-records-"));
  });
  after(async () => {
    await rm(dir, { recursive: true, force: true });
  });

  it("chooses the reader by extension", async () => {
    await writeFile(join(dir, "d.csv"), "a,label\n1,0\n");
    await writeFile(join(dir, "d.jsonl"), '{"features":[1],"label":0}\n');
    await writeFile(join(dir, "d.NDJSON"), '{"a":1,"label":0}\n');
    const expected = { id: "1", features: [1], label: 0 };
    assert.deepEqual((await loadDataset(join(dir, "d.csv"))).records, [expected]);
    assert.deepEqual((await loadDataset(join(dir, "d.jsonl"))).records, [expected]);
    assert.deepEqual((await loadDataset(join(dir, "d.NDJSON"))).records, [expected]);
  });

  it("names the real path in errors", async () => {
    const path = join(dir, "bad.csv");
    await writeFile(path, "id,pixel3,label\na,1,0\nb,2,1\nc,3,0\nd,4,1\ne,5,0\nf,abc,1\n");
    await assert.rejects(loadDataset(path), (e: unknown) => e instanceof DatasetError && e.message === `${path} row 7, column "pixel3": value "abc" is not a number`);
  });

  it("rejects unknown extensions and unreadable files", async () => {
    await assert.rejects(loadDataset(join(dir, "d.txt")), (e: unknown) => e instanceof DatasetError && /unsupported file type "\.txt"/.test(e.message));
    await assert.rejects(loadDataset(join(dir, "missing.csv")), (e: unknown) => e instanceof DatasetError && /cannot read file \(ENOENT\)/.test(e.message));
  });
});

describe("MNIST demo data", () => {
  const demoCsv = fileURLToPath(new URL("../data/demo.csv", import.meta.url));

  it("pools 28×28 images into a 4×4 grid of 7×7 block means", () => {
    const pixels = new Array<number>(784).fill(0);
    for (let y = 0; y < 7; y++) for (let x = 21; x < 28; x++) pixels[y * 28 + x] = 1; // top-right block
    pixels[27 * 28 + 0] = 0.49; // one pixel of the bottom-left block
    const pooled = poolImage(pixels);
    assert.equal(pooled.length, 16);
    assert.equal(pooled[3], 1);
    assert.equal(pooled[12], 0.01);
    assert.equal(pooled.reduce((a, b) => a + b, 0), 1.01);
  });

  it("data/demo.csv is exactly what the generator makes, and loads", async () => {
    const regenerated = formatCsvDataset(mnistBinaryDataset({ perClass: 256 }));
    assert.equal(await readFile(demoCsv, "utf8"), regenerated, "run `npx tsx scripts/make-demo-data.ts`");
    const ds = await loadDataset(demoCsv);
    assert.equal(ds.records.length, 512);
    assert.deepEqual(ds.featureNames, Array.from({ length: 16 }, (_, i) => `f${i}`));
    assert.equal(ds.records.filter((r) => r.label === 1).length, 256);
    assert.deepEqual(ds.records.slice(0, 4).map((r) => [r.id, r.label]), [["d0-0", 0], ["d1-0", 1], ["d0-1", 0], ["d1-1", 1]]);
    for (const r of ds.records) for (const f of r.features) assert.ok(f >= 0 && f <= 1);
  });
});
