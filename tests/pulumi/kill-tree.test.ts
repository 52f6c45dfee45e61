/**
 * What the real-engine tooling kills when a `pulumi` run times out or a project is disposed: the
 * CLI's process group and every process below it, also those in process groups of their own (as
 * the engine starts its plugins). A stand-in tree: a shell in its own group whose children start
 * their own groups (setsid), like the engine's plugins.
 */
import { spawn } from "child_process";
import * as fs from "fs";
import { descendants, killTree } from "../../tools/pulumi/project";

const alive = (pid: number) => {
  try {
    process.kill(pid, 0);
    // A killed child not yet reaped by its (also killed) parent is a zombie: dead.
    return !/^\d+ \(.*\) Z/.test(fs.readFileSync(`/proc/${pid}/stat`, "utf8"));
  } catch {
    return false;
  }
};

const linux = fs.existsSync("/proc/self/stat");
(linux ? test : test.skip)("killTree kills the group and the processes below it in groups of their own", async () => {
  const root = spawn("sh", ["-c", "setsid sleep 300 & setsid sh -c 'sleep 300 & wait' & echo started; wait"], { detached: true, stdio: ["ignore", "pipe", "ignore"] });
  await new Promise<void>((ok) => root.stdout!.once("data", () => ok()));
  // The shell's children exist once it has printed; setsid's sh may still be starting its sleep.
  // sleep, sh (setsid), and that sh's sleep (setsid execs into its command): polled until all three exist.
  let below = descendants(root.pid!);
  for (const until = Date.now() + 10_000; below.length < 3 && Date.now() < until; below = descendants(root.pid!)) await new Promise((r) => setTimeout(r, 10));
  expect(below).toHaveLength(3);
  const exited = new Promise((ok) => root.on("exit", ok));
  killTree(root.pid!);
  await exited;
  const deadline = Date.now() + 10_000;
  while (below.some(alive) && Date.now() < deadline) await new Promise((r) => setTimeout(r, 20));
  expect(below.filter(alive)).toEqual([]);
});
