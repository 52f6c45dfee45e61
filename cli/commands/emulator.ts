import { Emulator, EMULATOR_DEFAULTS } from "../../emulator";
import { intOption, parse } from "../args";
import { CliError } from "../errors";

export const help = `Usage: meraki-batch emulator [options]

Runs the local Dashboard API emulator until interrupted (Ctrl-C).

Options:
  --host HOST              address to bind (default ${EMULATOR_DEFAULTS.host})
  --port PORT              port to listen on, 0 for any free port (default ${EMULATOR_DEFAULTS.port})
  --seed NAME|FILE         demo, campus, empty, or a world JSON file (default ${EMULATOR_DEFAULTS.seed})
  --switches N             switches in the campus seed (default 10)
  --rate-limit N           requests per second per organization, 0 turns it off (default ${EMULATOR_DEFAULTS.rateLimit})
  --batch-latency-ms N     delay before a confirmed asynchronous batch runs (default ${EMULATOR_DEFAULTS.batchLatencyMs})
  --state FILE             persist the world in FILE (loaded at start when it exists)
  -h, --help               show this help
`;

export async function run(argv: string[], out: NodeJS.WritableStream = process.stdout): Promise<number> {
  const { values, positionals } = parse("emulator", argv, {
    host: { type: "string" },
    port: { type: "string" },
    seed: { type: "string" },
    switches: { type: "string" },
    "rate-limit": { type: "string" },
    "batch-latency-ms": { type: "string" },
    state: { type: "string" },
  });
  if (values.help) {
    out.write(help);
    return 0;
  }
  if (positionals.length) throw new CliError(`unexpected argument '${positionals[0]}'`, "run 'meraki-batch emulator --help'", 2);
  let emulator: Emulator;
  try {
    emulator = new Emulator({
      host: values.host as string | undefined,
      port: intOption("port", values.port as string | undefined, 0, 65535),
      seed: values.seed as string | undefined,
      switches: intOption("switches", values.switches as string | undefined, 1, 10000),
      rateLimit: intOption("rate-limit", values["rate-limit"] as string | undefined, 0),
      batchLatencyMs: intOption("batch-latency-ms", values["batch-latency-ms"] as string | undefined, 0),
      statePath: values.state as string | undefined,
    });
    await emulator.listen();
  } catch (err) {
    if (err instanceof CliError) throw err;
    const e = err as NodeJS.ErrnoException;
    if (e.code === "EADDRINUSE") throw new CliError(`port ${values.port ?? EMULATOR_DEFAULTS.port} is already in use`, "pick another with --port, or --port 0 for any free port");
    throw new CliError(e.message);
  }
  out.write(`Dashboard API emulator listening on ${emulator.url}\n`);
  for (const k of emulator.state.world.apiKeys) out.write(`API key ${k.key} (organizations ${k.organizationIds.join(", ")})\n`);
  await new Promise<void>((resolve) => {
    const stop = () => {
      process.off("SIGINT", stop);
      process.off("SIGTERM", stop);
      resolve();
    };
    process.on("SIGINT", stop);
    process.on("SIGTERM", stop);
  });
  await emulator.close();
  out.write("Emulator stopped\n");
  return 0;
}
