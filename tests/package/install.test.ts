/**
 * meraki-batch as a user installs it, outside this repository: `npm pack` → a tarball installed
 * into an empty directory → its emulator → `import` → the commands `import` prints → a plan with
 * no changes → an apply of an edit → `npx meraki-batch --help`; then the GitOps example's
 * workflow copied into that repository, its jobs run with their own `npm ci` and `npx` in fresh
 * checkouts; and a copy of the GitOps example, switched from this repository to the tarball. Nothing here resolves into the repository's node_modules: every command runs under
 * the temporary directory (os.tmpdir()), whose parents hold no node_modules.
 *
 * Time: npm installs from the local npm cache (prefer-offline, no audit), so nothing is
 * downloaded when the cache holds the lock file's packages (as after `npm ci` in this
 * repository). 30-80 s on the project's 2-core machine, depending on its load: five npm installs
 * (1-10 s each), three first type checks, the rest a few seconds each. `npm pack --ignore-scripts` packs the
 * dist/ that `npm test` has just built (its `prepare` would build again).
 */
import { ChildProcess, spawn } from "child_process";
import * as fs from "fs";
import * as os from "os";
import * as path from "path";
import { parse, stringify } from "yaml";
import { DEMO_API_KEY } from "../../emulator/seeds";
import { ROOT } from "../helpers/cli";
import { FakeGitHub, runJob } from "../helpers/workflow";

jest.setTimeout(600_000);

interface Run {
  code: number | null;
  stdout: string;
  stderr: string;
  ms: number;
}

/** The environment of a user's shell: no MERAKI_* from the test's, npm from the local cache. */
function userEnv(extra: NodeJS.ProcessEnv = {}): NodeJS.ProcessEnv {
  const env: NodeJS.ProcessEnv = { ...process.env };
  for (const k of Object.keys(env)) if ((k.startsWith("MERAKI_") && k !== "MERAKI_BATCH_STATE_DIR" && k !== "MERAKI_BATCH_CACHE_DIR") || k === "NODE_PATH" || k.startsWith("npm_")) delete env[k];
  Object.assign(env, { NO_COLOR: "1", npm_config_prefer_offline: "true", npm_config_audit: "false", npm_config_fund: "false", npm_config_update_notifier: "false" }, extra);
  return env;
}

function sh(command: string, cwd: string, extra: NodeJS.ProcessEnv = {}): Promise<Run> {
  const started = Date.now();
  return new Promise((resolve) => {
    const child = spawn("bash", ["--noprofile", "--norc", "-eo", "pipefail", "-c", command], { cwd, env: userEnv(extra), stdio: ["ignore", "pipe", "pipe"] });
    let stdout = "";
    let stderr = "";
    child.stdout.on("data", (d) => (stdout += d));
    child.stderr.on("data", (d) => (stderr += d));
    child.once("exit", (code) => resolve({ code, stdout, stderr, ms: Date.now() - started }));
  });
}

const ok = (r: Run, what: string) => {
  if (r.code !== 0) throw new Error(`${what} exited ${r.code}:\n${r.stdout}\n${r.stderr}`);
  return r;
};

let home: string;
let emulator: ChildProcess | undefined;
const timings: string[] = [];
const timed = async (what: string, p: Promise<Run>) => {
  const r = await p;
  timings.push(`${what} ${(r.ms / 1000).toFixed(1)} s`);
  return r;
};

beforeAll(() => {
  home = fs.realpathSync(fs.mkdtempSync(path.join(os.tmpdir(), "mb-user-")));
  // The premise: nothing above the user's directory could lend it a node_modules.
  for (let d = path.dirname(home); d !== path.dirname(d); d = path.dirname(d)) expect(fs.existsSync(path.join(d, "node_modules"))).toBe(false);
});
afterAll(() => {
  if (emulator?.pid && emulator.exitCode === null) emulator.kill();
  fs.rmSync(home, { recursive: true, force: true });
  // eslint-disable-next-line no-console
  console.log(`package test timings: ${timings.join(", ")}`);
});

