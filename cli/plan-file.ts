/** Saved plans: written atomically, read back with a check that they are plans. */
import * as fs from "fs";
import * as path from "path";
import { Plan } from "../provider";
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

export function readPlanFile(file: string): PlanFile {
  let text: string;
  try {
    text = fs.readFileSync(file, "utf8");
  } catch {
    throw new CliError(`cannot read the plan file ${file}`, "make one with 'meraki-batch plan <program-dir> --out plan.json'");
  }
  let plan: PlanFile;
  try {
    plan = JSON.parse(text);
  } catch {
    throw new CliError(`${file} is not JSON`, "make a plan with 'meraki-batch plan <program-dir> --out plan.json'");
  }
  const ok =
    plan &&
    plan.version === PLAN_VERSION &&
    typeof plan.organizationId === "string" &&
    typeof plan.digest === "string" &&
    typeof plan.liveDigest === "string" &&
    Array.isArray(plan.changes) &&
    Array.isArray(plan.batches) &&
    Array.isArray(plan.resources) &&
    plan.batches.every((b) => Array.isArray(b.actions) && Array.isArray(b.owners) && Array.isArray(b.after) && typeof b.synchronous === "boolean");
  if (!ok) throw new CliError(`${file} is not a meraki-batch plan (version ${PLAN_VERSION})`, "make a plan with 'meraki-batch plan <program-dir> --out plan.json'");
  return plan;
}
