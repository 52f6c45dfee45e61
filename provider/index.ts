/** The engine, free of Pulumi: resources, plan, apply, and the Dashboard client. */
export { Engine, type EngineOptions, type SavedPlanCheck, type StagedState, type ApplyOptions } from "./engine";
export { DashboardClient, type ClientOptions } from "./dashboard/client";
export { BatchApi, type Action, type ActionBatch } from "./dashboard/batches";
export { DEFAULTS, type SyncPreference } from "./defaults";
export { MerakiBatchError, DashboardApiError, ValidationError, type ErrorCode, type ValidationIssue } from "./errors";
export { type Clock, realClock } from "./clock";
export { LiveCache, readLive } from "./live/read";
export { type LiveSnapshot } from "./live/snapshot";
export { type Plan, type PlanOptions, makePlan, validate, liveNeeds } from "./plan/plan";
export { type PlannedBatch, compile } from "./plan/compile";
export { executePlan, type ExecuteOptions, type ApplyResult, type ResourceResult, type Outcome, type BatchResult, type RunStatus, type BatchState } from "./apply/execute";
export { type Holder } from "./apply/contention";
export { type DraftLedger, type DraftRecord, FileLedger, MemoryLedger, defaultStateDir, runAlive } from "./apply/ledger";
export { describeObject } from "./apply/objects";
export { type ApplyEvent } from "./apply/events";
export * from "./resources";
