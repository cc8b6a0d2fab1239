/**
 * The registry of integration methods: {@link INTEGRATORS}, canonical name
 * -> entry. A new method is one file (its cache and entry, see `method.ts`)
 * and one line here; the method names ({@link OdeMethod}, {@link ODE_METHODS})
 * and aliases ({@link OdeMethodAlias}) follow from the registry.
 *
 * @module
 */
import { ConfigError } from "../core/errors.ts";
import { DOPRI5 } from "./dopri5.ts";
import { EULER } from "./euler.ts";
import type { IntegratorEntry } from "./method.ts";
import { RK4 } from "./rk4.ts";
import { ROSENBROCK } from "./rosenbrock.ts";

/**
 * The integration methods, canonical name -> entry: fixed-step "euler" and
 * "rk4", adaptive explicit "dopri5" (alias "adaptive"), adaptive linearly
 * implicit "rosenbrock" (ROS34PW2, alias "stiff", for stiff problems).
 *
 * @example
 * ```ts
 * import assert from "node:assert/strict";
 * import { INTEGRATORS } from "./methods.ts";
 * assert.equal(INTEGRATORS.dopri5.order, 5);
 * assert.ok(INTEGRATORS.rosenbrock.aliases.includes("stiff"));
 * ```
 */
export const INTEGRATORS = {
  euler: EULER,
  rk4: RK4,
  dopri5: DOPRI5,
  rosenbrock: ROSENBROCK,
} as const;

/** Canonical names of the integration methods (the keys of {@link INTEGRATORS}). */
export type OdeMethod = keyof typeof INTEGRATORS;

/** The aliases of the integration methods ("adaptive", "stiff"). */
export type OdeMethodAlias = (typeof INTEGRATORS)[OdeMethod]["aliases"][number];

/** A name accepted for an integration method: canonical or alias. */
export type IntegratorName = OdeMethod | OdeMethodAlias;

/** Canonical names of the methods accepted by `solve`, in registry order. */
export const ODE_METHODS: readonly OdeMethod[] = Object.freeze(
  Object.keys(INTEGRATORS) as OdeMethod[],
);

/** Every accepted name (canonical and alias) -> its entry. */
const BY_NAME: ReadonlyMap<string, IntegratorEntry> = new Map(
  Object.values(INTEGRATORS).flatMap((entry: IntegratorEntry) =>
    [entry.name, ...entry.aliases].map((name) => [name, entry] as const)
  ),
);

/** The allowed names, for messages: `"dopri5" (alias "adaptive")`. */
function allowedNames(): string {
  return Object.values(INTEGRATORS).map((entry: IntegratorEntry) =>
    `"${entry.name}"` +
    (entry.aliases.length > 0
      ? ` (alias ${entry.aliases.map((a: string) => `"${a}"`).join(", ")})`
      : "")
  ).join(", ");
}

/**
 * The registry entry of a method given by its canonical name or an alias.
 * Throws a `ConfigError` naming the parameter `param` (default
 * "integrator"), the value and the allowed names otherwise.
 *
 * @example
 * ```ts
 * import assert from "node:assert/strict";
 * import { resolveIntegrator } from "./methods.ts";
 * assert.equal(resolveIntegrator("stiff").name, "rosenbrock");
 * // an unknown name is refused, naming the parameter
 * assert.throws(() => resolveIntegrator("rk45"), /invalid integrator/);
 * ```
 */
export function resolveIntegrator(name: string, param = "integrator"): IntegratorEntry {
  const entry = typeof name === "string" ? BY_NAME.get(name) : undefined;
  if (entry === undefined) throw new ConfigError(param, name, allowedNames());
  return entry;
}
