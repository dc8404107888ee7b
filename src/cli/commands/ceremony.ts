import { buildCircuit } from "../../circuits/build.ts";
import { defaultKeysDir } from "../../circuits/projectProfiles.ts";
import { getProfile } from "../../circuits/profiles.ts";
import {
  ceremonyBeacon, ceremonyContribute, ceremonyExport, ceremonyInit, ceremonyVerify, describeContribution,
} from "../../setup/ceremony.ts";
import { releaseCurve } from "../../setup/curve.ts";
import { parseCommandArgs, progress, UsageError, type Command } from "../command.ts";

const HELP = `Usage: zkforget ceremony <step> ...

Production keys: a phase-2 ceremony (snarkjs) on a public, prepared powers-of-tau file.

  init PROFILE --ptau FILE --out ZKEY
      compile PROFILE, check the ptau (prepared, big enough; its blake2b hash is printed and
      compared with the published Hermez hash when named powersOfTau28_hez_final_NN.ptau),
      and create the initial zkey (not usable for proving until contributions are added)
  contribute IN OUT [--name NAME]
      add a contribution with entropy from the OS random generator
  beacon IN OUT --beacon HEX [--iterations-exp N] [--name NAME]
      close with a public random beacon (N in 10..63, default 10)
  verify PROFILE --ptau FILE --zkey ZKEY
      check the zkey against the circuit and the ptau; lists the contributions
  export PROFILE --ptau FILE --zkey ZKEY [--keys DIR] [--force] [--allow-no-beacon]
      verify, then write <profile>.vkey.json and a manifest (hashes of r1cs, zkey, ptau and
      the contributions) into DIR (default: zkforget's keys/)

Every output is written to a temporary file and renamed; existing files are not
overwritten without --force.`;

export const ceremonyCommand: Command = {
  name: "ceremony",
  summary: "production phase-2 ceremony: init, contribute, beacon, verify, export",
  help: HELP,
  async run(argv) {
    const [step, ...rest] = argv;
    const log = progress();
    const ceremonyLog = { info: log };
    const { values, positionals } = parseCommandArgs(rest, {
      ptau: { type: "string" },
      out: { type: "string" },
      zkey: { type: "string" },
      name: { type: "string" },
      beacon: { type: "string" },
      "iterations-exp": { type: "string" },
      keys: { type: "string" },
      force: { type: "boolean" },
      "allow-no-beacon": { type: "boolean" },
    });
    const need = (value: string | undefined, flag: string): string => {
      if (value === undefined) throw new UsageError(`ceremony ${step} needs --${flag}`);
      return value;
    };
    const one = (what: string): string => {
      if (positionals.length !== 1) throw new UsageError(`ceremony ${step} takes one ${what}`);
      return positionals[0]!;
    };
    const circuitOf = async (name: string) => {
      const profile = getProfile(name);
      return { profile, circuit: await buildCircuit(profile, { onProgress: log }) };
    };
    try {
      switch (step) {
        case "init": {
          const { circuit } = await circuitOf(one("PROFILE"));
          const r = await ceremonyInit({ r1csPath: circuit.r1csPath, ptauPath: need(values.ptau, "ptau"), zkeyOut: need(values.out, "out"), log: ceremonyLog, ...(values.force ? { force: true } : {}) });
          process.stdout.write(`initial zkey ${r.zkeyPath}\nptau blake2b ${r.ptau.hash}\n`);
          return 0;
        }
        case "contribute": {
          if (positionals.length !== 2) throw new UsageError("ceremony contribute takes IN and OUT zkey paths");
          const c = await ceremonyContribute({ zkeyIn: positionals[0]!, zkeyOut: positionals[1]!, log: ceremonyLog, ...(values.name ? { name: values.name } : {}), ...(values.force ? { force: true } : {}) });
          process.stdout.write(`${describeContribution(c)}\n`);
          return 0;
        }
        case "beacon": {
          if (positionals.length !== 2) throw new UsageError("ceremony beacon takes IN and OUT zkey paths");
          const exp = Number(values["iterations-exp"] ?? "10");
          const c = await ceremonyBeacon({ zkeyIn: positionals[0]!, zkeyOut: positionals[1]!, beaconHex: need(values.beacon, "beacon"), iterationsExp: exp, log: ceremonyLog, ...(values.name ? { name: values.name } : {}), ...(values.force ? { force: true } : {}) });
          process.stdout.write(`${describeContribution(c)}\n`);
          return 0;
        }
        case "verify": {
          const { circuit } = await circuitOf(one("PROFILE"));
          const r = await ceremonyVerify({ r1csPath: circuit.r1csPath, ptauPath: need(values.ptau, "ptau"), zkeyPath: need(values.zkey, "zkey"), log: ceremonyLog });
          process.stdout.write(`${r.valid ? "VALID" : "INVALID"} zkey\n${r.contributions.map((c) => `  ${describeContribution(c)}`).join("\n")}\n${r.problems.map((p) => `  problem: ${p}`).join("\n")}\n`);
          return r.valid ? 0 : 1;
        }
        case "export": {
          const { profile, circuit } = await circuitOf(one("PROFILE"));
          const r = await ceremonyExport({
            r1csPath: circuit.r1csPath, ptauPath: need(values.ptau, "ptau"), zkeyPath: need(values.zkey, "zkey"),
            profile: profile.name, circuitHash: circuit.circuitHash, template: profile.template, params: [...profile.params],
            publicSignals: [...profile.publicSignals], keysDir: values.keys ?? defaultKeysDir(profile.name), log: ceremonyLog,
            ...(values.force ? { force: true } : {}), ...(values["allow-no-beacon"] ? { allowNoBeacon: true } : {}),
          });
          process.stdout.write(`${r.vkeyPath}\n${r.manifestPath}\n`);
          return 0;
        }
        default:
          throw new UsageError(step === undefined ? "name a ceremony step" : `unknown ceremony step ${JSON.stringify(step)}`);
      }
    } finally {
      await releaseCurve();
    }
  },
};
