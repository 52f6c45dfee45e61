/** Saved plans: written atomically, read back with a check of their shape. */
import * as fs from "fs";
import * as path from "path";
import { Plan } from "../provider";
import { parsePlan } from "../provider/plan/contract";
import { PLAN_VERSION } from "../provider/plan/plan";
import { CliError } from "./errors";

export interface PlanFile extends Plan {
  /** Where the plan came from, for humans reading it. */
  source?: { program: string; project: string; stack: string };
}

export function writeFileAtomic(file: string, text: string): void {
  const tmp = path.join(path.dirname(path.resolve(file)), `.${path.basename(file)}.${process.pid}.tmp`);
  try {
    fs.writeFileSync(tmp, text);
    fs.renameSync(tmp, file);
  } catch (err) {
    throw new CliError(`cannot write ${file}: ${(err as Error).message}`);
  }
}

const HINT = "make a plan with 'meraki-batch plan <program-dir> --out plan.json'";

export function readPlanFile(file: string): PlanFile {
  let text: string;
  try {
    text = fs.readFileSync(file, "utf8");
  } catch {
    throw new CliError(`cannot read the plan file ${file}`, HINT);
  }
  let data: unknown;
  try {
    data = JSON.parse(text);
  } catch {
    throw new CliError(`${file} is not JSON`, HINT);
  }
  const version = (data as { version?: unknown } | null)?.version;
  if (!data || typeof data !== "object" || typeof (data as { batches?: unknown }).batches === "undefined") {
    throw new CliError(`${file} is not a meraki-batch plan (version ${PLAN_VERSION})`, HINT);
  }
  if (version !== PLAN_VERSION) {
    throw new CliError(`${file} is a plan of version ${JSON.stringify(version)}; this meraki-batch reads version ${PLAN_VERSION}`, HINT);
  }
  const { plan, problems } = parsePlan(data);
  if (!plan) throw new CliError(`${file} is not a valid meraki-batch plan:\n  ${problems.join("\n  ")}`, HINT);
  return plan as PlanFile;
}
