/** The resource kinds, by name. */
import { Kind } from "./common";
import { deviceTagsKind } from "./device-tags";
import { KindModule } from "./kind";
import { switchPortKind } from "./switch-port";
import { vlanKind } from "./vlan";
import { vlansSettingsKind } from "./vlans-settings";

export const KINDS: Record<Kind, KindModule<any>> = {
  vlan: vlanKind,
  deviceTags: deviceTagsKind,
  switchPort: switchPortKind,
  vlansSettings: vlansSettingsKind,
};

export * from "./common";
export { vlanKind, vlanSchema, type VlanProps } from "./vlan";
export { deviceTagsKind, deviceTagsSchema, type DeviceTagsProps } from "./device-tags";
export { switchPortKind, switchPortSchema, PORT_DEFAULTS, type SwitchPortProps } from "./switch-port";
export { vlansSettingsKind, vlansSettingsSchema, type VlansSettingsProps } from "./vlans-settings";
