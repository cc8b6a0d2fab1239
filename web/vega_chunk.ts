/**
 * Vega, Vega-Lite and vega-embed, bundled from pinned npm packages: the page
 * imports this module lazily, when it draws its first figure, so that the
 * first load stays small. vega-embed's peers (vega, vega-lite) resolve to the
 * versions src/plot/render.ts pins (vega 6.4.0, vega-lite 6.5.0).
 * @module
 */
// the full specifier: the version is pinned where the page uses it
// deno-lint-ignore no-import-prefix
import embed from "npm:vega-embed@7.3.0";

export { embed };
