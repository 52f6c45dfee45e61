/**
 * On a terminal, a request that has been pending for a while shows one line on stderr, redrawn
 * in place: "waiting for 127.0.0.1:8787 (GET /organizations) 5 s". Off a terminal nothing is
 * printed (CI logs get the error, with its timeout, when the limit is reached).
 */
import type { PendingRequest } from "../provider/dashboard/client";
import { DEFAULTS } from "../provider/defaults";
import { Io } from "./io";

export interface Waiting {
  /** Redraws (or clears) the line for the requests pending now. */
  tick(): void;
  /** Writes a whole line to stderr without mixing it into the waiting line. */
  line(text: string): void;
  stop(): void;
}

export interface WaitingOptions {
  now: () => number;
  /** Show a request once it has been pending this long. */
  afterMs?: number;
  /** How often to redraw; 0 for no timer (tests call tick). */
  everyMs?: number;
}

export function waiting(io: Io, pending: () => PendingRequest[], opts: WaitingOptions): Waiting {
  const tty = !!io.stderr.isTTY;
  const afterMs = opts.afterMs ?? DEFAULTS.waitingNoticeMs;
  let shown = "";
  const draw = (text: string) => {
    if (text === shown) return;
    const columns = io.stderr.columns ?? 100;
    io.stderr.write(`\r\u001b[2K${text.slice(0, columns - 1)}`);
    shown = text;
  };
  const tick = () => {
    if (!tty) return;
    const now = opts.now();
    const waited = pending()
      .filter((r) => now - r.startedAt >= afterMs)
      .sort((a, b) => a.startedAt - b.startedAt);
    if (!waited.length) return draw("");
    const r = waited[0];
    const others = waited.length - 1;
    draw(`waiting for ${r.host} (${r.method} ${r.path}) ${Math.floor((now - r.startedAt) / 1000)} s${others ? `, and ${others} more request${others === 1 ? "" : "s"}` : ""}`);
  };
  const timer = tty && (opts.everyMs ?? 250) > 0 ? setInterval(tick, opts.everyMs ?? 250) : undefined;
  timer?.unref();
  return {
    tick,
    line(text) {
      const was = shown;
      if (was) draw("");
      io.stderr.write(`${text}\n`);
      if (was) tick();
    },
    stop() {
      if (timer) clearInterval(timer);
      if (shown) draw("");
    },
  };
}
