/** The resource kinds, by name. */
import { Kind } from "./common";
import { deviceKind } from "./device";
import { deviceTagsKind } from "./device-tags";
import { KindModule } from "./kind";
import { linkAggregationKind } from "./link-aggregation";
import { accessPolicyKind } from "./switch-access-policy";
import { routingInterfaceKind } from "./switch-routing-interface";
import { switchPortKind } from "./switch-port";
import { staticRouteKind } from "./switch-static-route";
import { vlanKind } from "./vlan";
import { vlansSettingsKind } from "./vlans-settings";

export const KINDS: Record<Kind, KindModule<any>> = {
  vlan: vlanKind,
  deviceTags: deviceTagsKind,
  switchPort: switchPortKind,
  vlansSettings: vlansSettingsKind,
  device: deviceKind,
  switchAccessPolicy: accessPolicyKind,
  linkAggregation: linkAggregationKind,
  switchRoutingInterface: routingInterfaceKind,
  switchStaticRoute: staticRouteKind,
};

export * from "./common";
export { vlanKind, vlanSchema, type VlanProps } from "./vlan";
export { deviceTagsKind, deviceTagsSchema, type DeviceTagsProps } from "./device-tags";
export { switchPortKind, switchPortSchema, PORT_DEFAULTS, type SwitchPortProps } from "./switch-port";
export { vlansSettingsKind, vlansSettingsSchema, type VlansSettingsProps } from "./vlans-settings";
export { deviceKind, deviceSchema, DEVICE_FIELDS, type DeviceProps } from "./device";
export { staticRouteKind, staticRouteSchema, type StaticRouteProps } from "./switch-static-route";
export { accessPolicyKind, accessPolicySchema, type AccessPolicyProps, type AccessPolicyArgs } from "./switch-access-policy";
export { linkAggregationKind, linkAggregationSchema, type LinkAggregationProps } from "./link-aggregation";
export { routingInterfaceKind, routingInterfaceSchema, type RoutingInterfaceProps } from "./switch-routing-interface";
export { secretFromEnv, type SecretFromEnv } from "./secrets";
