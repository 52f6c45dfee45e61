/** The "waiting for …" line on a terminal's stderr, with an injected clock (no timers run). */
import { PassThrough, Writable } from "stream";
import { Io } from "../../cli/io";
import { waiting } from "../../cli/waiting";
import type { PendingRequest } from "../../provider/dashboard/client";

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

const io = (stderr: Screen): Io => ({ stdout: new Screen(), stderr, stdin: Object.assign(new PassThrough(), { isTTY: true }), env: {} });

test("appears once a request has waited a second, counts the seconds in place, and goes away", () => {
  const screen = new Screen();
  let now = 10_000;
  const pending: PendingRequest[] = [];
  const w = waiting(io(screen), () => pending, { now: () => now, everyMs: 0 });
  pending.push({ method: "GET", host: "127.0.0.1:8787", path: "/organizations/1234567/networks", startedAt: now });
  now += 500;
  w.tick();
  expect(screen.text).toBe(""); // under a second: nothing
  now += 500;
  w.tick();
  expect(screen.lines).toEqual(["waiting for 127.0.0.1:8787 (GET /organizations/1234567/networks) 1 s"]);
  pending.push({ method: "GET", host: "127.0.0.1:8787", path: "/organizations/1234567/devices", startedAt: now - 200 });
  now += 4200;
  w.tick();
  w.tick(); // the same text is not redrawn
  expect(screen.lines).toEqual(["waiting for 127.0.0.1:8787 (GET /organizations/1234567/networks) 5 s, and 1 more request"]);
  expect(screen.text.match(/\r/g)).toHaveLength(2);

  // Other output goes on its own line, the waiting line comes back under it.
  w.line("debug: GET /organizations/1234567/vlans → 200 (12 ms)");
  expect(screen.lines).toEqual(["debug: GET /organizations/1234567/vlans → 200 (12 ms)", "waiting for 127.0.0.1:8787 (GET /organizations/1234567/networks) 5 s, and 1 more request"]);

  pending.splice(0);
  w.tick();
  expect(screen.lines).toEqual(["debug: GET /organizations/1234567/vlans → 200 (12 ms)", ""]);
  w.stop();
});

test("stop clears a line that is shown", () => {
  const screen = new Screen();
  const w = waiting(io(screen), () => [{ method: "POST", host: "api.meraki.com", path: "/organizations/1/actionBatches", startedAt: 0 }], { now: () => 3000, everyMs: 0 });
  w.tick();
  expect(screen.lines).toEqual(["waiting for api.meraki.com (POST /organizations/1/actionBatches) 3 s"]);
  w.stop();
  expect(screen.lines).toEqual([""]);
});

test("off a terminal: nothing, however long the wait", () => {
  const screen = new Screen();
  screen.isTTY = false;
  const w = waiting(io(screen), () => [{ method: "GET", host: "127.0.0.1:8787", path: "/organizations", startedAt: 0 }], { now: () => 60_000 });
  w.tick();
  w.line("debug: a line");
  w.stop();
  expect(screen.text).toBe("debug: a line\n");
});
