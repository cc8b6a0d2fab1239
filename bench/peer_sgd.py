#!/usr/bin/env python3
"""Reference loops for bench/bench.ts: the online SGD step of aedyn (erf, untied,
one fresh sample per step, encoder rate eta/D^2 and decoder rate eta/D with
eta = 1) written the way a Python user would write it, timed on one thread.

Inputs follow the spiked model with strengths 3, 5, 9 over a unit bulk.

Variants (each left out when its package is missing):
  torch-full    PyTorch with autograd; each input drawn through a dense D x D
                factor of the covariance, O(D^2) per sample, as reference
                implementations of the published experiments do
  torch         the same autograd step; inputs drawn in O(r D)
  torch-manual  PyTorch, the gradient written out by hand (no autograd)
  numpy         numpy, the gradient written out by hand

Usage: peer_sgd.py D K STEPS
Prints one line of JSON: {"variant": steps per second, ...}.
"""

import json
import math
import sys
import time

STRENGTHS = (3.0, 5.0, 9.0)
SQRT_2_OVER_PI = math.sqrt(2.0 / math.pi)


def parse_args(argv):
    if len(argv) != 3:
        sys.exit("usage: peer_sgd.py D K STEPS")
    dim, units, steps = (int(a) for a in argv)
    if dim < 4 or units < 1 or units > dim or steps < 1:
        sys.exit("peer_sgd.py: need D >= 4, 1 <= K <= D, STEPS >= 1")
    return dim, units, steps


def rate(loop, steps):
    """Steps per second of one call of loop(steps)."""
    start = time.perf_counter()
    loop(steps)
    return steps / (time.perf_counter() - start)


def torch_variants(dim, units, steps):
    import torch

    torch.set_num_threads(1)
    gen = torch.Generator().manual_seed(1)
    r = len(STRENGTHS)
    basis, _ = torch.linalg.qr(torch.randn(dim, dim, generator=gen, dtype=torch.float64))
    directions = (basis[:, :r].T * math.sqrt(dim)).float()  # r x D, rows of norm sqrt(D)
    strengths = torch.tensor(STRENGTHS)
    # dense factor F with F^T F = covariance: spikes s^2 D along the basis, 1 elsewhere
    scales = torch.ones(dim, dtype=torch.float64)
    scales[:r] = torch.tensor([s * s * dim for s in STRENGTHS], dtype=torch.float64).sqrt()
    dense = (basis * scales).T.float().contiguous()
    root_d = math.sqrt(dim)

    def cheap_sample():
        return torch.randn(r, generator=gen) * strengths @ directions + torch.randn(dim, generator=gen)

    def dense_sample():
        return torch.randn(dim, generator=gen) @ dense

    def autograd_loop(sample):
        def loop(n):
            w = (0.1 * torch.randn(units, dim, generator=gen)).requires_grad_()
            v = (0.1 * torch.randn(units, dim, generator=gen)).requires_grad_()
            for _ in range(n):
                x = sample()
                hidden = torch.erf((w @ x) / root_d / math.sqrt(2.0))
                loss = ((x - hidden @ v) ** 2).sum() / (2 * dim)
                gw, gv = torch.autograd.grad(loss, (w, v))
                with torch.no_grad():
                    # loss is |Delta|^2 / (2D): its gradient is 1/D of the step's direction
                    w -= (1.0 / dim) * gw
                    v -= 1.0 * gv
        return loop

    def manual_loop(n):
        w = 0.1 * torch.randn(units, dim, generator=gen)
        v = 0.1 * torch.randn(units, dim, generator=gen)
        for _ in range(n):
            x = cheap_sample()
            field = (w @ x) / root_d
            hidden = torch.erf(field / math.sqrt(2.0))
            residual = x - hidden @ v
            back = SQRT_2_OVER_PI * torch.exp(-0.5 * field * field) * (v @ residual) / root_d
            v += torch.outer(hidden, residual) / dim
            w += torch.outer(back, x) / (dim * dim)

    return {
        "torch-full": rate(autograd_loop(dense_sample), steps),
        "torch": rate(autograd_loop(cheap_sample), steps),
        "torch-manual": rate(manual_loop, steps),
    }


def numpy_variant(dim, units, steps):
    import numpy as np

    try:
        from scipy.special import erf
    except ImportError:  # numpy alone has no vectorised erf
        erf = np.vectorize(math.erf)
    rng = np.random.default_rng(1)
    r = len(STRENGTHS)
    directions = np.linalg.qr(rng.standard_normal((dim, r)))[0].T * math.sqrt(dim)
    strengths = np.array(STRENGTHS)
    root_d = math.sqrt(dim)

    def loop(n):
        w = rng.normal(0.0, 0.1, (units, dim))
        v = rng.normal(0.0, 0.1, (units, dim))
        for _ in range(n):
            x = (rng.standard_normal(r) * strengths) @ directions + rng.standard_normal(dim)
            field = w @ x / root_d
            hidden = erf(field / math.sqrt(2.0))
            residual = x - hidden @ v
            back = SQRT_2_OVER_PI * np.exp(-0.5 * field * field) * (v @ residual) / root_d
            v += np.outer(hidden, residual) / dim
            w += np.outer(back, x) / (dim * dim)

    return {"numpy": rate(loop, steps)}


def main():
    dim, units, steps = parse_args(sys.argv[1:])
    rates = {}
    for variants in (torch_variants, numpy_variant):
        try:
            rates.update(variants(dim, units, steps))
        except ImportError:
            pass
    print(json.dumps({name: round(value) for name, value in rates.items()}))


if __name__ == "__main__":
    main()
