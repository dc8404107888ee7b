#!/usr/bin/env node
// zkforget ships its TypeScript sources; tsx (a runtime dependency) loads them.
import { register } from "tsx/esm/api";

register();
const { main } = await import("../src/cli/main.ts");
process.exitCode = await main(process.argv.slice(2));
