/**
 * Drives the real dynamic-provider plugin shipped in @pulumi/pulumi over gRPC, as the Pulumi
 * engine does (recipe from ../shared/reference/pulumi-dynamic-providers.md §5).
 */
import { ChildProcess, spawn } from "child_process";
import * as path from "path";

const pulumiDir = path.dirname(require.resolve("@pulumi/pulumi/package.json"));
// grpc-js and google-protobuf must be the copies @pulumi/pulumi uses.
const fromPulumi = (m: string) => require(require.resolve(m, { paths: [pulumiDir] }));
export const grpc: typeof import("@grpc/grpc-js") = fromPulumi("@grpc/grpc-js");
const { Struct } = fromPulumi("google-protobuf/google/protobuf/struct_pb");
const provrpc = require("@pulumi/pulumi/proto/provider_grpc_pb");
export const provproto = require("@pulumi/pulumi/proto/provider_pb");
export const UNKNOWN = "04da6b54-80e4-46f7-96ec-b56ff0331ba9";
export const secret = (value: unknown) => ({ "4dabf18193072939515e22adb298388d": "1b47061264138c4ac30d75fd1eb44270", value });
export const toStruct = (o: object) => Struct.fromJavaScript(o);
export const ROOT = path.resolve(__dirname, "..", "..");

export interface DynProc {
  port: number;
  child: ChildProcess;
  call<T = any>(method: string, req: any): Promise<T>;
  stop(): Promise<void>;
  output(): string;
}

export async function startDynamicProvider(opts: { project?: string; cwd?: string; env?: NodeJS.ProcessEnv } = {}): Promise<DynProc> {
  const child = spawn(process.execPath, [path.join(pulumiDir, "cmd", "dynamic-provider"), "127.0.0.1:0" /* required, unused */], {
    cwd: opts.cwd ?? ROOT, // the provider text's require("meraki-batch/…") resolves from here, as from a program dir
    env: { ...process.env, PULUMI_NODEJS_PROJECT: opts.project ?? "proj", ...opts.env },
    stdio: ["ignore", "pipe", "pipe"],
  });
  let out = "";
  let buf = "";
  let port = 0;
  child.stderr!.on("data", (d) => (out += d));
  await new Promise<void>((resolve, reject) => {
    child.stdout!.on("data", (d) => {
      if (port) {
        out += d;
        return;
      }
      buf += d;
      const nl = buf.indexOf("\n");
      if (nl >= 0) {
        port = Number(buf.slice(0, nl));
        out += buf.slice(nl + 1);
        resolve();
      }
    });
    child.once("exit", (code) => reject(new Error(`dynamic-provider exited (${code}): ${out}`)));
  });
  const client = new provrpc.ResourceProviderClient(`127.0.0.1:${port}`, grpc.credentials.createInsecure());
  return {
    port,
    child,
    output: () => out,
    call: (method, req) => new Promise((res, rej) => client[method](req, (err: any, resp: any) => (err ? rej(err) : res(resp)))),
    stop: async () => {
      client.close();
      if (child.exitCode === null) {
        const exited = new Promise((r) => child.once("exit", r));
        child.kill();
        await exited;
      }
    },
  };
}

/** Convenience wrappers over the RPCs, as the engine calls them. */
export class ProviderCalls {
  constructor(
    readonly proc: DynProc,
    readonly texts: Record<string, string>,
  ) {}

  private urn(kind: string, name: string) {
    return `urn:pulumi:dev::proj::pulumi-nodejs:dynamic/meraki:${kind}::${name}`;
  }

  private props(kind: string, props: object) {
    return toStruct({ __provider: this.texts[kind], ...props });
  }

  async configure(config: Record<string, unknown>) {
    const req = new provproto.ConfigureRequest();
    req.setArgs(toStruct(config));
    req.setAcceptsecrets(true);
    return this.proc.call("configure", req);
  }

