/**
 * Leaves register after the VLANs declared with them.
 *
 * The engine makes its steps in the order resources are registered, and the Node SDK registers a
 * resource once it has serialised its inputs, awaiting one property (and element) at a time
 * (@pulumi/pulumi runtime/rpc.ts `serializeFilteredProperties`). So a resource with few inputs is
 * registered before one with many, whatever the program's order: a port with seven inputs gets
 * ahead of a VLAN with reserved ranges. VLAN creates are never applied ahead (README, Lookahead),
 * and the ports on a VLAN are registered only once it is applied, so every step a port takes
 * before a VLAN create pushes that VLAN, and all its ports, into a later batch.
 *
 * Ports and device tags, which nothing in this package takes values from, therefore hold one
 * input back until the next macrotask. Input serialisation is promise work, so every VLAN (and
 * VlansSettings) the program constructed in the same turn is queued ahead of them. This orders,
 * it does not synchronise: nothing depends on it for correctness, only on how full batches are.
 */
export function afterThisTurn<T>(value: T): Promise<T> {
  return new Promise((resolve) => setImmediate(() => resolve(value)));
}
