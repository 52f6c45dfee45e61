/**
 * The GitOps example's workflow, run job by job against the emulator: a pull request is planned,
 * the plan file kept as an artifact and shown in one comment; the merge downloads that exact
 * plan file and applies it, or, when the network drifted since the review, applies nothing,
 * fails with the stale-plan message and asks for a new review.
 */
import * as fs from "fs";
import * as path from "path";
import { parse } from "yaml";
import { DEMO_API_KEY } from "../../emulator/seeds";
import { TestEmulator, testEmulator } from "../helpers/api";
import { ROOT } from "../helpers/cli";
import { FakeGitHub, JobResult, runJob } from "../helpers/workflow";

const WORKFLOW = path.join(ROOT, "examples/gitops/.github/workflows/meraki-batch.yml");
const workflow = parse(fs.readFileSync(WORKFLOW, "utf8"));
const PLAN_KEY = "read-only-key-of-the-plan-job-0000000000";

let t: TestEmulator;
let gh: FakeGitHub;
beforeEach(async () => {
  t = await testEmulator({ frozenClock: false, rateLimit: 0, batchLatencyMs: 20 });
  gh = new FakeGitHub();
});
afterEach(() => t.close());

const secrets = () => ({ MERAKI_PLAN_API_KEY: DEMO_API_KEY, MERAKI_DASHBOARD_API_KEY: DEMO_API_KEY });
const runnerEnv = () => ({ MERAKI_DASHBOARD_API_BASE_URL: t.emu.url });

/** A push to pull request #7: the plan job runs on its head commit. */
async function planPullRequest(runId: number, head: string): Promise<JobResult> {
  const job = await runJob(workflow, "plan", { github: gh, event: "pull_request", runId, sha: head, pr: 7, secrets: secrets(), env: runnerEnv() });
  gh.runs.push({ id: runId, workflow_id: FakeGitHub.WORKFLOW_ID, event: "pull_request", head_sha: head, status: job.status === "success" ? "success" : "failure", created_at: new Date(Date.UTC(2026, 10, 1, 0, runId % 60)).toISOString() });
  return job;
}

/** Pull request #7 merged as `merge`: the push to main runs the apply job. */
async function merge(runId: number, head: string, merge = "m3rge"): Promise<JobResult> {
  gh.pulls.push({ number: 7, head: { sha: head }, merged_at: "2026-11-01T01:00:00Z", merge_commit_sha: merge });
  return runJob(workflow, "apply", { github: gh, event: "push", runId, sha: merge, secrets: secrets(), env: runnerEnv() });
}

const step = (job: JobResult, name: string) => job.steps.find((s) => s.name === name)!;
const markerOf = (body: string) => JSON.parse(/^<!-- meraki-batch-plan (\{.*\}) -->/.exec(body)![1]);
const writes = async () => (await t.control.requests()).filter((q) => q.method !== "GET").map((q) => `${q.method} ${q.path}`);

test("review, then merge: the plan file on show is the one applied, and nothing is planned again", async () => {
  const first = await planPullRequest(1001, "c0ffee1");
  expect(first.status).toBe("success");
  expect(step(first, "Plan").stdout).toContain("Plan for organization 1234567: 55 resources to change");
  const saved = JSON.parse(fs.readFileSync(path.join(gh.artifacts.get(1001)!.get("meraki-plan")!, "plan.json"), "utf8"));
  expect(gh.comments).toHaveLength(1);
  expect(markerOf(gh.comments[0].body)).toEqual({ program: "examples/gitops", stack: "prod", digest: saved.digest });
  expect(gh.comments[0].body).toContain(`plan \`${saved.digest.slice(0, 23)}\``);
  expect(gh.comments[0].body).toContain("The plan file is the artifact `meraki-plan` of [run 1001](https://github.com/acme/network/actions/runs/1001). Merging applies exactly this plan.");
  expect(await writes()).toEqual([]);

  // Another push to the pull request: the same comment is updated, not a second one added.
  const second = await planPullRequest(1002, "c0ffee2");
  expect(second.status).toBe("success");
  expect(gh.comments).toHaveLength(1);
  expect(gh.comments[0].body).toContain("[run 1002]");

  await t.control.clearRequests();
  const applied = await merge(2001, "c0ffee2");
  expect(applied.status).toBe("success");
  expect(step(applied, "Find the reviewed plan").outputs).toEqual({ pr: "7", "run-id": "1002", digest: saved.digest });
  expect(step(applied, "Apply the reviewed plan").stdout).toContain("Applied: 55 applied, 0 failed, 0 not applied, 0 unchanged; 1 of 1 batch completed; read back: every applied field is live.");
  // Exactly the reviewed actions reached the organization.
  const batches = (await t.api.get("/organizations/1234567/actionBatches")).body;
  expect(batches.map((b: any) => b.actions)).toEqual(saved.batches.map((b: any) => b.actions.map((a: any) => ({ resource: a.resource, operation: a.operation, body: a.body }))));
  expect((await t.api.get("/networks/L_000000000000000/appliance/vlans/99")).status).toBe(200);
  // The apply job never ran the program: no plan was made on merge.
  expect(applied.steps.filter((s) => s.status !== "skipped").map((s) => s.name)).toEqual([
    "actions/checkout@v4",
    "actions/setup-node@v4",
    "npm ci",
    "Find the reviewed plan",
    "Download the reviewed plan",
    "Apply the reviewed plan",
  ]);
  expect(gh.comments).toHaveLength(1);

  // The pipeline runs again (a retry, a re-run of the job): the plan is already applied, nothing is sent, it succeeds.
  await t.control.clearRequests();
  const again = await merge(2002, "c0ffee2");
  expect(again.status).toBe("success");
  expect(step(again, "Apply the reviewed plan").stdout).toBe(`Already applied: the live network is what this plan makes it (plan ${saved.digest}); nothing was sent.\n`);
  expect(await writes()).toEqual([]);
  expect(gh.comments).toHaveLength(1);
});

