/**
 * The page's state between its form and its URL: the form's values read and
 * written, the URL made from them (a link reproduces a run, the back button
 * works), the data source shown, the field an error names marked invalid,
 * and the data set the worker holds.
 * @module
 */
/// <reference lib="dom" />
/// <reference lib="dom.iterable" />
import { buildControls, readControls, writeControls } from "./controls.ts";
import { formatQuery, PAGE_DEFAULTS, type PageState } from "./query.ts";
import type { DatasetInfo } from "./protocol.ts";
import { fieldOfError } from "./text.ts";
import { $ } from "./view.ts";
import { EMBEDDED_MNIST_SOURCE } from "../src/datasets/mnist_embedded.ts";
import type { Size } from "../src/experiments/preset.ts";

/** The problem's form. */
export const form: HTMLFormElement = $<HTMLFormElement>("controls");
/** The form's controls by parameter path. */
export const controls: Map<string, HTMLInputElement | HTMLSelectElement> = buildControls(
  $("fields"),
);
/** The preset size select. */
export const sizeSelect: HTMLSelectElement = $<HTMLSelectElement>("size");
const heldOutInput = $<HTMLInputElement>("heldOut");
const splitSeedInput = $<HTMLInputElement>("splitSeed");
/** The "real images" radio button. */
export const sourceImages: HTMLInputElement = $<HTMLInputElement>("source-images");
/** The "spiked covariance model" radio button. */
export const sourceSpiked: HTMLInputElement = $<HTMLInputElement>("source-spiked");

let datasetInfo: DatasetInfo | undefined;

/** The data set the worker holds (undefined before one is loaded). */
export function dataset(): DatasetInfo | undefined {
  return datasetInfo;
}

/** Record the data set the worker now holds, and say what it is. */
export function setDataset(info: DatasetInfo): void {
  datasetInfo = info;
  $("dataset").textContent = `${info.source}: ${info.n} images, D = ${info.d}${
    info.shape ? ` (${info.shape.join(" × ")})` : ""
  }.`;
}

/** The form's state (never a preset, never autorun). */
export function formState(): PageState {
  const int = (input: HTMLInputElement, dflt: number) =>
    input.value.trim() === "" ? dflt : Number(input.value.trim());
  return {
    values: readControls(controls),
    size: sizeSelect.value as Size,
    autorun: false,
    heldOut: int(heldOutInput, PAGE_DEFAULTS.heldOut),
    splitSeed: int(splitSeedInput, PAGE_DEFAULTS.splitSeed),
    ...(sourceImages.checked
      ? { images: datasetInfo && datasetInfo.source !== EMBEDDED_MNIST_SOURCE ? "file" : "mnist" }
      : {}),
  } as PageState;
}

/** Show a state in the form (a preset's state greys the form: it is not what is shown). */
export function applyState(state: PageState): void {
  writeControls(controls, state.values);
  sizeSelect.value = state.size;
  heldOutInput.value = String(state.heldOut);
  splitSeedInput.value = String(state.splitSeed);
  sourceImages.checked = state.images !== undefined;
  sourceSpiked.checked = state.images === undefined;
  showSource();
  markInvalid(undefined);
  for (const b of $("preset-buttons").querySelectorAll<HTMLButtonElement>("button")) {
    b.setAttribute("aria-pressed", String(b.dataset.preset === state.preset));
  }
  setIdle(state.preset !== undefined);
}

/**
 * Grey the form (a claim is on show, which ran its own settings) or not
 * (the user works in the form again).
 */
export function setIdle(idle: boolean): void {
  form.classList.toggle("idle", idle);
  $("form-idle").hidden = !idle;
}

/** Show the fields of the data source chosen. */
export function showSource(): void {
  const images = sourceImages.checked;
  $("images").hidden = !images;
  $("group-data").hidden = images;
}

/**
 * Mark the field an error message names as invalid (and focus it when
 * `focus`); undefined clears every mark. Returns the field's path.
 */
export function markInvalid(message: string | undefined, focus = false): string | undefined {
  const inputs = new Map<string, HTMLInputElement | HTMLSelectElement>(controls);
  inputs.set("heldOut", heldOutInput);
  inputs.set("splitSeed", splitSeedInput);
  for (const input of inputs.values()) {
    input.removeAttribute("aria-invalid");
    input.removeAttribute("aria-errormessage");
  }
  const path = message === undefined ? undefined : fieldOfError(message, inputs.keys());
  if (path === undefined) return undefined;
  const input = inputs.get(path)!;
  input.setAttribute("aria-invalid", "true");
  input.setAttribute("aria-errormessage", "message");
  if (focus) {
    input.closest("details")?.setAttribute("open", "");
    input.focus();
  }
  return path;
}

/** The cache key of a state (its URL without autorun). */
export const cacheKey = (s: PageState): string => formatQuery({ ...s, autorun: false });

/** Make `state` the page's URL: a new history entry unless it is the URL already. */
export function navigate(state: PageState): void {
  const q = formatQuery({ ...state, autorun: true });
  if (q !== location.search) history.pushState(null, "", q || location.pathname);
}

/** Refresh the help texts that depend on other values (the defaults that follow D). */
export function refreshHelp(): void {
  writeControls(controls, readControls(controls));
}
