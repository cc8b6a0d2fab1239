import assert from "node:assert/strict";
import { PIController, PredictiveController } from "../../src/ode/control.ts";

Deno.test("PI controller: Hairer's DOPRI5 constants", () => {
  const alpha = 0.2 - 0.75 * 0.04;
  const pi = new PIController(5);
  // rejections: max(0.2, 0.9 err^-alpha), 0.2 for a NaN error
  assert.equal(pi.reject(1, 2), 0.9 * Math.pow(2, -alpha));
  assert.equal(pi.reject(1, 1e6), 0.2);
  assert.equal(pi.reject(1, NaN), 0.2);
  // no growth right after a rejection, then the PI ratio with errOld = 1e-4 at the start
  assert.equal(
    new PIController(5).accept(1, 1, 0.5),
    Math.pow(0.5, -alpha) * Math.pow(1e-4, 0.04) * 0.9,
  );
  assert.equal(pi.accept(1, 1, 1e-3), 1);
  // errOld = max(err, 1e-4) of the last accepted step
  const c = new PIController(5);
  c.accept(1, 1, 0.3);
  assert.equal(c.accept(1, 1, 0.5), Math.pow(0.5, -alpha) * Math.pow(0.3, 0.04) * 0.9);
  // the ratio stays in [0.2, 10]; the step grows from h, not from the realised step
  assert.equal(new PIController(5).accept(2, 1.9, 1e-20), 20);
  assert.equal(
    new PIController(5).accept(2, 1.9, 1),
    2 * Math.max(0.2, Math.pow(1e-4, 0.04) * 0.9),
  );
});

Deno.test("predictive controller: standard and Gustafsson ratios of ROS34PW2", () => {
  const expo = 1 / 3;
  const c = new PredictiveController(3);
  // first accepted step: the standard ratio 0.9 err^(-1/3), capped at 6, from the realised step
  assert.equal(c.accept(1, 0.5, 0.2), 0.5 * (0.9 * Math.pow(0.2, -expo)));
  // then the smaller of standard and predictive, with errAcc = max(err, 1e-2)
  const std = 0.9 * Math.pow(0.4, -expo);
  const pred = std * (0.25 / 0.5) * Math.pow(0.2 / 0.4, expo);
  assert.equal(c.accept(1, 0.25, 0.4), 0.25 * Math.min(std, pred));
  assert.equal(new PredictiveController(3).accept(1, 1, 1e-12), 6);
  // rejections
  assert.equal(c.reject(1, 8), Math.max(0.2, 0.9 * Math.pow(8, -expo)));
  assert.equal(c.reject(1, NaN), 0.2);
  assert.ok(c.accept(1, 1, 1e-12) <= 1, "no growth right after a rejection");
  c.refused();
  assert.ok(c.accept(1, 1, 1e-12) <= 1, "nor after a refused step");
});
