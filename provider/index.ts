/** The engine, free of Pulumi: resources, plan, apply, and the Dashboard client. */
export { Engine, type EngineOptions, type StaleCheck } from "./engine";
export { DashboardClient, type ClientOptions } from "./dashboard/client";
export { BatchApi, type Action, type ActionBatch } from "./dashboard/batches";
export { DEFAULTS, type SyncPreference } from "./defaults";
export { MerakiBatchError, DashboardApiError, ValidationError, type ErrorCode, type ValidationIssue } from "./errors";
export { type Clock, realClock } from "./clock";
export { LiveCache, readLive } from "./live/read";
export { type LiveSnapshot } from "./live/snapshot";
export { type Plan, type PlanOptions, makePlan, validate, liveNeeds } from "./plan/plan";
export { type PlannedBatch, compile } from "./plan/compile";
export { executePlan, type ApplyResult, type ResourceResult, type Outcome, type BatchResult } from "./apply/execute";
export { type ApplyEvent } from "./apply/events";
export * from "./resources";
