/**
 * Golden plan output for the examples, made by the CLI against the emulator: text and Markdown
 * exactly as a user sees them (UPDATE_GOLDEN=1 rewrites the files after a deliberate change).
 * The plans are sealed against the emulator's default URL so that their digests are the ones a
 * user gets from `meraki-batch emulator` on port 8787; the READMEs' excerpts are checked against
 * these files.
 */
import * as fs from "fs";
import * as os from "os";
import * as path from "path";
import { formatMarkdown, formatPlan } from "../../cli/format";
import { expandGroups } from "../../cli/format/group";
import { colours } from "../../cli/io";
import { CAMPUS_API_KEY, DEMO_API_KEY } from "../../emulator/seeds";
import { Plan } from "../../provider";
import { naturalCompare } from "../../provider/plan/order";
import { seal } from "../../provider/plan/plan";
import { TestEmulator, testEmulator } from "../helpers/api";
import { ROOT, cli } from "../helpers/cli";

const GOLDEN = path.join(__dirname, "golden");
const DEFAULT_BASE_URL = "http://127.0.0.1:8787/api/v1";
const plain = colours({ stdout: { isTTY: false }, env: {} } as never);
const masked = (s: string) => s.replace(/sha256:[0-9a-f]{16,64}/g, "sha256:…");

let t: TestEmulator | undefined;
afterEach(async () => {
  await t?.close();
  t = undefined;
});

interface Made {
  plan: Plan;
  /** What the CLI printed, and the Markdown it wrote. */
  stdout: string;
  markdown: string;
}

async function planExample(example: string, stack: string, seed: "demo" | "campus"): Promise<Made> {
  t = await testEmulator({ frozenClock: false, seed });
  const env = { MERAKI_DASHBOARD_API_KEY: seed === "campus" ? CAMPUS_API_KEY : DEMO_API_KEY, MERAKI_DASHBOARD_API_BASE_URL: undefined, MERAKI_ORGANIZATION_ID: undefined };
  const args = ["plan", `examples/${example}`, "--stack", stack, "--base-url", t.emu.url, "--org", seed === "campus" ? "2930418" : "1234567"];
  const md = path.join(fs.mkdtempSync(path.join(os.tmpdir(), "mb-golden-")), "plan.md");
  const text = await cli([...args, "--markdown", md], { env });
  expect([text.code, text.stderr]).toEqual([0, ""]);
  const json = await cli([...args, "--json"], { env });
  const { grouped, source: _source, ...file } = JSON.parse(json.stdout);
  // The grouped view beside the plan stands for exactly its changes.
  expect(expandGroups(grouped).sort((a, b) => naturalCompare(a.key, b.key))).toEqual(
    (file as Plan).changes.filter((c) => c.op !== "noop").map((c) => ({ key: c.key, name: c.name, kind: c.kind, op: c.op, fields: c.fields })).sort((a, b) => naturalCompare(a.key, b.key)),
  );
  const plan = seal({ ...(file as Plan), baseUrl: DEFAULT_BASE_URL, createdAt: "2026-11-28T00:00:00.000Z" });
  return { plan, stdout: text.stdout, markdown: fs.readFileSync(md, "utf8") };
}

function golden(name: string, actual: string): void {
  const file = path.join(GOLDEN, name);
  if (process.env.UPDATE_GOLDEN) fs.writeFileSync(file, actual);
  expect(actual).toBe(fs.readFileSync(file, "utf8"));
}

test("branch-office: text and Markdown", async () => {
  const { plan, stdout, markdown } = await planExample("branch-office", "dev", "demo");
  const text = formatPlan(plan, plain);
  const md = formatMarkdown(plan, { program: "examples/branch-office", stack: "dev" });
  golden("branch-office.txt", text);
  golden("branch-office.md", md);
  // The CLI printed the same, but for the digests (its plan was made against another port).
  expect(masked(stdout)).toBe(masked(text));
  expect(masked(markdown)).toBe(masked(md));
  expect(text).toContain("    ~ ports 2-40 (switch-a-desk[{port}]):\n");
});

test("campus: the Markdown fits a comment, with every port in <details>", async () => {
  const { plan, stdout, markdown } = await planExample("campus", "dev", "campus");
  const text = formatPlan(plan, plain);
  const md = formatMarkdown(plan, { program: "examples/campus", stack: "dev" });
  golden("campus.txt", text);
  golden("campus.md", md);
  expect(masked(stdout)).toBe(masked(text));
  expect(masked(markdown)).toBe(masked(md));
  expect(md.length).toBeLessThan(60_000);
  expect(md).not.toContain("not shown");
  // Every desk and IoT port is listed one by one, inside <details>.
  const details = md.slice(md.indexOf("<details>"));
  for (let s = 1; s <= 10; s++) {
    const sw = `Q2CA-MS${String(s).padStart(4, "0").slice(0, 2)}-${String(s).padStart(4, "0")}`;
    expect(details).toContain(`<details><summary>Device ${sw}: 46 ports of 2 ranges, one by one</summary>`);
    for (let p = 1; p <= 46; p++) expect(details).toContain(`| ${p} | \`sw${s}[${p}]\` |`);
  }
  // A summary both ends of a long text.
  const lines = text.trimEnd().split("\n");
  expect(lines.slice(-3)).toEqual(lines.slice(0, 3));
  expect(lines.length).toBeLessThan(260);
});

test("gitops: the pull-request comment", async () => {
  const { plan, markdown } = await planExample("gitops", "prod", "demo");
  const md = formatMarkdown(plan, { program: "examples/gitops", stack: "prod" });
  golden("gitops.md", md);
  expect(masked(markdown)).toBe(masked(md));
});

/**
 * A README shows a real excerpt when every fenced block after `<!-- excerpt: FILE -->` is found
 * in FILE line by line, in order ("…" lines stand for lines left out).
 */
test.each(["README.md", "examples/gitops/README.md"])("%s shows excerpts of real output", (readme) => {
  const text = fs.readFileSync(path.join(ROOT, readme), "utf8");
  const excerpts = [...text.matchAll(/<!-- excerpt: (\S+) -->\n+(`{3,})\w*\n([\s\S]*?)\n\2/g)];
  expect(excerpts.length).toBeGreaterThan(0);
  for (const [, file, , block] of excerpts) {
    const source = fs.readFileSync(path.join(ROOT, file), "utf8").split("\n");
    let at = 0;
    for (const line of block.split("\n")) {
      if (line.trim() === "…") continue;
      const found = source.indexOf(line, at);
      expect([file, line, found >= 0]).toEqual([file, line, true]);
      at = found + 1;
    }
  }
});
