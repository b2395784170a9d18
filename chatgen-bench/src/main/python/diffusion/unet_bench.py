#!/usr/bin/python3
"""PyTorch side of the SD 1.5 UNet benchmark (Java side: io.chatgen.bench.diffusion.UnetBenchmark).

Generates random weights for an SD 1.5-sized checkpoint (CLIP ViT-L/14 text encoder, UNet with
320 channels, mults 1-2-4-4, 2 res blocks, attention on three levels, 8 heads, context 768, and
the KL VAE) in the original LDM key layout, times the same computation the Java model does, in
PyTorch eager mode (Debian's torch 1.13): one UNet step on 64x64 latents with batch 2 (the
classifier-free-guidance pair), the text encoder on [2, 77] tokens and the VAE decoder on one
64x64 latent. The forward code is written from the tensors, op for op like the Java model
(including head-sliced attention with the same 256 MiB score budget), so both sides do the same
work. Then it writes, for the Java side:

    OUT/sd15-random.safetensors   the random checkpoint (F32, about 4.3 GB; not committed)
    OUT/sd15-io.safetensors       the inputs and PyTorch's outputs (to check agreement)
    OUT/python-results.json       medians, all timings and peak RSS

Usage (one run at a time; the machine has 2 cores):
    /usr/bin/python3 chatgen-bench/src/main/python/diffusion/unet_bench.py --out /tmp/chatgen-sd15 --runs 3

The checkpoint and the inputs are written before any timing, so --skip-timing prepares the Java
run alone. Caveat measured on the 2-core build machine: Debian's torch 1.13 is built with
BLAS_INFO=generic (a reference BLAS, about 0.5 GFLOPS per matrix multiply, printed as
blas_gflops_1024), so every Linear layer and attention product is one to two orders of magnitude
slower than in an MKL/OpenBLAS build; use --parts and --runs to keep such a run short.
"""
import argparse
import json
import math
import os
import statistics
import struct
import time

import torch
import torch.nn.functional as F

SLICE_BYTES = 256 * 1024 * 1024
W = {}


def randn(*shape, scale=1.0):
    return torch.randn(*shape) * scale


def conv_w(name, cout, cin, k):
    W[name + ".weight"] = randn(cout, cin, k, k, scale=1.0 / math.sqrt(cin * k * k))
    W[name + ".bias"] = randn(cout, scale=0.02)


def lin_w(name, cout, cin, bias=True):
    W[name + ".weight"] = randn(cout, cin, scale=1.0 / math.sqrt(cin))
    if bias:
        W[name + ".bias"] = randn(cout, scale=0.02)


def norm_w(name, c):
    W[name + ".weight"] = 1.0 + randn(c, scale=0.1)
    W[name + ".bias"] = randn(c, scale=0.1)


# ---------------------------------------------------------------- forward ops (as the Java model)
def conv(x, name, stride=1, pad=1):
    return F.conv2d(x, W[name + ".weight"], W[name + ".bias"], stride, pad)


def lin(x, name):
    return F.linear(x, W[name + ".weight"], W.get(name + ".bias"))


def gn(x, name, eps):
    return F.group_norm(x, 32, W[name + ".weight"], W[name + ".bias"], eps)


def ln(x, name):
    return F.layer_norm(x, (x.shape[-1],), W[name + ".weight"], W[name + ".bias"], 1e-5)


def proj(p):
    """(weight as a matrix, bias) of a projection stored as a Linear or a 1x1 conv."""
    w = W[p + ".weight"]
    return w.reshape(w.shape[0], w.shape[1]), W.get(p + ".bias")


