// Compiles circuit profiles into the build cache and prints their constraint counts.
// Usage: npm run build:circuits [profile…]   (no names: every profile in circuits/profiles.json)
import { buildCircuit } from "../src/circuits/build.ts";
import { getProfile, listProfiles } from "../src/circuits/profiles.ts";

async function main(): Promise<void> {
  const names = process.argv.slice(2);
  const profiles = names.length > 0 ? names.map(getProfile) : listProfiles();
  const rows: string[] = [];
  for (const profile of profiles) {
    const built = await buildCircuit(profile);
    const how = built.fromCache ? "cached" : `compiled in ${built.compileSeconds} s`;
    rows.push(`${profile.name.padEnd(24)} ${built.constraints.toLocaleString("en-US").padStart(10)} constraints  (${how})  ${built.dir}`);
  }
  console.log(rows.join("\n"));
}

main().catch((err: unknown) => {
  console.error(err instanceof Error ? err.message : err);
  process.exit(1);
});
