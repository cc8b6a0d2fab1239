/**
 * The explorer page at the sizes people use: a phone (390 x 844), a tablet
 * (820 x 1180) and a desktop (1440 x 900), in headless Chromium. At each: the
 * first view runs a small example at once and says what the tool is; no
 * horizontal scroll; Run is in view, also once the page is scrolled to its
 * end; the finished run's figure is as wide as its pane (at least 300 px on
 * the phone). Also: an invalid field is marked and focused and the run bar
 * does not move; a claim's table lists every check of the report, in its
 * words; a click into the greyed form un-greys it. Screenshots of each size
 * go to a temporary folder that is kept (its path is printed). Ignored (and
 * said so) where no Chromium is installed.
 * @module
 */
import assert from "node:assert/strict";
import {
  agreementText,
  formatNumber,
  reportChecks,
  verdictLine,
} from "../../src/experiments/report.ts";
import type { ExperimentSummary } from "../../src/experiments/types.ts";
import { bytesText } from "../../web/text.ts";
import { buildSite, CHROMIUM, launchBrowser, type Page, serveSite } from "./_browser.ts";

// the functions given to page.evaluate run in the page: its globals, typed loosely here
// deno-lint-ignore no-explicit-any
declare const document: any;
// deno-lint-ignore no-explicit-any
declare const window: any;

const SIZES = [
  { name: "phone", width: 390, height: 844, mobile: true },
  { name: "tablet", width: 820, height: 1180, mobile: true },
  { name: "desktop", width: 1440, height: 900, mobile: false },
] as const;

/** Wait until #status reads `done` (or fail with the full status). */
async function waitDone(page: Page, timeout = 120_000): Promise<void> {
  await page.waitForFunction(
    () => /^(done|error|stopped)/.test(document.getElementById("status")?.textContent ?? ""),
    { timeout, polling: 50 },
  );
  const status = await page.$eval("#status", (e) => (e as unknown as { title: string }).title);
  assert.equal(status, "done", `status: ${status}`);
}

/** What decides the layout: scroll width, Run's box, the figure's and its pane's widths. */
function layout(page: Page) {
  return page.evaluate(() => {
    const box = (id: string) => document.getElementById(id).getBoundingClientRect();
    const run = box("run");
    const svg = document.querySelector("#figure svg")?.getBoundingClientRect();
    return {
      scrollWidth: document.documentElement.scrollWidth,
      innerWidth: window.innerWidth,
      innerHeight: window.innerHeight,
      run: { top: run.top, bottom: run.bottom, left: run.left, right: run.right },
      figure: svg?.width ?? 0,
      pane: document.getElementById("figure").clientWidth,
    };
  });
}

function assertRunVisible(l: Awaited<ReturnType<typeof layout>>, where: string): void {
  assert.ok(
    l.run.top >= 0 && l.run.bottom <= l.innerHeight && l.run.left >= 0 &&
      l.run.right <= l.innerWidth,
    `${where}: Run is out of view at ${JSON.stringify(l.run)}`,
  );
}