test("npm pack → install into an empty directory → import → npm install as printed → plan empty → apply an edit → --help; the GitOps workflow in that repository", async () => {
  // 1. The tarball: what `files` lets in, and nothing from the dev tree.
  const packed = ok(await timed("npm pack", sh(`npm pack --ignore-scripts --pack-destination ${JSON.stringify(home)}`, ROOT)), "npm pack");
  const tarball = path.join(home, packed.stdout.trim().split("\n").pop()!);
  expect(path.basename(tarball)).toMatch(/^meraki-batch-\d+\.\d+\.\d+\.tgz$/);
  const listed = ok(await sh(`tar tzf ${JSON.stringify(tarball)}`, home), "tar").stdout.split("\n").filter(Boolean).map((f) => f.replace(/^package\//, ""));
  expect(listed).toEqual(expect.arrayContaining(["package.json", "README.md", "dist/cli/main.js", "dist/sdk/index.js", "dist/sdk/index.d.ts", "dist/emulator/index.js", "examples/gitops/.github/workflows/meraki-batch.yml", "docs/emulator.md"]));
  expect(listed.filter((f) => /^dist\/(tests|bench|chaos)\/|\.map$|^(cli|provider|sdk|tests|emulator|lib)\/|tsconfig|jest\.config|^\.ci\//.test(f))).toEqual([]);

  // 2. Installed into an empty directory: a copy, its command linked.
  const tool = path.join(home, "tool");
  fs.mkdirSync(tool);
  const installed = ok(await timed("npm install <tarball>", sh(`npm install ${JSON.stringify(tarball)}`, tool)), "npm install <tarball>");
  expect(installed.stderr).not.toMatch(/npm (error|ERR!)/);
  const pkgDir = path.join(tool, "node_modules", "meraki-batch");
  expect(fs.lstatSync(pkgDir).isSymbolicLink()).toBe(false);
  // npm does not run `prepare` for a tarball: the build ships in it (and tsconfig.build.json, which the build needs, does not).
  expect(fs.existsSync(path.join(pkgDir, "tsconfig.build.json"))).toBe(false);

  // 3. Its emulator, as a user starts it.
  emulator = spawn(path.join(tool, "node_modules", ".bin", "meraki-batch"), ["emulator", "--port", "0", "--rate-limit", "0"], { cwd: tool, env: userEnv(), stdio: ["ignore", "pipe", "pipe"] });
  const url = await new Promise<string>((resolve, reject) => {
    let out = "";
    emulator!.stdout!.on("data", (d) => {
      out += d;
      const m = /listening on (http:\/\/\S+\/api\/v1)\n/.exec(out);
      if (m) resolve(m[1]);
    });
    emulator!.once("exit", (code) => reject(new Error(`the emulator exited ${code}: ${out}`)));
  });
  const key = { MERAKI_DASHBOARD_API_KEY: DEMO_API_KEY };

  // 4. import, and the next step exactly as printed.
  const imported = ok(await timed("import", sh(`npx meraki-batch import ../network --base-url ${url} --org 1234567`, tool, key)), "import");
  const next = /^Next: (.*?) {3}\(no changes\)$/m.exec(imported.stdout)?.[1];
  expect(next).toBe("cd ../network && npm install && npx meraki-batch plan . --detailed-exitcode");
  expect(imported.stdout).toContain(`note: package.json takes meraki-batch from ../${path.basename(tarball)} (the tarball this meraki-batch was installed from)`);
  const project = path.join(home, "network");
  expect(JSON.parse(fs.readFileSync(path.join(project, "package.json"), "utf8")).dependencies["meraki-batch"]).toBe(`file:../${path.basename(tarball)}`);
  const first = await timed("npm install + first plan", sh(next!, tool, key));
  expect(first.stderr).not.toMatch(/error/i);
  expect(first.code).toBe(0);
  expect(first.stdout).toContain("No changes. The live network matches the program.");
  expect(first.stdout).not.toContain("Not declared by the program");
  expect(fs.lstatSync(path.join(project, "node_modules", "meraki-batch")).isSymbolicLink()).toBe(false);
  // The program's meraki-batch and @pulumi/pulumi are the project's own, one copy each.
  const resolved = ok(await sh(`node -p 'require.resolve("meraki-batch") + " " + require.resolve("@pulumi/pulumi")'`, project), "resolve").stdout.trim().split(" ");
  expect(resolved.every((f) => f.startsWith(path.join(project, "node_modules")))).toBe(true);

  // 5. An edit applies; the next plan is empty again.
  const index = path.join(project, "index.ts");
  const source = fs.readFileSync(index, "utf8");
  expect(source).toContain('name: "Default",');
  fs.writeFileSync(index, source.replace('name: "Default",', 'name: "Office",'));
  const applied = ok(await timed("apply", sh("npx meraki-batch apply . --yes", project, key)), "apply");
  expect(applied.stdout).toMatch(/Applied: 1 applied, 0 failed, 0 not applied, \d+ unchanged; 1 of 1 batch completed; read back: every applied field is live\./);
  expect(ok(await sh("npx meraki-batch plan . --detailed-exitcode", project, key), "plan after apply").stdout).toContain("No changes.");

  // 6. The command itself.
  const help = ok(await sh("npx meraki-batch --help", project), "--help");
  expect(help.stdout).toMatch(/^Usage: meraki-batch <command> \[options\]\n/);
  expect(ok(await sh("npx meraki-batch --version", project), "--version").stdout.trim()).toBe(JSON.parse(fs.readFileSync(path.join(ROOT, "package.json"), "utf8")).version);

  // 7. The repository as the note says: the tarball kept with the program, so a fresh checkout installs.
  fs.copyFileSync(tarball, path.join(project, path.basename(tarball)));
  ok(await timed("npm install ./<tarball>", sh(`npm install ./${path.basename(tarball)}`, project)), "npm install ./tarball");
  expect(JSON.parse(fs.readFileSync(path.join(project, "package.json"), "utf8")).dependencies["meraki-batch"]).toBe(`file:${path.basename(tarball)}`);

  // 8. The GitOps workflow copied in, its program and stack set (README: your own repository).
  const workflow = parse(fs.readFileSync(path.join(project, "node_modules", "meraki-batch", "examples", "gitops", ".github", "workflows", "meraki-batch.yml"), "utf8"));
  workflow.env = { ...workflow.env, PROGRAM: ".", STACK: "dev" };
  fs.mkdirSync(path.join(project, ".github", "workflows"), { recursive: true });
  fs.writeFileSync(path.join(project, ".github", "workflows", "meraki-batch.yml"), stringify(workflow));
  fs.writeFileSync(index, source.replace('name: "Default",', 'name: "Office 2",'));
  const gh = new FakeGitHub();
  const secrets = { MERAKI_PLAN_API_KEY: DEMO_API_KEY, MERAKI_DASHBOARD_API_KEY: DEMO_API_KEY };
  const runner = userEnv() as Record<string, string>;
  let started = Date.now();
  const planJob = await runJob(workflow, "plan", { github: gh, event: "pull_request", runId: 501, sha: "f00d", pr: 3, secrets, env: runner, repository: project });
  timings.push(`workflow plan job (npm ci, plan) ${((Date.now() - started) / 1000).toFixed(1)} s`);
  const failedPlan = planJob.steps.find((s) => s.status === "failure");
  expect(failedPlan && `${failedPlan.name}: ${failedPlan.stdout}${failedPlan.stderr}`).toBeUndefined();
  expect(planJob.steps.find((s) => s.name === "npm ci")!.status).toBe("success");
  expect(planJob.steps.find((s) => s.name === "Plan")!.stdout).toContain("Plan for organization 1234567: 1 resource to change");
  expect(gh.comments).toHaveLength(1);
  gh.runs.push({ id: 501, workflow_id: FakeGitHub.WORKFLOW_ID, event: "pull_request", head_sha: "f00d", status: "success", created_at: "2026-11-01T00:00:00Z" });
  gh.pulls.push({ number: 3, head: { sha: "f00d" }, merged_at: "2026-11-01T01:00:00Z", merge_commit_sha: "m3rge" });
  started = Date.now();
  const applyJob = await runJob(workflow, "apply", { github: gh, event: "push", runId: 601, sha: "m3rge", secrets, env: runner, repository: project });
  timings.push(`workflow apply job (npm ci, apply) ${((Date.now() - started) / 1000).toFixed(1)} s`);
  const failedApply = applyJob.steps.find((s) => s.status === "failure");
  expect(failedApply && `${failedApply.name}: ${failedApply.stdout}${failedApply.stderr}`).toBeUndefined();
  expect(applyJob.steps.find((s) => s.name === "Apply the reviewed plan")!.stdout).toContain("Applied: 1 applied");
  const vlan = await fetch(`${url}/networks/L_000000000000000/appliance/vlans/1`, { headers: { "X-Cisco-Meraki-API-Key": DEMO_API_KEY } });
  expect(((await vlan.json()) as { name: string }).name).toBe("Office 2");
  for (const job of [planJob, applyJob]) fs.rmSync(job.workspace, { recursive: true, force: true });

  // 9. A copy of an example: its "file:../.." (this repository) replaced by the tarball, as the README says.
  const site = path.join(home, "site");
  fs.cpSync(path.join(pkgDir, "examples", "gitops"), site, { recursive: true });
  expect(JSON.parse(fs.readFileSync(path.join(site, "package.json"), "utf8")).dependencies["meraki-batch"]).toBe("file:../..");
  ok(await timed("example: npm install <tarball>", sh(`npm install ${JSON.stringify(tarball)}`, site)), "npm install in the example's copy");
  const sitePlan = await sh(`npx meraki-batch plan . --stack prod --base-url ${url} --detailed-exitcode`, site, key);
  expect([sitePlan.code, sitePlan.stderr]).toEqual([2, ""]);
  expect(sitePlan.stdout).toContain("Plan for organization 1234567: 55 resources to change (3 to create, 52 to update, 0 to delete)");
});
