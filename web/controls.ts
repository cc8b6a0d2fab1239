/**
 * The form of the page, built from the parameter table: one labelled
 * control per parameter (a number or list field, a select of the table's
 * choices, a checkbox), its default from the table, its doc, range and
 * default as help text. Grouped as the CLI's help groups them; the less
 * common parameters of a group sit in a "more" disclosure.
 * @module
 */
/// <reference lib="dom" />
/// <reference lib="dom.iterable" />
import type { ParamSpec } from "../src/core/params.ts";
import { defaultText, helpText, labelOf, PAGE_PARAMS } from "./query.ts";

/** Parameters shown in a group's "more" disclosure rather than at once. */
const ADVANCED = new Set([
  "data.seed",
  "data.normalise",
  "network.sigma0",
  "nTimes",
  "tMin",
  "nTest",
  "times",
  "snapshotTimes",
]);

/** The id of a parameter's control. */
export function controlId(path: string): string {
  return `p-${path.replace(/\./g, "-")}`;
}

function el<K extends keyof HTMLElementTagNameMap>(
  tag: K,
  attrs: Record<string, string> = {},
  text?: string,
): HTMLElementTagNameMap[K] {
  const e = document.createElement(tag);
  for (const [k, v] of Object.entries(attrs)) e.setAttribute(k, v);
  if (text !== undefined) e.textContent = text;
  return e;
}

/** One control and its label. */
function control(spec: ParamSpec): HTMLElement {
  const id = controlId(spec.path);
  const help = helpText(spec);
  const row = el("div", { class: spec.type === "boolean" ? "field check" : "field" });
  row.dataset.path = spec.path;
  let input: HTMLInputElement | HTMLSelectElement;
  if (spec.type === "choice") {
    input = el("select", { id, name: spec.path });
    for (const c of spec.choices?.() ?? []) input.append(el("option", { value: c }, c));
  } else if (spec.type === "boolean") {
    input = el("input", { id, name: spec.path, type: "checkbox" });
  } else {
    const list = spec.type === "numbers" || spec.type === "integers";
    input = el("input", {
      id,
      name: spec.path,
      type: "text",
      inputmode: list ? "text" : "decimal",
      autocomplete: "off",
      spellcheck: "false",
    });
    if (list) input.setAttribute("placeholder", "x1,x2,…");
  }
  input.title = help;
  input.setAttribute("aria-describedby", "help");
  input.dataset.help = help;
  const label = el("label", { for: id }, labelOf(spec));
  label.title = help;
  if (spec.type === "boolean") row.append(input, label);
  else row.append(label, input);
  return row;
}

/**
 * Build the fieldsets of the form into `form` (before `before`), one per
 * group of the table; returns the controls by parameter path.
 */
export function buildControls(
  container: HTMLElement,
): Map<string, HTMLInputElement | HTMLSelectElement> {
  const groups = new Map<string, ParamSpec[]>();
  for (const spec of PAGE_PARAMS) {
    const g = spec.group ?? "Problem";
    groups.set(g, [...(groups.get(g) ?? []), spec]);
  }
  for (const [name, specs] of groups) {
    const set = el("fieldset", { id: `group-${name.toLowerCase().replace(/\W+/g, "-")}` });
    set.append(el("legend", {}, name));
    const main = specs.filter((s) => !ADVANCED.has(s.path));
    const more = specs.filter((s) => ADVANCED.has(s.path));
    const checks = el("div", { class: "checks" });
    for (const s of main) {
      if (s.type === "boolean") checks.append(control(s));
      else set.append(control(s));
    }
    if (checks.childElementCount) set.append(checks);
    if (more.length) {
      const details = el("details");
      details.append(el("summary", {}, `more ${name.toLowerCase()} settings`));
      for (const s of more) details.append(control(s));
      set.append(details);
    }
    container.append(set);
  }
  const controls = new Map<string, HTMLInputElement | HTMLSelectElement>();
  for (const spec of PAGE_PARAMS) {
    controls.set(
      spec.path,
      container.querySelector(`#${controlId(spec.path)}`) as HTMLInputElement | HTMLSelectElement,
    );
  }
  return controls;
}

/** The form's values as text, by path (checkboxes "true"/"false"). */
export function readControls(
  controls: Map<string, HTMLInputElement | HTMLSelectElement>,
): Record<string, string> {
  const values: Record<string, string> = {};
  for (const [path, input] of controls) {
    values[path] = input instanceof HTMLInputElement && input.type === "checkbox"
      ? String(input.checked)
      : input.value.trim();
  }
  return values;
}

/** Show values in the form; parameters not given show their defaults. */
export function writeControls(
  controls: Map<string, HTMLInputElement | HTMLSelectElement>,
  values: Record<string, string>,
): void {
  for (const spec of PAGE_PARAMS) {
    const input = controls.get(spec.path)!;
    const text = values[spec.path] ?? defaultText(spec, values);
    if (input instanceof HTMLInputElement && input.type === "checkbox") {
      input.checked = text === "true" || text === "1";
    } else {
      input.value = text;
    }
    const help = helpText(spec, values);
    input.title = help;
    input.dataset.help = help;
  }
}
