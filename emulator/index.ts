export { Emulator, startEmulator, DEFAULTS as EMULATOR_DEFAULTS } from "./server";
export type { EmulatorOptions } from "./server";
export { DEMO_API_KEY, CAMPUS_API_KEY, EMPTY_API_KEY } from "./seeds";
export type { FaultSpec } from "./faults";
export type { LoggedRequest } from "./request-log";
