// Prints the extra compiler flags for the CPU that builds (and runs) the addon: -mbmi2 -madx
// when it has mulx and adcx/adox, which the field multiplication then uses (field.hpp). The
// addon is built at install on the machine that proves, so this is the target CPU. Set
// ZKFORGET_NATIVE_PORTABLE=1 for a build that runs on any x86-64 (copied to another machine).
import { readFileSync } from "node:fs";

let flags = "";
try {
  const info = process.env.ZKFORGET_NATIVE_PORTABLE === "1" ? "" : readFileSync("/proc/cpuinfo", "utf8");
  const line = info.split("\n").find((l) => l.startsWith("flags")) ?? "";
  const have = new Set(line.split(/\s+/));
  if (have.has("bmi2") && have.has("adx")) flags = "-mbmi2 -madx";
} catch {
  // No /proc/cpuinfo (not Linux): the portable multiplication.
}
process.stdout.write(`${flags}\n`);
