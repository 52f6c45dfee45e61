/** The contract each resource kind module fulfils. */
import { z } from "zod";
import { LiveNeeds, LiveSnapshot } from "../live/snapshot";
import { Change, DeleteSpec, Kind } from "./common";

export interface PlanContext {
  live: LiveSnapshot;
  name: string;
  intent: "ensure" | "create";
  /**
   * The plan's other resources of a kind, for rules between resources (a static route's next hop
   * and the interfaces declared beside it). Absent when a resource is planned alone.
   */
  declared?: (kind: string) => Array<{ name: string; props: any }>;
}

/** What planning one resource gives: its change, or problems that stop it (before anything is sent). */
export interface KindPlan {
  change?: Change;
  issues?: Array<{ path: string; message: string }>;
}

export interface KindModule<P> {
  kind: Kind;
  /** The SDK class name, used in messages: "Vlan", "DeviceTags", "SwitchPort", "VlansSettings", "SwitchAccessPolicy"… */
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
  /**
   * Kinds whose objects the API numbers (ARCHITECTURE §17): the output that holds the id, and how
   * it is sent where another resource uses it ("number": a port's accessPolicyNumber).
   */
  outputs?: Record<string, "number" | "string">;
  /** The API's id of the live object this resource stands for, when it exists. */
  liveId?(props: P, live: LiveSnapshot): string | undefined;
}

/**
 * The order of actions across and inside batches (ARCHITECTURE §2): only the relative order
 * matters. Campus switching sits between the VLAN changes and the VLAN deletes: access policies
 * before the ports that use them (and deleted after the ports moved off), aggregations split
 * before ports move and bundled after ports are configured, static routes removed before the
 * layer 3 interfaces they need change and added after them.
 */
export const PHASE = {
  /** VLANs are enabled before any VLAN of the network is created (reference §7.7). */
  vlansEnable: 0,
  vlanCreate: 1,
  vlanUpdate: 2,
  accessPolicyUpsert: 3,
  linkAggregationDestroy: 4,
  deviceUpdate: 5,
  staticRouteDestroy: 6,
  interfaceUpsert: 7,
  staticRouteUpsert: 8,
  portUpdate: 9,
  linkAggregationUpsert: 10,
  interfaceDestroy: 11,
  accessPolicyDestroy: 12,
  vlanDestroy: 13,
  /** Disabling VLANs removes them: after everything else. */
  vlansDisable: 14,
} as const;
