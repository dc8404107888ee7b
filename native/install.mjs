// npm `install` hook: builds the native prover with node-gyp. It never fails the install: on
// any error it prints one line and exits 0, and zkforget proves with snarkjs instead.
// ZKFORGET_SKIP_NATIVE=1 skips the build.
import { spawnSync } from "node:child_process";
import { existsSync, mkdirSync, writeFileSync } from "node:fs";
import { dirname, join } from "node:path";
import { fileURLToPath } from "node:url";

const here = dirname(fileURLToPath(import.meta.url));
const log = join(here, "build.log");

if (process.env.ZKFORGET_SKIP_NATIVE === "1") {
  console.log("zkforget: ZKFORGET_SKIP_NATIVE=1, native prover not built; proofs will use snarkjs");
  process.exit(0);
}

// npm passes its bundled node-gyp in npm_config_node_gyp; otherwise use one on PATH.
const gyp = process.env.npm_config_node_gyp;
const [cmd, base] = gyp ? [process.execPath, [gyp]] : ["node-gyp", []];
const args = [...base, "rebuild", "--release"];
// Without a configured nodedir, use the system headers when present (no download needed).
if (!process.env.npm_config_nodedir && existsSync("/usr/include/node/node_api.h")) args.push("--nodedir=/usr");

const started = Date.now();
const r = spawnSync(cmd, args, { cwd: here, encoding: "utf8", maxBuffer: 64 * 1024 * 1024 });
mkdirSync(here, { recursive: true });
writeFileSync(log, `${cmd} ${args.join(" ")}\n${r.stdout ?? ""}${r.stderr ?? ""}${r.error ? String(r.error) : ""}\n`);
if (r.status === 0 && existsSync(join(here, "build", "Release", "zkforget_prover.node"))) {
  console.log(`zkforget: native prover built in ${((Date.now() - started) / 1000).toFixed(0)} s`);
} else {
  const why = r.error ? r.error.message : `node-gyp exited with ${r.status}`;
  console.log(`zkforget: native prover NOT built (${why}; details in ${log}); proofs will use snarkjs`);
}
process.exit(0);
