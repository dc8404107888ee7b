#!/usr/bin/env node
// The zkforget CLI. An installed package holds only the compiled dist/ (npm run build; `prepare`
// runs it on npm ci and npm pack) and runs it with plain Node: tsx is not needed at run time.
// In a checkout (src/ present and tsx installed as a dev dependency) it runs the TypeScript
// sources instead, so the CLI the tests spawn is always the code being edited, never a stale build.
import { existsSync } from "node:fs";

const source = new URL("../src/cli/main.ts", import.meta.url);
const compiled = new URL("../dist/cli/main.js", import.meta.url);

async function tsxRegister() {
  try {
    return (await import("tsx/esm/api")).register;
  } catch {
    return undefined;
  }
}

let entry = compiled;
if (existsSync(source)) {
  const register = await tsxRegister();
  if (register) {
    register();
    entry = source;
  }
}
if (entry === compiled && !existsSync(compiled)) {
  console.error("zkforget: dist/ is missing; run `npm run build` (or `npm ci`, which builds it) in the zkforget package");
  process.exit(2);
}
const { main } = await import(entry.href);
process.exitCode = await main(process.argv.slice(2));
