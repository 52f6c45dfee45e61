/** On a terminal: the progress bar and the confirmation prompt (with fake TTY streams). */
import { PassThrough, Writable } from "stream";
import { Io } from "../../cli/io";
import { progress } from "../../cli/progress";
import { Interrupted } from "../../cli/interrupt";
import { confirm } from "../../cli/prompt";
import { Plan } from "../../provider";

class Screen extends Writable {
  isTTY = true;
  columns = 120;
  text = "";
  override _write(chunk: Buffer, _enc: string, cb: () => void) {
    this.text += chunk.toString();
    cb();
  }
  /** What the terminal shows: carriage returns and erase-line applied. */
  get lines(): string[] {
    return this.text.split("\n").map((l) => l.split("\r").pop()!.replace(/\u001b\[2K/g, ""));
  }
}

function io(screen: Screen, stdin = Object.assign(new PassThrough(), { isTTY: true })): Io {
  return { stdout: screen, stderr: screen, stdin, env: {} };
}

const plan = {
  summary: { actions: 150, batches: 2 },
  batches: [
    { index: 0, actions: Array(100).fill({}) },
    { index: 1, actions: Array(50).fill({}) },
  ],
} as unknown as Plan;

test("a progress bar redrawn in place, with failures kept on their own lines", () => {
  const screen = new Screen();
  const bar = progress(plan, io(screen));
  bar.onEvent({ type: "batch.staged", index: 0, id: "11", actions: 100, synchronous: false, reused: false });
  bar.onEvent({ type: "batch.staged", index: 1, id: "12", actions: 50, synchronous: false, reused: false });
  bar.onEvent({ type: "batch.polled", index: 0, id: "11", attempt: 2 });
  bar.onEvent({ type: "batch.done", index: 0, id: "11", state: "completed" });
  bar.onEvent({ type: "batch.done", index: 1, id: "12", state: "failed" });
  bar.done();
  expect(screen.lines).toEqual([
    "batch #2 (12): failed",
    "[################--------] 2/2 batches, 100/150 actions  batch #2 (12): failed",
    "",
  ]);
  // It was drawn progressively, in place.
  expect(screen.text).toContain("\r\u001b[2K[----------------] 0/2 batches".replace("----------------", "------------------------"));
  expect(screen.text).toContain("[################--------] 1/2 batches, 100/150 actions  batch #1 (11): completed");
});

test("off a terminal, plain lines", () => {
  const screen = new Screen();
  screen.isTTY = false;
  const bar = progress(plan, io(screen));
  bar.onEvent({ type: "batch.staged", index: 0, id: "11", actions: 100, synchronous: false, reused: false });
  bar.onEvent({ type: "batch.waiting", index: 0, id: "11", reason: "the organization already has 5 batches running", waitMs: 2500 });
  bar.onEvent({ type: "batch.polled", index: 0, id: "11", attempt: 1 });
  bar.onEvent({ type: "batch.done", index: 0, id: "11", state: "completed" });
  bar.done();
  expect(screen.text).toBe(
    "batch #1 (11): created unconfirmed, 100 actions, asynchronous\nbatch #1 (11): waiting 2.5 s, the organization already has 5 batches running\nbatch #1 (11): completed\n",
  );
});

test("the prompt accepts only 'yes'", async () => {
  for (const [answer, expected] of [["yes\n", true], ["y\n", false], ["no\n", false]] as const) {
    const screen = new Screen();
    const stdin = Object.assign(new PassThrough(), { isTTY: true });
    const asked = confirm(io(screen, stdin), "Apply 2 batches?", false);
    stdin.write(answer);
    expect(await asked).toBe(expected);
    expect(screen.text).toContain("Apply 2 batches? Only 'yes' will be accepted: ");
  }
});

test("--yes skips the prompt; no terminal and no --yes is refused", async () => {
  const screen = new Screen();
  expect(await confirm(io(screen), "?", true)).toBe(true);
  const notTty = Object.assign(new PassThrough(), { isTTY: false });
  await expect(confirm(io(screen, notTty), "?", false)).rejects.toThrow("refusing to apply without --yes");
});

test("lines fit the terminal (80 columns when it does not say) and new run events are kept on screen", () => {
  const screen = new Screen();
  screen.columns = undefined as unknown as number;
  const bar = progress(plan, io(screen));
  bar.onEvent({ type: "batch.staged", index: 0, id: "11", actions: 100, synchronous: false, reused: false });
  bar.onEvent({ type: "batch.confirmed", index: 0, id: "11" });
  expect(bar.running()).toEqual(["11"]);
  bar.onEvent({ type: "run.draining", ids: ["11"], remainingMs: 59_500 });
  bar.onEvent({ type: "batch.unknown", index: 0, id: "11", reason: "the API did not answer" });
  expect(bar.running()).toEqual([]);
  bar.done();
  for (const l of screen.lines) expect(l.length).toBeLessThanOrEqual(79);
  expect(screen.lines).toContain("waiting 60 s for 1 confirmed batch to finish: 11");
  expect(screen.lines).toContain("batch #1 (11): outcome unknown");
});

test("Ctrl-C at the prompt is an interrupt, not an answer; Ctrl-D (end of input) is not 'yes'", async () => {
  // On a terminal in raw mode Ctrl-C arrives as the byte 0x03 rather than as SIGINT.
  const screen = new Screen();
  const stdin = Object.assign(new PassThrough(), { isTTY: true });
  const asked = confirm(io(screen, stdin), "Apply 2 batches?", false);
  stdin.write("\u0003");
  await expect(asked).rejects.toBeInstanceOf(Interrupted);

  const eof = Object.assign(new PassThrough(), { isTTY: true });
  const closed = confirm(io(new Screen(), eof), "Apply 2 batches?", false);
  eof.end();
  expect(await closed).toBe(false);
});
