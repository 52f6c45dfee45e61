/** `plan --json`: the plan file's content, and the grouped view beside it (presentational; apply ignores it). */
import { Plan } from "../../provider";
import { groupPlan } from "./group";

export function formatJson(file: Plan & Record<string, unknown>, extra: Record<string, unknown> = {}): string {
  return JSON.stringify({ ...file, grouped: groupPlan(file), ...extra }, null, 2) + "\n";
}
