"""PyTorch yardstick for one FLUX.1-Kontext-dev denoising step (run on the GPU machine).

One double-stream block (FluxTransformerBlock) and one single-stream block (FluxSingleTransformerBlock) written out
with the diffusers op order (mmdit-spec §1.5-1.9): AdaLN-Zero modulation, per-head RMSNorm of q/k, joint
[text | image] sequence, adjacent-pair RoPE, SDPA (flash), GELU-tanh MLPs, gated residuals. bf16, random weights.
Shapes: D = 3072, 24 heads x 128, 512 text + 4096 target + 4096 reference tokens (N = 8704), MLP 12288.
Prints median ms per double block, per single block, and a whole 19 + 38 block forward built from them.
Usage: python3 bench/pytorch/flux_blocks_bench.py [--text 512] [--image 8192] [--json out.json] [--compile]
"""
import argparse
import json
import math

import torch
import torch.nn.functional as F

D, H, DH, MLP = 3072, 24, 128, 12288


def timed(fn, iters=10, warmup=3):
    for _ in range(warmup):
        fn()
    torch.cuda.synchronize()
    times = []
    for _ in range(iters):
        start, end = torch.cuda.Event(enable_timing=True), torch.cuda.Event(enable_timing=True)
        start.record()
        fn()
        end.record()
        end.synchronize()
        times.append(start.elapsed_time(end))
    times.sort()
    return times[len(times) // 2]


def linear(i, o, dev):
    lin = torch.nn.Linear(i, o, device=dev, dtype=torch.bfloat16)
    torch.nn.init.normal_(lin.weight, std=1 / math.sqrt(i))
    return lin


def rms(x, w, eps=1e-6):
    return (x.float() * torch.rsqrt(x.float().pow(2).mean(-1, keepdim=True) + eps) * w.float()).to(x.dtype)


def rope(x, cos, sin):
    # x [B, H, N, Dh]; cos/sin [N, Dh] interleaved (each value twice); rotate pairs (x[2j], x[2j+1]).
    x1, x2 = x.float().unflatten(-1, (-1, 2)).unbind(-1)
    rot = torch.stack([-x2, x1], dim=-1).flatten(3)
    return (x.float() * cos + rot * sin).to(x.dtype)


def ln_mod(x, scale, shift):
    return F.layer_norm(x, (x.shape[-1],), eps=1e-6) * (1 + scale[:, None]) + shift[:, None]


def heads(x):
    return x.unflatten(-1, (H, DH))


class DoubleBlock(torch.nn.Module):
    def __init__(self, dev):
        super().__init__()
        self.norm1, self.norm1_c = linear(D, 6 * D, dev), linear(D, 6 * D, dev)
        self.q, self.k, self.v, self.o = (linear(D, D, dev) for _ in range(4))
        self.cq, self.ck, self.cv, self.co = (linear(D, D, dev) for _ in range(4))
        self.nq, self.nk, self.ncq, self.nck = (torch.ones(DH, device=dev, dtype=torch.bfloat16) for _ in range(4))
        self.ff1, self.ff2 = linear(D, MLP, dev), linear(MLP, D, dev)
        self.cff1, self.cff2 = linear(D, MLP, dev), linear(MLP, D, dev)

    def forward(self, hs, ehs, temb_act, cos, sin):
        sh, sc, g, sh2, sc2, g2 = self.norm1(temb_act).chunk(6, dim=1)
        csh, csc, cg, csh2, csc2, cg2 = self.norm1_c(temb_act).chunk(6, dim=1)
        x, c = ln_mod(hs, sc, sh), ln_mod(ehs, csc, csh)
        q = torch.cat([rms(heads(self.cq(c)), self.ncq), rms(heads(self.q(x)), self.nq)], 1).transpose(1, 2)
        k = torch.cat([rms(heads(self.ck(c)), self.nck), rms(heads(self.k(x)), self.nk)], 1).transpose(1, 2)
        v = torch.cat([heads(self.cv(c)), heads(self.v(x))], 1).transpose(1, 2)
        o = F.scaled_dot_product_attention(rope(q, cos, sin), rope(k, cos, sin), v).transpose(1, 2).flatten(2)
        nt = ehs.shape[1]
        hs = hs + g[:, None] * self.o(o[:, nt:])
        hs = hs + g2[:, None] * self.ff2(F.gelu(self.ff1(ln_mod(hs, sc2, sh2)), approximate="tanh"))
        ehs = ehs + cg[:, None] * self.co(o[:, :nt])
        ehs = ehs + cg2[:, None] * self.cff2(F.gelu(self.cff1(ln_mod(ehs, csc2, csh2)), approximate="tanh"))
        return hs, ehs


class SingleBlock(torch.nn.Module):
    def __init__(self, dev):
        super().__init__()
        self.norm = linear(D, 3 * D, dev)
        self.q, self.k, self.v = (linear(D, D, dev) for _ in range(3))
        self.nq, self.nk = (torch.ones(DH, device=dev, dtype=torch.bfloat16) for _ in range(2))
        self.mlp, self.out = linear(D, MLP, dev), linear(D + MLP, D, dev)

    def forward(self, x0, temb_act, cos, sin):
        sh, sc, g = self.norm(temb_act).chunk(3, dim=1)
        x = ln_mod(x0, sc, sh)
        m = F.gelu(self.mlp(x), approximate="tanh")
        q = rms(heads(self.q(x)), self.nq).transpose(1, 2)
        k = rms(heads(self.k(x)), self.nk).transpose(1, 2)
        v = heads(self.v(x)).transpose(1, 2)
        a = F.scaled_dot_product_attention(rope(q, cos, sin), rope(k, cos, sin), v).transpose(1, 2).flatten(2)
        return x0 + g[:, None] * self.out(torch.cat([a, m], -1))


def main():
    ap = argparse.ArgumentParser()
    ap.add_argument("--text", type=int, default=512)
    ap.add_argument("--image", type=int, default=8192, help="target + reference tokens")
    ap.add_argument("--double", type=int, default=19)
    ap.add_argument("--single", type=int, default=38)
    ap.add_argument("--compile", action="store_true", help="torch.compile the blocks")
    ap.add_argument("--json")
    args = ap.parse_args()
    dev = "cuda"
    torch.manual_seed(0)
    n = args.text + args.image
    hs = torch.randn(1, args.image, D, device=dev, dtype=torch.bfloat16)
    ehs = torch.randn(1, args.text, D, device=dev, dtype=torch.bfloat16)
    temb_act = F.silu(torch.randn(1, D, device=dev, dtype=torch.bfloat16))
    ang = torch.rand(n, DH // 2, device=dev) * 6.28
    cos = ang.cos().repeat_interleave(2, -1)
    sin = ang.sin().repeat_interleave(2, -1)
    with torch.no_grad():
        double, single = DoubleBlock(dev), SingleBlock(dev)
        dfn, sfn = (torch.compile(double), torch.compile(single)) if args.compile else (double, single)
        x = torch.cat([ehs, hs], 1)
        ms_double = timed(lambda: dfn(hs, ehs, temb_act, cos, sin))
        ms_single = timed(lambda: sfn(x, temb_act, cos, sin))

        def step():
            h, e = hs, ehs
            for _ in range(args.double):
                h, e = dfn(h, e, temb_act, cos, sin)
            y = torch.cat([e, h], 1)
            for _ in range(args.single):
                y = sfn(y, temb_act, cos, sin)
            return y

        ms_step = timed(step, iters=5, warmup=2)
    flops_block = 2 * 12 * D * D * n + 4 * n * n * D
    result = {
        "device": torch.cuda.get_device_name(), "torch": torch.__version__, "tokens": n, "compile": args.compile,
        "ms_double_block": ms_double, "ms_single_block": ms_single, "ms_step": ms_step,
        "ms_step_from_blocks": args.double * ms_double + args.single * ms_single,
        "tflops_double": flops_block / ms_double / 1e9, "tflops_single": flops_block / ms_single / 1e9,
    }
    for k, v in result.items():
        print(f"{k}: {v:.3f}" if isinstance(v, float) else f"{k}: {v}")
    if args.json:
        with open(args.json, "w") as f:
            json.dump(result, f, indent=2)


if __name__ == "__main__":
    main()
