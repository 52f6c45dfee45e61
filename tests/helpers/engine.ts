/** An emulator plus a client and engine on one virtual clock: sleeping advances the emulator's clock. */
import { Emulator, EmulatorOptions } from "../../emulator";
import { CAMPUS_API_KEY, DEMO_API_KEY } from "../../emulator/seeds";
import { Clock, DashboardClient, Engine, ResourceSpec } from "../../provider";
import { ClientOptions } from "../../provider/dashboard/client";
import { Control, testEmulator } from "./api";

export interface EngineSetup {
  emu: Emulator;
  control: Control;
  client: DashboardClient;
  engine: Engine;
  clock: Clock;
  /** Virtual milliseconds slept so far. */
  slept(): number;
  close(): Promise<void>;
}

export function emulatorClock(emu: Emulator): Clock & { total: number } {
  const clock = {
    total: 0,
    now: () => emu.clock.now(),
    sleep: async (ms: number) => {
      clock.total += ms;
      emu.clock.advance(ms / 1000);
      // Let other tasks run, as a real wait would.
      await new Promise((r) => setImmediate(r));
    },
  };
  return clock;
}

export async function engineSetup(
  opts: EmulatorOptions & { organizationId?: string; client?: Partial<ClientOptions>; maxBatchesInFlight?: number } = {},
): Promise<EngineSetup> {
  const t = await testEmulator({ rateLimit: 10, ...opts });
  const clock = emulatorClock(t.emu);
  const campus = opts.seed === "campus";
  const client = new DashboardClient({ apiKey: campus ? CAMPUS_API_KEY : DEMO_API_KEY, baseUrl: t.emu.url, clock, random: () => 0.5, ...opts.client });
  const engine = new Engine(client, { organizationId: opts.organizationId ?? (campus ? "2930418" : "1234567"), clock, maxBatchesInFlight: opts.maxBatchesInFlight });
  return {
    emu: t.emu,
    control: t.control,
    client,
    engine,
    clock,
    slept: () => clock.total,
    close: async () => {
      await client.close();
      await t.close();
    },
  };
}

export const NET = "L_000000000000000";
export const SW_A = "AAAA-BBBB-CCCC";
export const SW_B = "DDDD-EEEE-FFFF";

/** The documentation's scenario: VLAN 99, tag APIness on both switches, port 1 of each an access port on VLAN 99. */
export function docScenario(): ResourceSpec[] {
  return [
    { kind: "vlan", name: "api-vlan", props: { networkId: NET, vlanId: 99, name: "API-VLAN", subnet: "172.16.99.0/24", applianceIp: "172.16.99.1" } },
    { kind: "deviceTags", name: "switch-a-tags", props: { serial: SW_A, tags: ["APIness"] } },
    { kind: "deviceTags", name: "switch-b-tags", props: { serial: SW_B, tags: ["APIness"] } },
    { kind: "switchPort", name: "switch-a-port-1", props: { serial: SW_A, portId: "1", type: "access", vlan: 99, tags: ["APIness"] } },
    { kind: "switchPort", name: "switch-b-port-1", props: { serial: SW_B, portId: "1", type: "access", vlan: 99, tags: ["APIness"] } },
  ];
}

export const campusSerial = (s: number) => `Q2CA-MS00-${String(s).padStart(4, "0")}`;

/** 48 ports × `switches` switches, each an access port on VLAN 10 + port number % 3. */
export function campusPorts(switches = 10, vlanBase = 10): ResourceSpec[] {
  const specs: ResourceSpec[] = [];
  for (let s = 1; s <= switches; s++) {
    for (let p = 1; p <= 48; p++) {
      specs.push({ kind: "switchPort", name: `sw${s}-p${p}`, props: { serial: campusSerial(s), portId: String(p), type: "access", vlan: vlanBase + (p % 3), name: `Desk ${s}-${p}` } });
    }
  }
  return specs;
}

export const writes = <T extends { method: string }>(log: T[]): T[] => log.filter((r) => r.method !== "GET");
