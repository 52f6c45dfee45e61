/** A seeded random source for property tests: the same seed, the same cases (mulberry32, shared with the chaos runner). */
export type { Random } from "../../chaos/random";
export { random } from "../../chaos/random";
