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
  /** The SDK class name, used in messages: "Vlan", "DeviceTags", "SwitchPort", "VlansSettings". */
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
  /** VLANs are enabled before any VLAN of the network is created (reference §7.7). */
  vlansEnable: 0,
  vlanCreate: 1,
  vlanUpdate: 2,
  deviceUpdate: 3,
  portUpdate: 4,
  vlanDestroy: 5,
  /** Disabling VLANs removes them: after everything else. */
  vlansDisable: 6,
} as const;
