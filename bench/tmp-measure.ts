import { realUp, toolchainOrReason, EXAMPLES } from "./pulumi-real";
import * as path from "path";
(async () => {
  const tc = toolchainOrReason();
  if (typeof tc === "string") throw new Error(tc);
  for (const par of [8, 16, 2147483647]) for (const [ex, seed, org] of [["branch-office", "demo", "1234567"], ["campus", "campus", "2930418"]] as const) {
    const r = await realUp(tc, { label: ex, program: path.join(EXAMPLES, ex), seed, organizationId: org, parallel: par });
    console.log(JSON.stringify({ ...r, error: r.error?.slice(-300) }));
  }
})();
