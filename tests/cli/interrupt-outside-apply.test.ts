/**
 * Interrupts outside an apply's batches, as a user meets them: Ctrl-C at the confirmation prompt
 * of a real terminal (a pseudo-terminal from util-linux `script`), SIGINT or SIGTERM while the
 * network is read. Each says where the run was and what that means, and exits 130.
 */
import { spawn } from "child_process";
import * as fs from "fs";
import * as os from "os";
import * as path from "path";
import { DEMO_API_KEY } from "../../emulator/seeds";
import { TestEmulator, testEmulator } from "../helpers/api";
import { MAIN, PROGRAMS, ROOT } from "../helpers/cli";
import { spawnCli } from "../helpers/processes";
import { SilentServer, silentServer } from "../helpers/unresponsive";

const small = path.join(PROGRAMS, "small");
const SCRIPT = ["/usr/bin/script", "/bin/script"].find((p) => fs.existsSync(p));

describe("at the confirmation prompt of a terminal", () => {
  let t: TestEmulator;
  beforeAll(async () => {
    t = await testEmulator({ frozenClock: false, rateLimit: 0 });
  });
  afterAll(() => t.close());

  /** `apply` on a pseudo-terminal; `keys` are typed once the prompt shows. Resolves with the exit code and the screen. */
  const applyAtTerminal = (keys: string) =>
    new Promise<{ code: number | null; screen: string }>((resolve, reject) => {
      const env: NodeJS.ProcessEnv = { ...process.env, NO_COLOR: "1", MERAKI_DASHBOARD_API_KEY: DEMO_API_KEY, MERAKI_DASHBOARD_API_BASE_URL: t.emu.url };
      delete env.MERAKI_ORGANIZATION_ID;
      // -e: script exits with the command's code; -q: no banner; -f: flush at once.
      const child = spawn(SCRIPT!, ["-qfec", `${JSON.stringify(process.execPath)} ${JSON.stringify(MAIN)} apply ${JSON.stringify(small)}`, "/dev/null"], { cwd: ROOT, env, stdio: ["pipe", "pipe", "pipe"] });
      let screen = "";
      let typed = false;
      const onData = (d: Buffer) => {
        screen += d.toString();
        if (!typed && screen.includes("Only 'yes' will be accepted: ")) {
          typed = true;
          child.stdin!.write(keys);
        }
      };
      child.stdout!.on("data", onData);
      child.stderr!.on("data", onData);
      child.once("error", reject);
      child.once("exit", (code) => resolve({ code, screen }));
    });

  (SCRIPT ? test : test.skip)("Ctrl-C: exit 130, says nothing was applied, and no batch was made", async () => {
    await t.control.clearRequests();
    const { code, screen } = await applyAtTerminal("\u0003");
    expect(screen).toContain("Interrupted: this run confirmed no batch; nothing was applied.");
    expect(code).toBe(130);
    const writes = (await t.control.requests()).filter((r: any) => r.method !== "GET");
    expect(writes).toEqual([]);
  }, 30_000);

  (SCRIPT ? test : test.skip)("Ctrl-D (no answer): cancelled, exit 1, nothing sent", async () => {
    await t.control.clearRequests();
    const { code, screen } = await applyAtTerminal("\u0004");
    expect(screen).toContain("Apply cancelled; nothing was sent.");
    expect(code).toBe(1);
    expect((await t.control.requests()).filter((r: any) => r.method !== "GET")).toEqual([]);
  }, 30_000);
});

describe("while the network is read", () => {
  let silent: SilentServer;
  beforeEach(async () => {
    silent = await silentServer();
  });
  afterEach(() => silent.close());
  const env = () => ({ MERAKI_DASHBOARD_API_KEY: DEMO_API_KEY, MERAKI_DASHBOARD_API_BASE_URL: silent.url, MERAKI_ORGANIZATION_ID: "1234567" });

  test.each([
    ["plan", "SIGTERM", "Interrupted: nothing was changed; a plan only reads."],
    ["apply", "SIGINT", "Interrupted: this run confirmed no batch; nothing was applied."],
  ] as const)("%s, %s: exit 130 and what it means, not a silent death by the signal", async (command, signal, said) => {
    const p = spawnCli([command, small, ...(command === "apply" ? ["--yes"] : [])], { env: env() });
    await silent.requestsArrived(1);
    p.child.kill(signal);
    expect(await p.exited).toBe(130);
    expect(p.err()).toBe(`\n${said}\n`);
  }, 30_000);

  test("import, SIGINT: exit 130, and the directory was not made", async () => {
    const dir = path.join(fs.mkdtempSync(path.join(os.tmpdir(), "mb-import-")), "site");
    const p = spawnCli(["import", dir], { env: env() });
    await silent.requestsArrived(1);
    p.child.kill("SIGINT");
    expect(await p.exited).toBe(130);
    expect(p.err()).toBe(`\nInterrupted: nothing was written to ${dir}; an import only reads until it writes the program at the end.\n`);
    expect(fs.existsSync(dir)).toBe(false);
    expect(fs.readdirSync(path.dirname(dir))).toEqual([]);
  }, 30_000);
});
