/** Per-organization rate limiting (reference §4.1), on a frozen clock so that counts are exact. */
import { ORG, TestEmulator, testEmulator } from "../helpers/api";

let t: TestEmulator;
afterEach(() => t.close());

async function burst(n: number, path = `/organizations/${ORG}/networks`) {
  const out = [];
  for (let i = 0; i < n; i++) out.push(await t.api.get(path));
  return out;
}

test("10 requests/s with the documented burst: 20 in the first second, 30 in two, then 429 with Retry-After", async () => {
  t = await testEmulator({ rateLimit: 10 });
  const first = await burst(11);
  expect(first.slice(0, 10).every((r) => r.status === 200)).toBe(true);
  const limited = first[10];
  expect(limited.status).toBe(429);
  expect(limited.headers.get("retry-after")).toBe("1");
  expect(limited.body).toEqual({ errors: ["API rate limit exceeded for organization"] });

  await t.control.advance(1);
  const second = await burst(11);
  expect(second.filter((r) => r.status === 200)).toHaveLength(10);
  await t.control.advance(1);
  const third = await burst(11);
  expect(third.filter((r) => r.status === 200)).toHaveLength(10);
  // 30 successes within the 2 s window that started with a full bucket.
  expect([...first, ...second, ...third].filter((r) => r.status === 200)).toHaveLength(30);
});

test("the limit is per organization", async () => {
  t = await testEmulator({ rateLimit: 10 });
  await burst(10);
  expect((await t.api.get(`/organizations/${ORG}/networks`)).status).toBe(429);
  expect((await t.api.get(`/organizations/1234567890/networks`)).status).toBe(200);
});

test("a rate-limited request changes nothing", async () => {
  t = await testEmulator({ rateLimit: 10 });
  await burst(10);
  const res = await t.api.put(`/devices/AAAA-BBBB-CCCC`, { name: "limited" });
  expect(res.status).toBe(429);
  await t.control.advance(1);
  expect((await t.api.get(`/devices/AAAA-BBBB-CCCC`)).body.name).toBe("Switch A");
});

test("Retry-After grows with the wait when the bucket is further behind", async () => {
  t = await testEmulator({ rateLimit: 1 });
  expect((await t.api.get(`/organizations/${ORG}`)).status).toBe(200);
  const res = await t.api.get(`/organizations/${ORG}`);
  expect(res.status).toBe(429);
  expect(Number(res.headers.get("retry-after"))).toBe(1);
});

test("--rate-limit 0 turns it off", async () => {
  t = await testEmulator({ rateLimit: 0 });
  const all = await burst(60);
  expect(all.every((r) => r.status === 200)).toBe(true);
});
