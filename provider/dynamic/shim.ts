/**
 * The provider object that Pulumi serialises into every dynamic resource's state (`__provider`).
 * It is deliberately thin: each method loads the engine by package name at call time, so the
 * serialised text captures no client, schema, Map or secret, stays a few hundred bytes, and old
 * texts in state keep working with newer engines (Delete and Read run the text from state).
 */
import type * as pulumi from "@pulumi/pulumi";
import type { DeclaredKind } from "../resources/common";

/** Resolved from the plugin's working directory (the Pulumi program's directory). Keep stable. */
const RUNTIME_MODULE = "meraki-batch/dist/provider/dynamic/runtime.js";

export function makeProvider(kind: DeclaredKind): pulumi.dynamic.ResourceProvider {
  const rt = () => require(RUNTIME_MODULE).runtime();
  return {
    async configure(req) {
      rt().configure(req.config);
    },
    async check(olds, news) {
      return rt().check(kind, olds, news);
    },
    async diff(id, olds, news) {
      return rt().diff(kind, id, olds, news);
    },
    async create(inputs) {
      return rt().create(kind, inputs);
    },
    async update(id, olds, news) {
      return rt().update(kind, id, olds, news);
    },
    async delete(id, props) {
      return rt().delete(kind, id, props);
    },
    async read(id, props) {
      return rt().read(kind, id, props);
    },
  };
}
