/**
 * Runs a GitHub Actions workflow's job the way a runner would, as far as a test can: `run:` steps
 * in bash (with `npx meraki-batch` running the built CLI), actions/github-script steps as the
 * async function github-script makes of them (with a fake GitHub API that keeps comments, pull
 * requests and runs), artifacts uploaded and downloaded between jobs through a local store.
 * Checkout, setup-node and `npm ci` are already done by the repository under test; given a
 * `repository` of its own (a user's repository, tests/package), the checkout copies it and
 * `npm ci` and `npx` run for real there. A step this runner does not know fails the test: the
 * workflow cannot grow steps the test skips silently.
 */
import { spawn } from "child_process";
import * as fs from "fs";
import * as os from "os";
import * as path from "path";
import { MAIN, ROOT } from "./cli";

export interface Comment {
  id: number;
  issue: number;
  user: { login: string; type: string };
  body: string;
}

export interface Run {
  id: number;
  workflow_id: number;
  event: "pull_request" | "push";
  head_sha: string;
  status: "success" | "failure";
  created_at: string;
}

export interface Pull {
  number: number;
  head: { sha: string };
  merged_at: string | null;
  merge_commit_sha: string | null;
}

/** What GitHub holds for the repository: comments, pull requests, runs and their artifacts. */
export class FakeGitHub {
  comments: Comment[] = [];
  pulls: Pull[] = [];
  runs: Run[] = [];
  /** run id → artifact name → directory */
  artifacts = new Map<number, Map<string, string>>();
  private nextComment = 1;
  static readonly WORKFLOW_ID = 77;
  /** GitHub refuses comments longer than this. */
  static readonly COMMENT_LIMIT = 65_536;

  private body(body: string): string {
    if (body.length > FakeGitHub.COMMENT_LIMIT) throw Object.assign(new Error("Validation Failed: body is too long (maximum is 65536 characters)"), { status: 422 });
    return body;
  }

  /** The `github` object of actions/github-script (Octokit), as far as the workflow uses it. */
  octokit() {
    return {
      paginate: async (fn: (p: any) => Promise<{ data: any }>, params: any) => {
        const { data } = await fn(params);
        return Array.isArray(data) ? data : data.workflow_runs;
      },
      rest: {
        issues: {
          listComments: async (p: { issue_number: number }) => ({ data: this.comments.filter((c) => c.issue === p.issue_number).map((c) => ({ ...c })) }),
          createComment: async (p: { issue_number: number; body: string }) => {
            const c = { id: this.nextComment++, issue: p.issue_number, user: { login: "github-actions[bot]", type: "Bot" }, body: this.body(p.body) };
            this.comments.push(c);
            return { data: c };
          },
          updateComment: async (p: { comment_id: number; body: string }) => {
            const c = this.comments.find((x) => x.id === p.comment_id);
            if (!c) throw Object.assign(new Error("Not Found"), { status: 404 });
            c.body = this.body(p.body);
            return { data: c };
          },
        },
        repos: {
          listPullRequestsAssociatedWithCommit: async (p: { commit_sha: string }) => ({
            data: this.pulls.filter((x) => x.merge_commit_sha === p.commit_sha || x.head.sha === p.commit_sha),
          }),
        },
        actions: {
          getWorkflowRun: async (p: { run_id: number }) => ({ data: { id: p.run_id, workflow_id: FakeGitHub.WORKFLOW_ID } }),
          listWorkflowRuns: async (p: { workflow_id: number; event: string; head_sha: string; status: string }) => ({
            data: { workflow_runs: this.runs.filter((r) => r.workflow_id === p.workflow_id && r.event === p.event && r.head_sha === p.head_sha && r.status === p.status) },
          }),
        },
      },
    };
  }
}

export interface JobContext {
  github: FakeGitHub;
  event: "pull_request" | "push";
  runId: number;
  /** The commit: the pull request's head on pull_request, the merge commit on push. */
  sha: string;
  pr?: number;
  secrets: Record<string, string>;
  /** What the runner's environment adds (e.g. the emulator's URL). */
  env: Record<string, string>;
  /**
   * A repository of its own to check out (copied without node_modules): `npm ci` and `npx` then
   * run for real in the copy. Default: this repository, with `npx meraki-batch` the built CLI.
   */
  repository?: string;
}

