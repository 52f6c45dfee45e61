/**
 * meraki-batch for Pulumi programs: Meraki VLANs (and whether a network uses them), device tags
 * and attributes, switch ports (one by one, or a switch's ports as one resource), access
 * policies, link aggregations, layer 3 interfaces and static routes, applied through the
 * Dashboard API's atomic action batches.
 *
 * Configuration (stack config, else the environment): meraki-batch:apiKey (secret) or
 * MERAKI_DASHBOARD_API_KEY; meraki-batch:baseUrl or MERAKI_DASHBOARD_API_BASE_URL;
 * meraki-batch:organizationId or MERAKI_ORGANIZATION_ID; batching options (see the README).
 */
export { Vlan, type VlanArgs } from "./vlan";
export { DeviceTags, type DeviceTagsArgs } from "./device-tags";
export { SwitchPort, type SwitchPortArgs } from "./switch-port";
export { SwitchPorts, type SwitchPortsArgs, type PortFields } from "./switch-ports";
export { VlansSettings, type VlansSettingsArgs } from "./vlans-settings";
export { portRange, switchPorts } from "./ports";
export { VlanOwnership, type VlanOwnershipArgs } from "./ownership";
export { Device, type DeviceArgs } from "./device";
export { SwitchAccessPolicy, type SwitchAccessPolicyArgs } from "./switch-access-policy";
export { LinkAggregation, type LinkAggregationArgs } from "./link-aggregation";
export { SwitchRoutingInterface, type SwitchRoutingInterfaceArgs } from "./switch-routing-interface";
export { SwitchStaticRoute, type SwitchStaticRouteArgs } from "./switch-static-route";
export { secretFromEnv } from "./secrets";
export { CONFIG_NAMESPACE, SETTINGS as CONFIG_ENVIRONMENT } from "../provider/dynamic/settings";
