/**
 * Preloaded into a measured process (`node --require dist/bench/rusage.js …`): at exit it writes
 * the process's own CPU time (user + system, every thread) and peak resident set size to the file
 * MERAKI_BATCH_BENCH_RUSAGE names. Node cannot read a child's resource usage, so the child reports it.
 */
import * as fs from "fs";

const file = process.env.MERAKI_BATCH_BENCH_RUSAGE;
if (file) {
  process.on("exit", () => {
    const u = process.resourceUsage();
    fs.writeFileSync(file, JSON.stringify({ cpuMs: Math.round((u.userCPUTime + u.systemCPUTime) / 1000), peakRssMb: Math.round(u.maxRSS / 1024) }));
  });
}
