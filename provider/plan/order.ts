/** Natural order for keys ("port 2" before "port 10"), independent of the locale. */
function tokens(s: string): Array<string | number> {
  return (s.match(/\d+|\D+/g) ?? []).map((t) => (/^\d/.test(t) ? Number(t) : t));
}

function compareTokens(pa: Array<string | number>, pb: Array<string | number>): number {
  for (let i = 0; i < Math.min(pa.length, pb.length); i++) {
    const x = pa[i];
    const y = pb[i];
    if (x === y) continue;
    if (typeof x === "number" && typeof y === "number") return x - y;
    return String(x) < String(y) ? -1 : 1;
  }
  return pa.length - pb.length;
}

export function naturalCompare(a: string, b: string): number {
  return compareTokens(tokens(a), tokens(b));
}

/** A comparator that tokenises each key once (sorting thousands of keys). */
export function naturalComparator(): (a: string, b: string) => number {
  const cache = new Map<string, Array<string | number>>();
  const get = (s: string) => {
    let t = cache.get(s);
    if (!t) {
      t = tokens(s);
      cache.set(s, t);
    }
    return t;
  };
  return (a, b) => compareTokens(get(a), get(b));
}