export interface StepResult {
  name: string;
  status: "success" | "failure" | "skipped";
  stdout: string;
  stderr: string;
  outputs: Record<string, string>;
}

export interface JobResult {
  status: "success" | "failure" | "skipped";
  steps: StepResult[];
  workspace: string;
}

const stepName = (s: any) => s.name ?? s.uses ?? s.run.split("\n")[0];

/** Runs one job of a parsed workflow. */
export async function runJob(workflow: any, jobName: string, ctx: JobContext): Promise<JobResult> {
  const job = workflow.jobs[jobName];
  const steps: Record<string, { outputs: Record<string, string> }> = {};
  const workspace = fs.mkdtempSync(path.join(os.tmpdir(), `mb-${jobName}-`));
  if (ctx.repository) {
    // A fresh checkout of the user's repository: what is committed, not what npm installed.
    fs.cpSync(ctx.repository, workspace, { recursive: true, filter: (src) => path.basename(src) !== "node_modules" });
  } else {
    // The checkout: the repository's files at their usual places (the program, not a copy of it).
    fs.mkdirSync(path.join(workspace, "examples"));
    fs.symlinkSync(path.join(ROOT, "examples", "gitops"), path.join(workspace, "examples", "gitops"), "dir");
  }

  const value = (expr: string): string => {
    const e = expr.trim();
    let m: RegExpExecArray | null;
    if ((m = /^secrets\.(\w+)$/.exec(e))) return ctx.secrets[m[1]] ?? "";
    if ((m = /^steps\.([\w-]+)\.outputs\.([\w-]+)$/.exec(e))) return steps[m[1]]?.outputs[m[2]] ?? "";
    if ((m = /^env\.(\w+)$/.exec(e))) return String(workflow.env?.[m[1]] ?? job.env?.[m[1]] ?? "");
    if (e === "github.token") return "ghs_token_of_this_run";
    if (e === "github.event_name") return ctx.event;
    if ((m = /^'([^']*)'$/.exec(e))) return m[1];
    throw new Error(`the test runner does not know the expression \${{ ${e} }}`);
  };
  const interpolate = (v: unknown): string => String(v).replace(/\$\{\{(.*?)\}\}/g, (_, e) => value(e));
  let failed = false;
  const condition = (expr: string | undefined): boolean => {
    if (expr === undefined) return !failed;
    return expr.split("&&").every((term) => {
      const t = term.trim();
      if (t === "failure()") return failed;
      if (t === "success()") return !failed;
      if (t === "always()") return true;
      const m = /^(.+?)\s*==\s*(.+)$/.exec(t);
      if (!m) throw new Error(`the test runner does not know the condition ${t}`);
      return value(m[1]) === value(m[2]);
    });
  };

  if (!condition(job.if)) return { status: "skipped", steps: [], workspace };
  const results: StepResult[] = [];
  for (const step of job.steps) {
    const result: StepResult = { name: stepName(step), status: "success", stdout: "", stderr: "", outputs: {} };
    results.push(result);
    if (step.id) steps[step.id] = result;
    if (!condition(step.if)) {
      result.status = "skipped";
      continue;
    }
    const env: Record<string, string> = {};
    for (const scope of [workflow.env, job.env, step.env]) for (const [k, v] of Object.entries(scope ?? {})) env[k] = interpolate(v);
    const w: Record<string, string> = Object.fromEntries(Object.entries(step.with ?? {}).map(([k, v]) => [k, interpolate(v)]));
    try {
      if (step.uses?.startsWith("actions/checkout@") || step.uses?.startsWith("actions/setup-node@") || (step.run === "npm ci" && !ctx.repository)) {
        // done by the repository under test
      } else if (step.uses?.startsWith("actions/upload-artifact@")) {
        const file = path.join(workspace, w.path);
        if (!fs.existsSync(file)) throw new Error(`upload-artifact: no file at ${w.path}`);
        const dir = fs.mkdtempSync(path.join(os.tmpdir(), "mb-artifact-"));
        fs.copyFileSync(file, path.join(dir, path.basename(w.path)));
        if (!ctx.github.artifacts.has(ctx.runId)) ctx.github.artifacts.set(ctx.runId, new Map());
        ctx.github.artifacts.get(ctx.runId)!.set(w.name, dir);
      } else if (step.uses?.startsWith("actions/download-artifact@")) {
        // Another run's artifact needs its run id and a token (actions/download-artifact v4).
        const runId = w["run-id"] ? Number(w["run-id"]) : ctx.runId;
        if (w["run-id"] && !w["github-token"]) throw new Error("download-artifact: run-id needs github-token");
        const dir = ctx.github.artifacts.get(runId)?.get(w.name);
        if (!dir) throw new Error(`download-artifact: no artifact ${w.name} in run ${runId}`);
        for (const f of fs.readdirSync(dir)) fs.copyFileSync(path.join(dir, f), path.join(workspace, f));
      } else if (step.uses?.startsWith("actions/github-script@")) {
        await githubScript(w.script, { ...ctx, workspace, env, result });
      } else if (typeof step.run === "string") {
        await bash(step.run, workspace, { ...env, ...ctx.env }, result, !ctx.repository);
      } else {
        throw new Error(`the test runner does not know the step ${JSON.stringify(step)}`);
      }
    } catch (err) {
      result.status = "failure";
      result.stderr += `${(err as Error).message}\n`;
    }
    if (result.status === "failure") failed = true;
  }
  return { status: failed ? "failure" : "success", steps: results, workspace };
}