  async check(kind: string, name: string, news: object, olds: object = {}) {
    const req = new provproto.CheckRequest();
    req.setUrn(this.urn(kind, name));
    req.setOlds(toStruct(olds));
    req.setNews(this.props(kind, news));
    const resp = await this.proc.call("check", req);
    return { inputs: resp.getInputs().toJavaScript(), failures: resp.getFailuresList().map((f: any) => ({ property: f.getProperty(), reason: f.getReason() })) };
  }

  async create(kind: string, name: string, props: object): Promise<{ id: string; outs: any }> {
    const req = new provproto.CreateRequest();
    req.setUrn(this.urn(kind, name));
    req.setProperties(this.props(kind, props));
    const resp = await this.proc.call("create", req);
    return { id: resp.getId(), outs: resp.getProperties().toJavaScript() };
  }

  async diff(kind: string, name: string, id: string, olds: object, news: object) {
    const req = new provproto.DiffRequest();
    req.setId(id);
    req.setUrn(this.urn(kind, name));
    req.setOlds(this.props(kind, olds));
    req.setNews(this.props(kind, news));
    const resp = await this.proc.call("diff", req);
    const changes = resp.getChanges();
    return { changes: changes === 2 ? "some" : changes === 1 ? "none" : "unknown", replaces: resp.getReplacesList(), deleteBeforeReplace: resp.getDeletebeforereplace() };
  }

  async update(kind: string, name: string, id: string, olds: object, news: object) {
    const req = new provproto.UpdateRequest();
    req.setId(id);
    req.setUrn(this.urn(kind, name));
    req.setOlds(this.props(kind, olds));
    req.setNews(this.props(kind, news));
    const resp = await this.proc.call("update", req);
    return resp.getProperties().toJavaScript();
  }

  async delete(kind: string, name: string, id: string, props: object) {
    const req = new provproto.DeleteRequest();
    req.setId(id);
    req.setUrn(this.urn(kind, name));
    req.setProperties(this.props(kind, props));
    return this.proc.call("delete", req);
  }

  async read(kind: string, name: string, id: string, props: object) {
    const req = new provproto.ReadRequest();
    req.setId(id);
    req.setUrn(this.urn(kind, name));
    req.setProperties(this.props(kind, props));
    const resp = await this.proc.call("read", req);
    return { id: resp.getId(), props: resp.getProperties()?.toJavaScript() };
  }
}

/** The provider texts the SDK itself produces, captured through Pulumi's mocks. */
export async function sdkProviderTexts(): Promise<Record<string, string>> {
  const pulumi: typeof import("@pulumi/pulumi") = require("@pulumi/pulumi");
  const texts: Record<string, string> = {};
  pulumi.runtime.setMocks(
    {
      newResource(args) {
        texts[args.type.split(":").pop()!] = args.inputs.__provider;
        return { id: "x", state: args.inputs };
      },
      call: (a) => a.inputs,
    },
    "proj",
    "dev",
    false,
  );
  const meraki: typeof import("../../sdk") = require("../../sdk");
  const made = [
    new meraki.Vlan("v", { networkId: "n", vlanId: 2, name: "n", subnet: "10.0.0.0/24", applianceIp: "10.0.0.1" }),
    new meraki.DeviceTags("t", { serial: "s", tags: [] }),
    new meraki.SwitchPort("p", { serial: "s", portId: "1" }),
    new meraki.Device("d", { serial: "s" }),
    new meraki.SwitchAccessPolicy("ap", { networkId: "n", name: "n", hostMode: "Single-Host", radiusServers: [] }),
    new meraki.LinkAggregation("la", { networkId: "n", switchPorts: [] }),
    new meraki.SwitchRoutingInterface("ri", { serial: "s", vlanId: 2, name: "n", subnet: "10.0.0.0/24", interfaceIp: "10.0.0.2" }),
    new meraki.SwitchStaticRoute("sr", { serial: "s", subnet: "0.0.0.0/0", nextHopIp: "10.0.0.1" }),
  ];
  // A resource's URN resolves once the mocks saw its registration (serialising the provider can take seconds on a busy machine).
  await Promise.all(made.map((r) => new Promise((resolve) => r.urn.apply(resolve))));
  return texts;
}
