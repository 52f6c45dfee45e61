/** A clock that runs `scale` times faster than real time (quick mode); 1 is real time. */
import { Clock, realClock } from "../provider";

export function scaledClock(scale: number): Clock {
  if (scale === 1) return realClock;
  const origin = Date.now();
  return {
    now: () => origin + (Date.now() - origin) * scale,
    sleep: (ms) => new Promise((resolve) => setTimeout(resolve, ms / scale)),
  };
}