async function githubScript(script: string, c: JobContext & { workspace: string; env: Record<string, string>; result: StepResult }): Promise<void> {
  const resolve = (p: string) => path.resolve(c.workspace, p);
  const fsInWorkspace = { ...fs, readFileSync: (p: string, ...rest: any[]) => (fs.readFileSync as any)(resolve(p), ...rest) };
  const req = (name: string) => (name === "fs" ? fsInWorkspace : require(name));
  const context = {
    repo: { owner: "acme", repo: "network" },
    issue: { number: c.pr },
    sha: c.sha,
    runId: c.runId,
    serverUrl: "https://github.com",
    eventName: c.event,
  };
  const core = {
    setOutput: (k: string, v: string) => (c.result.outputs[k] = String(v)),
    setFailed: (message: string) => {
      c.result.status = "failure";
      c.result.stderr += `::error::${message}\n`;
    },
  };
  const AsyncFunction = Object.getPrototypeOf(async () => undefined).constructor;
  const fn = new AsyncFunction("github", "context", "core", "require", "process", script);
  await fn(c.github.octokit(), context, core, req, { env: c.env });
}

function bash(script: string, cwd: string, env: Record<string, string>, result: StepResult, shimNpx = true): Promise<void> {
  // `npx meraki-batch` runs the CLI built from this repository (or, shimNpx false, what the repository installed).
  const bin = fs.mkdtempSync(path.join(os.tmpdir(), "mb-bin-"));
  if (shimNpx) fs.writeFileSync(path.join(bin, "npx"), `#!/bin/sh\nif [ "$1" = meraki-batch ]; then shift; exec "${process.execPath}" "${MAIN}" "$@"; fi\necho "unexpected: npx $*" >&2\nexit 127\n`, { mode: 0o755 });
  const output = path.join(cwd, ".github_output");
  fs.writeFileSync(output, "");
  const base: Record<string, string | undefined> = { ...process.env };
  for (const k of Object.keys(base)) if (k.startsWith("MERAKI_")) delete base[k];
  return new Promise((done) => {
    const child = spawn("bash", ["--noprofile", "--norc", "-eo", "pipefail", "-c", script], {
      cwd,
      env: { ...base, NO_COLOR: "1", ...env, GITHUB_OUTPUT: output, PATH: `${bin}${path.delimiter}${process.env.PATH}` },
      stdio: ["ignore", "pipe", "pipe"],
    });
    child.stdout.on("data", (d) => (result.stdout += d));
    child.stderr.on("data", (d) => (result.stderr += d));
    child.once("exit", (code) => {
      for (const line of fs.readFileSync(output, "utf8").split("\n")) {
        const m = /^([\w-]+)=(.*)$/.exec(line);
        if (m) result.outputs[m[1]] = m[2];
      }
      if (code !== 0) result.status = "failure";
      done();
    });
  });
}