Deno.test({
  name: "the explorer page fits a phone, a tablet and a desktop, and never misleads",
  ignore: CHROMIUM === undefined,
  async fn(t) {
    const dir = await Deno.makeTempDir({ prefix: "aedyn-layout-" });
    const shots = await Deno.makeTempDir({ prefix: "aedyn-layout-screenshots-" });
    const build = await buildSite(`${dir}/site`);
    const server = await serveSite(`${dir}/site`);
    const chrome = await launchBrowser(dir);
    try {
      for (const size of SIZES) {
        await t.step(`${size.name} (${size.width} x ${size.height})`, async () => {
          const page = await chrome.browser.newPage();
          const errors: string[] = [];
          page.on("pageerror", (e) => errors.push((e as Error).message));
          await page.setViewport({
            width: size.width,
            height: size.height,
            isMobile: size.mobile,
            hasTouch: size.mobile,
          });
          // the first view: says what it is, and runs a small example at once, said so
          await page.goto(server.url);
          const about = await page.$eval("#about", (e) => e.textContent ?? "");
          assert.match(about, /autoencoder/);
          await waitDone(page);
          assert.match(await page.$eval("#message", (e) => e.textContent ?? ""), /first example/);
          assert.equal(await page.evaluate(() => location.search), "", "the URL stays clean");
          // the embedded MNIST's size as the page fetches it, from the build
          const mnist = build.files.find((f) => f.file === "mnist.bin")!;
          assert.equal(
            await page.$eval("#mnist-size", (e) => e.textContent ?? ""),
            `${bytesText(mnist.gzip)} compressed, fetched when asked`,
          );
          const first = await layout(page);
          assert.ok(
            first.scrollWidth <= first.innerWidth,
            `horizontal scroll: the page is ${first.scrollWidth} px wide in ${first.innerWidth}`,
          );
          assertRunVisible(first, "at the top");
          assert.ok(first.figure >= 300, `the figure is ${first.figure} px wide`);
          assert.ok(
            first.figure >= 0.9 * first.pane,
            `the figure is ${first.figure} px wide in a pane of ${first.pane}`,
          );
          await page.screenshot({ path: `${shots}/${size.name}-first.png` });
          // scrolled to the end, Run is still in view
          await page.evaluate(() => window.scrollTo(0, document.body.scrollHeight));
          await page.evaluate(() => document.querySelector("#view").scrollTo?.(0, 1e6));
          await new Promise((r) => setTimeout(r, 300));
          assertRunVisible(await layout(page), "scrolled to the end");
          await page.screenshot({ path: `${shots}/${size.name}-end.png` });
          // a run of the form, from the keyboard: the figure of the finished run
          await page.evaluate(() => window.scrollTo(0, 0));
          await page.$eval("#p-data-D", (e) => ((e as unknown as { value: string }).value = ""));
          await page.type("#p-data-D", "120");
          await page.keyboard.press("Enter");
          await page.waitForFunction(() => location.search.includes("data.D=120"));
          await waitDone(page);
          const done = await layout(page);
          assert.ok(done.scrollWidth <= done.innerWidth, `horizontal scroll after a run`);
          assert.ok(done.figure >= 300, `a finished run's figure is ${done.figure} px wide`);
          await page.screenshot({ path: `${shots}/${size.name}-run.png`, fullPage: true });
          // the other figures fit the pane too
          for (const tab of ["components", "overlaps"]) {
            await page.click(`#tab-${tab}`);
            await page.waitForFunction(
              (key) =>
                document.querySelector(`#tab-${key}`)?.getAttribute("aria-selected") === "true" &&
                document.querySelector("#figure .vega:not(.drawing) svg") !== null,
              {},
              tab,
            );
            const l = await layout(page);
            assert.ok(l.scrollWidth <= l.innerWidth, `horizontal scroll with ${tab}`);
            assert.ok(l.figure <= l.pane + 1, `${tab} is ${l.figure} px wide in ${l.pane}`);
            await page.$eval("#figure", (e) =>
              (e as unknown as {
                scrollIntoView(o: unknown): void;
              }).scrollIntoView({ block: "end" }));
            await page.screenshot({ path: `${shots}/${size.name}-${tab}.png` });
          }
          await page.click("#tab-error_curve");
          // an invalid field is marked and focused; the run bar does not move
          const before = await layout(page);
          await page.$eval("#p-network-K", (e) => ((e as unknown as { value: string }).value = ""));
          await page.type("#p-network-K", "500");
          await page.keyboard.press("Enter");
          await page.waitForFunction(() =>
            document.getElementById("status")?.textContent === "error"
          );
          assert.deepEqual(
            await page.evaluate(() => [
              document.getElementById("p-network-K").getAttribute("aria-invalid"),
              document.activeElement?.id,
            ]),
            ["true", "p-network-K"],
          );
          assert.match(
            await page.$eval("#message", (e) => e.textContent ?? ""),
            /network\.K \(--K\)/,
          );
          const after = await layout(page);
          assert.equal(after.run.left, before.run.left, "Run moved when the error was shown");
          // refused before anything ran: the finished run stays on show, the URL unchanged
          assert.ok(after.figure >= 300, "the refusal cleared the figure");
          assert.ok(!(await page.evaluate(() => location.search)).includes("network.K=500"));
          await page.screenshot({ path: `${shots}/${size.name}-invalid.png` });
          assert.deepEqual(errors, []);
          await page.close();
        });
      }

      await t.step(
        "a claim: every check of the report, in its words; the form un-greys",
        async () => {
          const page = await chrome.browser.newPage();
          await page.setViewport({ width: 1366, height: 768 });
          await page.goto(`${server.url}?preset=tied&size=reduced&autorun=1`);
          await waitDone(page, 240_000);
          const record = JSON.parse(await page.$eval("#result", (e) => e.textContent ?? "")) as {
            experiments: ExperimentSummary[];
          };
          const e = record.experiments[0];
          const rows = await page.$$eval(
            "#checks tr",
            (trs) =>
              trs.slice(1).map((tr) =>
                [...(tr as unknown as { cells: { textContent: string }[] }).cells].map((c) =>
                  c.textContent
                )
              ),
          );
          const want = reportChecks(e).map((c) => [
            c.holds ? "✓" : "✗",
            c.what,
            formatNumber(c.value),
            `${c.op} ${formatNumber(c.threshold)}`,
          ]);
          assert.ok(want.length > e.checks.length || e.agreementChecks.length === 0);
          assert.deepEqual(rows, want, "the page's table is the report's");
          assert.equal(
            await page.$eval("#agreement", (el) => el.textContent ?? ""),
            agreementText(e),
          );
          assert.ok(
            (await page.$eval("#verdict", (el) => el.textContent ?? "")).includes(verdictLine(e)),
          );
          await page.screenshot({ path: `${shots}/claim.png`, fullPage: true });
          // from the keyboard: the first Tab offers the skip link, which moves focus to the results
          await page.evaluate(() => document.activeElement?.blur?.());
          await page.keyboard.press("Tab");
          assert.equal(await page.evaluate(() => document.activeElement?.className), "skip");
          await page.keyboard.press("Enter");
          await page.waitForFunction(() => document.activeElement?.id === "view");
          // the claim on a phone: its table and figures fit (the table scrolls within itself)
          // (the width only: a change of isMobile reloads the page, which would run the claim again)
          await page.setViewport({ width: 390, height: 844 });
          await new Promise((r) => setTimeout(r, 500));
          const phone = await layout(page);
          assert.ok(
            phone.scrollWidth <= phone.innerWidth,
            `a claim is ${phone.scrollWidth} px wide`,
          );
          await page.$eval(
            "#claim",
            (e) => (e as unknown as { scrollIntoView(): void }).scrollIntoView(),
          );
          // the figure, drawn for a wide pane, was drawn again for the narrow one: legends below
          await page.waitForFunction(() => {
            const svg = document.querySelector("#figure .vega:not(.drawing) svg");
            const legend = svg?.querySelector(".role-legend")?.getBoundingClientRect();
            const plot = svg?.querySelector(".role-frame, .mark-rect.role-frame")
              ?.getBoundingClientRect() ??
              svg?.querySelector(".role-axis")?.getBoundingClientRect();
            return legend && plot && legend.top >= plot.top + 50;
          }, { timeout: 10_000 });
          await page.screenshot({ path: `${shots}/claim-phone.png` });
          assert.equal(await page.$eval("#status", (e) => e.textContent), "done", "no second run");
          await page.setViewport({ width: 1366, height: 768 });
          assert.equal(await page.$eval("#controls", (f) => f.classList.contains("idle")), true);
          await page.click("label[for=p-lr]");
          assert.equal(await page.$eval("#controls", (f) => f.classList.contains("idle")), false);
          await page.close();
        },
      );
      console.log(`screenshots: ${shots}`);
    } finally {
      await chrome.close();
      await server.close();
      await Deno.remove(dir, { recursive: true }).catch(() => {});
    }
  },
});
