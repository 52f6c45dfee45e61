/** The contract each resource kind module fulfils. */
import { z } from "zod";
import { LiveNeeds, LiveSnapshot } from "../live/snapshot";
import { Change, DeleteSpec, Kind } from "./common";

export interface PlanContext {
  live: LiveSnapshot;
  name: string;
  intent: "ensure" | "create";
}

/** What planning one resource gives: its change, or problems that stop it (before anything is sent). */
export interface KindPlan {
  change?: Change;
  issues?: Array<{ path: string; message: string }>;
}

export interface KindModule<P> {
  kind: Kind;
  /** The SDK class name, used in messages: "Vlan", "DeviceTags", "SwitchPort". */
  label: string;
  schema: z.ZodType<P>;
  key(props: P): string;
  describe(props: P): string;
  /** Adds the collections this resource is compared against. */
  needs(props: P, needs: LiveNeeds): void;
  plan(props: P, ctx: PlanContext): KindPlan;
  planDelete(props: P, spec: DeleteSpec, ctx: PlanContext): KindPlan;
  /** Order of this kind's actions across and inside batches (ARCHITECTURE §2). */
  phase(change: Change): number;
}

export const PHASE = {
  vlanCreate: 0,
  vlanUpdate: 1,
  deviceUpdate: 2,
  portUpdate: 3,
  vlanDestroy: 4,
} as const;