test("the network drifts between review and merge: nothing is applied, the job fails with the stale-plan message and asks for a new review", async () => {
  expect((await planPullRequest(1001, "c0ffee1")).status).toBe("success");
  await t.api.put("/devices/AAAA-BBBB-CCCC/switch/ports/5", { vlan: 30, name: "Temporary guest desk" });
  await t.control.clearRequests();

  const applied = await merge(2001, "c0ffee1");
  expect(applied.status).toBe("failure");
  const apply = step(applied, "Apply the reviewed plan");
  expect(apply.status).toBe("failure");
  expect(apply.stderr).toContain("error: the live network changed since the plan was made:\n  port 5 of switch AAAA-BBBB-CCCC: name – → Temporary guest desk, vlan 1 → 30\n");
  expect(apply.stdout).toContain("::error title=The network changed since the review::Nothing was applied. Plan again in a new pull request, review that plan, and merge it.");
  expect(await writes()).toEqual([]);
  expect((await t.api.get("/networks/L_000000000000000/appliance/vlans/99")).status).toBe(404);
  // The pull request hears about it.
  expect(step(applied, "Ask for a new review").status).toBe("success");
  expect(gh.comments).toHaveLength(2);
  expect(gh.comments[1].body).toMatch(/^\*\*Not applied: the network changed since this plan was reviewed\.\*\* Nothing was sent\.\n\n```\nerror: the live network changed since the plan was made:\n {2}port 5 of switch AAAA-BBBB-CCCC: name – → Temporary guest desk, vlan 1 → 30\n/);
});

test("a plan file that is not the one the comment shows is not applied", async () => {
  expect((await planPullRequest(1001, "c0ffee1")).status).toBe("success");
  gh.comments[0].body = gh.comments[0].body.replace(/"digest":"sha256:[0-9a-f]{64}"/, `"digest":"sha256:${"0".repeat(64)}"`);
  await t.control.clearRequests();
  const applied = await merge(2001, "c0ffee1");
  expect(applied.status).toBe("failure");
  expect(step(applied, "Apply the reviewed plan").stdout).toContain("::error title=Not the reviewed plan::plan.json is not the plan the pull request shows (sha256:" + "0".repeat(64) + "). Nothing was applied.\n");
  expect(step(applied, "Ask for a new review").status).toBe("skipped");
  expect(await writes()).toEqual([]);
});

test("a push to main that is no merged pull request, or whose last commit was never planned, applies nothing", async () => {
  const direct = await runJob(workflow, "apply", { github: gh, event: "push", runId: 2001, sha: "d1rect", secrets: secrets(), env: runnerEnv() });
  expect(direct.status).toBe("failure");
  expect(step(direct, "Find the reviewed plan").stderr).toBe("::error::d1rect is not the merge of a pull request: only reviewed plans are applied\n");
  expect(step(direct, "Apply the reviewed plan").status).toBe("skipped");

  expect((await planPullRequest(1001, "c0ffee1")).status).toBe("success");
  const unplanned = await merge(2002, "c0ffee2");
  expect(step(unplanned, "Find the reviewed plan").stderr).toBe("::error::no successful plan for the last commit of #7 (c0ffee2): run the plan on the pull request again\n");
  expect(await writes()).toEqual([]);
});

test("an error while planning fails the pull request's check, and no comment or artifact is made", async () => {
  const job = await runJob(workflow, "plan", { github: gh, event: "pull_request", runId: 1001, sha: "c0ffee1", pr: 7, secrets: { ...secrets(), MERAKI_PLAN_API_KEY: PLAN_KEY }, env: runnerEnv() });
  expect(job.status).toBe("failure");
  expect(step(job, "Plan").stderr).toMatch(/^error: .*401/m);
  expect(gh.comments).toEqual([]);
  expect(gh.artifacts.size).toBe(0);
});

test("secrets: the plan job has a read-only key, only the write key's environment applies, and only meraki-batch steps see a key", () => {
  expect(JSON.stringify(workflow.env ?? {})).not.toContain("secrets.");
  expect(workflow.permissions).toEqual({});
  for (const [name, job] of Object.entries<any>(workflow.jobs)) {
    expect(JSON.stringify(job.env ?? {})).not.toContain("secrets.");
    for (const s of job.steps) {
      const usesSecret = JSON.stringify(s).includes("secrets.");
      expect([name, s.name, usesSecret]).toEqual([name, s.name, usesSecret && /npx meraki-batch /.test(s.run ?? "")]);
    }
  }
  expect(workflow.jobs.plan.steps.find((s: any) => s.name === "Plan").env.MERAKI_DASHBOARD_API_KEY).toBe("${{ secrets.MERAKI_PLAN_API_KEY }}");
  expect(workflow.jobs.apply.environment).toBe("production");
  expect(workflow.jobs.apply.steps.find((s: any) => s.name === "Apply the reviewed plan").env.MERAKI_DASHBOARD_API_KEY).toBe("${{ secrets.MERAKI_DASHBOARD_API_KEY }}");
  expect(workflow.jobs.plan.permissions).toEqual({ contents: "read", "pull-requests": "write" });
  expect(workflow.jobs.apply.permissions).toEqual({ contents: "read", actions: "read", "pull-requests": "write" });
});