def attention(x, ctx, heads, q, k, v, out, mask=None):
    ctx = x if ctx is None else ctx
    b, n, _ = x.shape
    m = ctx.shape[1]

    def split(t, length):
        return t.reshape(b, length, heads, -1).permute(0, 2, 1, 3).reshape(b * heads, length, -1)

    qh, kh, vh = split(F.linear(x, *q), n), split(F.linear(ctx, *k), m), split(F.linear(ctx, *v), m)
    d = qh.shape[-1]
    qh = qh * (1.0 / math.sqrt(d))
    kt = kh.transpose(1, 2)
    per = max(1, SLICE_BYTES // max(1, n * m * 4))
    parts = []
    for s in range(0, b * heads, per):
        sc = torch.matmul(qh[s:s + per], kt[s:s + per])
        if mask is not None:
            sc = sc + mask
        parts.append(torch.matmul(sc.softmax(-1), vh[s:s + per]))
        del sc
    o = torch.cat(parts, 0) if len(parts) > 1 else parts[0]
    o = o.reshape(b, heads, n, d).permute(0, 2, 1, 3).reshape(b, n, heads * d)
    return F.linear(o, *out)


# ---------------------------------------------------------------- UNet (LDM openaimodel layout)
U = "model.diffusion_model."


def res_w(p, cin, cout, emb):
    norm_w(p + ".in_layers.0", cin)
    conv_w(p + ".in_layers.2", cout, cin, 3)
    lin_w(p + ".emb_layers.1", cout, emb)
    norm_w(p + ".out_layers.0", cout)
    conv_w(p + ".out_layers.3", cout, cout, 3)
    if cin != cout:
        conv_w(p + ".skip_connection", cout, cin, 1)


def res(x, emb, p):
    h = conv(F.silu(gn(x, p + ".in_layers.0", 1e-5)), p + ".in_layers.2")
    h = h + lin(F.silu(emb), p + ".emb_layers.1")[:, :, None, None]
    h = conv(F.silu(gn(h, p + ".out_layers.0", 1e-5)), p + ".out_layers.3")
    skip = conv(x, p + ".skip_connection", pad=0) if p + ".skip_connection.weight" in W else x
    return skip + h


def st_w(p, c, ctx_dim):
    norm_w(p + ".norm", c)
    conv_w(p + ".proj_in", c, c, 1)
    b = p + ".transformer_blocks.0"
    for a, kv in (("attn1", c), ("attn2", ctx_dim)):
        lin_w(b + "." + a + ".to_q", c, c, False)
        lin_w(b + "." + a + ".to_k", c, kv, False)
        lin_w(b + "." + a + ".to_v", c, kv, False)
        lin_w(b + "." + a + ".to_out.0", c, c)
    for i in (1, 2, 3):
        norm_w(b + ".norm%d" % i, c)
    lin_w(b + ".ff.net.0.proj", 8 * c, c)
    lin_w(b + ".ff.net.2", c, 4 * c)
    conv_w(p + ".proj_out", c, c, 1)


def st(x, ctx, p, heads=8):
    b, c, h, w = x.shape
    t = gn(x, p + ".norm", 1e-6).reshape(b, c, h * w).transpose(1, 2)
    t = F.linear(t, *proj(p + ".proj_in"))
    k = p + ".transformer_blocks.0."
    for a, c2 in (("attn1.", None), ("attn2.", ctx)):
        n = k + ("norm1" if c2 is None else "norm2")
        t = attention(ln(t, n), c2, heads, proj(k + a + "to_q"), proj(k + a + "to_k"), proj(k + a + "to_v"),
                      proj(k + a + "to_out.0")) + t
    a, g = lin(ln(t, k + "norm3"), k + "ff.net.0.proj").chunk(2, dim=-1)
    t = lin(a * F.gelu(g), k + "ff.net.2") + t
    t = F.linear(t, *proj(p + ".proj_out"))
    return t.transpose(1, 2).reshape(b, c, h, w) + x


def build_unet(mc=320, mult=(1, 2, 4, 4), nrb=2, attn=(True, True, True, False), ctx_dim=768):
    emb = 4 * mc
    lin_w(U + "time_embed.0", emb, mc)
    lin_w(U + "time_embed.2", emb, emb)
    inputs, outputs, chans = [[("conv_in", U + "input_blocks.0.0")]], [], [mc]
    conv_w(U + "input_blocks.0.0", mc, 4, 3)
    ch, i = mc, 1
    for level, m in enumerate(mult):
        for _ in range(nrb):
            p = U + "input_blocks.%d" % i
            res_w(p + ".0", ch, m * mc, emb)
            ch = m * mc
            blk = [("res", p + ".0")]
            if attn[level]:
                st_w(p + ".1", ch, ctx_dim)
                blk.append(("st", p + ".1"))
            inputs.append(blk)
            chans.append(ch)
            i += 1
        if level != len(mult) - 1:
            p = U + "input_blocks.%d.0.op" % i
            conv_w(p, ch, ch, 3)
            inputs.append([("down", p)])
            chans.append(ch)
            i += 1
    res_w(U + "middle_block.0", ch, ch, emb)
    st_w(U + "middle_block.1", ch, ctx_dim)
    res_w(U + "middle_block.2", ch, ch, emb)
    middle = [("res", U + "middle_block.0"), ("st", U + "middle_block.1"), ("res", U + "middle_block.2")]
    i = 0
    for level in reversed(range(len(mult))):
        for r in range(nrb + 1):
            p = U + "output_blocks.%d" % i
            skip = chans.pop()
            res_w(p + ".0", ch + skip, mult[level] * mc, emb)
            ch = mult[level] * mc
            blk = [("res", p + ".0")]
            if attn[level]:
                st_w(p + ".1", ch, ctx_dim)
                blk.append(("st", p + ".1"))
            if level and r == nrb:
                q = p + ".%d.conv" % len(blk)
                conv_w(q, ch, ch, 3)
                blk.append(("up", q))
            outputs.append(blk)
            i += 1
    norm_w(U + "out.0", ch)
    conv_w(U + "out.2", 4, ch, 3)
    return inputs, middle, outputs


def run_block(blk, x, emb, ctx):
    for kind, p in blk:
        if kind == "conv_in":
            x = conv(x, p)
        elif kind == "res":
            x = res(x, emb, p)
        elif kind == "st":
            x = st(x, ctx, p)
        elif kind == "down":
            x = conv(x, p, stride=2, pad=1)
        elif kind == "up":
            x = conv(F.interpolate(x, scale_factor=2, mode="nearest"), p)
    return x


def unet(layout, x, t, ctx, mc=320):
    inputs, middle, outputs = layout
    half = mc // 2
    freqs = torch.exp(-math.log(10000.0) * torch.arange(half, dtype=torch.float32) / half)
    args = t[:, None].float() * freqs[None]
    e = torch.cat([torch.cos(args), torch.sin(args)], -1)
    emb = lin(F.silu(lin(e, U + "time_embed.0")), U + "time_embed.2")
    hs, h = [], x
    for blk in inputs:
        h = run_block(blk, h, emb, ctx)
        hs.append(h)
    h = run_block(middle, h, emb, ctx)
    for blk in outputs:
        h = run_block(blk, torch.cat([h, hs.pop()], 1), emb, ctx)
    return conv(F.silu(gn(h, U + "out.0", 1e-5)), U + "out.2")


# ---------------------------------------------------------------- CLIP text (HF layout inside LDM)
T = "cond_stage_model.transformer.text_model."


def build_text(vocab=49408, width=768, layers=12, positions=77):
    W[T + "embeddings.token_embedding.weight"] = randn(vocab, width, scale=0.02)
    W[T + "embeddings.position_embedding.weight"] = randn(positions, width, scale=0.01)
    for i in range(layers):
        p = T + "encoder.layers.%d." % i
        for n in ("q", "k", "v", "out"):
            lin_w(p + "self_attn.%s_proj" % n, width, width)
        norm_w(p + "layer_norm1", width)
        norm_w(p + "layer_norm2", width)
        lin_w(p + "mlp.fc1", 4 * width, width)
        lin_w(p + "mlp.fc2", width, 4 * width)
    norm_w(T + "final_layer_norm", width)
    return layers


def text(ids, layers, heads=12):
    n = ids.shape[1]
    x = F.embedding(ids, W[T + "embeddings.token_embedding.weight"]) + W[T + "embeddings.position_embedding.weight"][:n]
    mask = torch.full((n, n), float("-inf")).triu(1)
    for i in range(layers):
        p = T + "encoder.layers.%d." % i
        s = p + "self_attn."
        x = attention(ln(x, p + "layer_norm1"), None, heads, proj(s + "q_proj"), proj(s + "k_proj"),
                      proj(s + "v_proj"), proj(s + "out_proj"), mask) + x
        h = lin(ln(x, p + "layer_norm2"), p + "mlp.fc1")
        x = lin(h * torch.sigmoid(1.702 * h), p + "mlp.fc2") + x
    return ln(x, T + "final_layer_norm")


# ---------------------------------------------------------------- VAE (LDM autoencoder layout)
V = "first_stage_model."


def vres_w(p, cin, cout):
    norm_w(p + ".norm1", cin)
    conv_w(p + ".conv1", cout, cin, 3)
    norm_w(p + ".norm2", cout)
    conv_w(p + ".conv2", cout, cout, 3)
    if cin != cout:
        conv_w(p + ".nin_shortcut", cout, cin, 1)


def vres(x, p):
    h = conv(F.silu(gn(x, p + ".norm1", 1e-6)), p + ".conv1")
    h = conv(F.silu(gn(h, p + ".norm2", 1e-6)), p + ".conv2")
    return (conv(x, p + ".nin_shortcut", pad=0) if p + ".nin_shortcut.weight" in W else x) + h


def mid_w(p, c):
    vres_w(p + ".block_1", c, c)
    norm_w(p + ".attn_1.norm", c)
    for n in ("q", "k", "v", "proj_out"):
        conv_w(p + ".attn_1." + n, c, c, 1)
    vres_w(p + ".block_2", c, c)


def mid(x, p):
    x = vres(x, p + ".block_1")
    b, c, h, w = x.shape
    t = gn(x, p + ".attn_1.norm", 1e-6).reshape(b, c, h * w).transpose(1, 2)
    q = p + ".attn_1."
    a = attention(t, None, 1, proj(q + "q"), proj(q + "k"), proj(q + "v"), proj(q + "proj_out"))
    x = a.transpose(1, 2).reshape(b, c, h, w) + x
    return vres(x, p + ".block_2")


def build_vae(ch=128, mult=(1, 2, 4, 4), nrb=2, z=4):
    e, d = V + "encoder.", V + "decoder."
    conv_w(e + "conv_in", ch, 3, 3)
    c = ch
    for i, m in enumerate(mult):
        for j in range(nrb):
            vres_w(e + "down.%d.block.%d" % (i, j), c, ch * m)
            c = ch * m
        if i != len(mult) - 1:
            conv_w(e + "down.%d.downsample.conv" % i, c, c, 3)
    mid_w(e + "mid", c)
    norm_w(e + "norm_out", c)
    conv_w(e + "conv_out", 2 * z, c, 3)
    conv_w(V + "quant_conv", 2 * z, 2 * z, 1)
    conv_w(V + "post_quant_conv", z, z, 1)
    c = ch * mult[-1]
    conv_w(d + "conv_in", c, z, 3)
    mid_w(d + "mid", c)
    for i in reversed(range(len(mult))):
        for j in range(nrb + 1):
            vres_w(d + "up.%d.block.%d" % (i, j), c, ch * mult[i])
            c = ch * mult[i]
        if i != 0:
            conv_w(d + "up.%d.upsample.conv" % i, c, c, 3)
    norm_w(d + "norm_out", c)
    conv_w(d + "conv_out", 3, c, 3)
    return len(mult), nrb


def vae_decode(latents, levels, nrb, scale=0.18215):
    d = V + "decoder."
    h = conv(conv(latents / scale, V + "post_quant_conv", pad=0), d + "conv_in")
    h = mid(h, d + "mid")
    for i in reversed(range(levels)):
        for j in range(nrb + 1):
            h = vres(h, d + "up.%d.block.%d" % (i, j))
        if i != 0:
            h = conv(F.interpolate(h, scale_factor=2, mode="nearest"), d + "up.%d.upsample.conv" % i)
    return conv(F.silu(gn(h, d + "norm_out", 1e-6)), d + "conv_out").clamp(-1, 1)


# ---------------------------------------------------------------- a whole text-to-image render
def sd_sigmas():
    """SD's discrete noise levels: scaled-linear betas 0.00085..0.012 over 1000 steps."""
    betas = torch.linspace(0.00085 ** 0.5, 0.012 ** 0.5, 1000, dtype=torch.float64) ** 2
    alphas_cumprod = torch.cumprod(1 - betas, 0)
    return ((1 - alphas_cumprod) / alphas_cumprod) ** 0.5


def karras_sigmas(n, sigma_min, sigma_max, rho=7.0):
    ramp = torch.linspace(0, 1, n, dtype=torch.float64)
    lo, hi = sigma_min ** (1 / rho), sigma_max ** (1 / rho)
    return torch.cat([(hi + ramp * (lo - hi)) ** rho, torch.zeros(1, dtype=torch.float64)])


def sigma_to_t(sigma, all_sigmas):
    """k-diffusion's DiscreteSchedule.sigma_to_t: the timestep by interpolating log sigma."""
    log_sigmas = all_sigmas.log()
    ls = math.log(sigma)
    low = int(torch.clamp((log_sigmas <= ls).sum() - 1, 0, len(log_sigmas) - 2))
    w = (log_sigmas[low] - ls) / (log_sigmas[low] - log_sigmas[low + 1])
    w = float(w.clamp(0, 1))
    return (1 - w) * low + w * (low + 1)


def image(layout, layers, levels, nrb, ids, steps=20, cfg=7.0, latent_side=64, progress=None):
    """The Java UnetBenchmark's --parts image, op for op: the prompt and the negative prompt through
    the text encoder, DPM++ 2M Karras (k-diffusion's sample_dpmpp_2m) over SD's Karras sigmas with
    classifier-free guidance (one batch-2 UNet call per step), then the VAE decoder."""
    ctx = text(ids, layers)
    all_sigmas = sd_sigmas()
    sigmas = karras_sigmas(steps, float(all_sigmas[0]), float(all_sigmas[-1]))
    g = torch.Generator().manual_seed(42)
    x = torch.randn(1, 4, latent_side, latent_side, generator=g) * float(sigmas[0])
    old = None
    t0 = time.perf_counter()
    for i in range(steps):
        s, s_next = float(sigmas[i]), float(sigmas[i + 1])
        c_in = 1 / math.sqrt(s * s + 1)
        t = torch.tensor([sigma_to_t(s, all_sigmas)] * 2, dtype=torch.float32)
        eps = unet(layout, torch.cat([x * c_in] * 2), t, ctx)
        eps_neg, eps_pos = eps.chunk(2)
        denoised = x - (eps_neg + cfg * (eps_pos - eps_neg)) * s
        if s_next == 0:
            x = denoised
        elif old is None:
            x = (s_next / s) * x - math.expm1(-(math.log(s) - math.log(s_next))) * denoised
        else:
            h = math.log(s) - math.log(s_next)
            h_last = math.log(float(sigmas[i - 1])) - math.log(s)
            r = h_last / h
            d = (1 + 1 / (2 * r)) * denoised - (1 / (2 * r)) * old
            x = (s_next / s) * x - math.expm1(-h) * d
        old = denoised
        if progress:
            progress(i + 1, steps, time.perf_counter() - t0)
    return vae_decode(x, levels, nrb)


# ---------------------------------------------------------------- io helpers
def save_safetensors(path, tensors, metadata=None):
    dt = {torch.float32: "F32", torch.int32: "I32", torch.int64: "I64"}
    header, offset = {}, 0
    if metadata:
        header["__metadata__"] = metadata
    names = sorted(tensors)
    for n in names:
        t = tensors[n]
        size = t.numel() * t.element_size()
        header[n] = {"dtype": dt[t.dtype], "shape": list(t.shape), "data_offsets": [offset, offset + size]}
        offset += size
    h = json.dumps(header, separators=(",", ":")).encode()
    h += b" " * ((8 - len(h) % 8) % 8)
    tmp = path + ".tmp"
    with open(tmp, "wb") as f:
        f.write(struct.pack("<Q", len(h)))
        f.write(h)
        for n in names:
            f.write(tensors[n].contiguous().numpy().tobytes())
    os.replace(tmp, path)


def peak_rss_mb():
    with open("/proc/self/status") as f:
        for line in f:
            if line.startswith("VmHWM:"):
                return int(line.split()[1]) / 1024.0
    return float("nan")


def timed(fn, runs, warmup):
    """Runs fn warmup + runs times; returns the timed durations and the last output."""
    out = None
    for _ in range(warmup):  # allocator, oneDNN primitive cache
        out = fn()
    times, cpu = [], []
    for _ in range(runs):
        t0, c0 = time.perf_counter(), time.process_time()
        out = fn()
        times.append(time.perf_counter() - t0)
        cpu.append(time.process_time() - c0)
        print("  %.3f s wall, %.3f s CPU" % (times[-1], cpu[-1]), flush=True)
    return times, cpu, out


def blas_gflops():
    """Matrix-multiply speed of this torch build (Debian's 1.13 links a generic reference BLAS)."""
    a, b = torch.randn(1024, 1024), torch.randn(1024, 1024)
    a @ b
    t0 = time.perf_counter()
    for _ in range(3):
        a @ b
    return 3 * 2 * 1024 ** 3 / (time.perf_counter() - t0) / 1e9


def main():
    ap = argparse.ArgumentParser()
    ap.add_argument("--out", default="/tmp/chatgen-sd15")
    ap.add_argument("--runs", type=int, default=3)
    ap.add_argument("--warmup", type=int, default=1)
    ap.add_argument("--threads", type=int, default=os.cpu_count())
    ap.add_argument("--seed", type=int, default=1234)
    ap.add_argument("--parts", default="unet,text,vae",
                    help="which parts to time (comma separated): unet, text, vae, and image (a whole 20-step"
                         " render, DPM++ 2M Karras, CFG 7, 512x512)")
    ap.add_argument("--skip-timing", action="store_true", help="only write the checkpoint and inputs")
    ap.add_argument("--no-save", action="store_true",
                    help="keep the checkpoint already in --out (same --seed gives the same weights)")
    a = ap.parse_args()
    os.makedirs(a.out, exist_ok=True)
    torch.set_num_threads(a.threads)
    torch.manual_seed(a.seed)
    t0 = time.perf_counter()
    layout = build_unet()
    layers = build_text()
    levels, nrb = build_vae()
    unet_params = sum(v.numel() for k, v in W.items() if k.startswith(U))
    print("generated %d tensors (%.1f M params, UNet %.1f M) in %.1f s"
          % (len(W), sum(v.numel() for v in W.values()) / 1e6, unet_params / 1e6, time.perf_counter() - t0),
          flush=True)
    latents = torch.randn(2, 4, 64, 64)
    ts = torch.tensor([981.0, 981.0])
    ctx = torch.randn(2, 77, 768)
    ids = torch.randint(0, 49408, (2, 77))
    vae_in = torch.randn(1, 4, 64, 64)
    io = {"unet.latents": latents, "unet.timesteps": ts, "unet.context": ctx, "text.ids": ids.to(torch.int32),
          "vae.latents": vae_in}
    ckpt = os.path.join(a.out, "sd15-random.safetensors")
    if not a.no_save:
        t0 = time.perf_counter()
        save_safetensors(ckpt, W, {"format": "pt"})
        print("wrote %s in %.1f s" % (ckpt, time.perf_counter() - t0), flush=True)
        save_safetensors(os.path.join(a.out, "sd15-io.safetensors"), io)
    if a.skip_timing:
        return
    if os.path.exists(os.path.join(a.out, "python-results.json")):
        os.remove(os.path.join(a.out, "python-results.json"))
    result = {"torch": torch.__version__, "threads": torch.get_num_threads(), "runs": a.runs,
              "warmup": a.warmup, "unet_params_m": unet_params / 1e6, "blas_gflops_1024": blas_gflops()}
    print("matmul speed: %.2f GFLOPS" % result["blas_gflops_1024"], flush=True)
    parts = {
        "unet_step": ("unet", "unet.out", lambda: unet(layout, latents, ts, ctx)),
        "text_encoder": ("text", "text.out", lambda: text(ids, layers)),
        "vae_decode": ("vae", "vae.out", lambda: vae_decode(vae_in, levels, nrb)),
    }
    wanted = set(a.parts.split(","))

    def progress(step, total, seconds):
        print("image step %d/%d at %.1f s" % (step, total, seconds), flush=True)
        result["image_steps_done"] = step
        result["image_steps_elapsed_s"] = seconds
        with open(os.path.join(a.out, "python-results.json"), "w") as f:
            json.dump(result, f, indent=1)

    parts["image_20_steps"] = ("image", "image.out", lambda: image(layout, layers, levels, nrb, ids, progress=progress))
    with torch.inference_mode():
        for name, (key, out_key, fn) in parts.items():
            if key not in wanted:
                continue
            print(name, flush=True)
            times, cpu, out = timed(fn, a.runs, a.warmup)
            result[name + "_s"] = times
            result[name + "_median_s"] = statistics.median(times)
            result[name + "_cpu_s"] = cpu
            result[name + "_cpu_median_s"] = statistics.median(cpu)
            result[name + "_load_average"] = os.getloadavg()[0]
            io[out_key] = out
            # rewrite after each part so an interrupted run still leaves usable results
            result["peak_rss_mb"] = peak_rss_mb()
            save_safetensors(os.path.join(a.out, "sd15-io.safetensors"), io)
            with open(os.path.join(a.out, "python-results.json"), "w") as f:
                json.dump(result, f, indent=1)
    print(json.dumps(result, indent=1), flush=True)


if __name__ == "__main__":
    main()
