#!/usr/bin/env -S deno run --allow-read --allow-write --allow-env --allow-net
/**
 * Command-line interface of aedyn (the commands live in src/cli/commands/).
 *
 *   deno run -A cli.ts simulate --D 500 --K 3 --activation erf --lr 1 --out out/run
 *   deno run -A cli.ts demo --out out/demo
 *   deno run -A cli.ts pca --D 500 --K 3
 *
 * Exit codes: 0 success, 1 a run that failed (e.g. diverged), 2 bad input
 * (nothing is written then).
 * @module
 */
import { main } from "./src/cli/main.ts";

export { main };

if (import.meta.main) Deno.exit(await main(Deno.args));
