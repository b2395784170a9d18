#!/usr/bin/python3
"""End-to-end reference for StableDiffusionGenerator on the tiny random SD 1.x checkpoint.

Runs the whole text-to-image chain with the original model code (CompVis/stable-diffusion's ldm
UNetModel and Decoder, openai/CLIP's text Transformer, loaded from ../model/tiny-sd1.safetensors)
and this script's own float64-free re-statement of the A1111 steps around it: a character-level
CLIP vocabulary (the one the Java test writes: byte symbols in byte order, then the same with
</w>, then BOS 512 and EOS 513; no merges), A1111's chunking with BREAK and EOS padding, clip
skip, "Original" emphasis, empty-chunk padding of the negative prompt, java.util.Random(seed)
Gaussians (its LCG and polar method re-implemented here), k-diffusion's CompVisDenoiser and Euler
ancestral steps with classifier-free guidance (batch [cond, uncond]), and A1111's decode to 8-bit.
The prompt's parse is written out below by hand (core's PromptParser is tested in chatgen-core).

Reference sources are fetched read-only (see ../model/README.md); the einops/omegaconf stand-ins
come from ../model/make_tiny_reference.py. Reproduce:
    cd chatgen-diffusion/src/test/resources/io/chatgen/diffusion/generate
    /usr/bin/python3 make_generation_reference.py --src /tmp/ref --out generation_reference.json
"""
import argparse
import importlib.util
import json
import math
import os
import struct
import sys

import numpy as np
import torch

HERE = os.path.dirname(os.path.abspath(__file__))
spec = importlib.util.spec_from_file_location("tiny_ref", os.path.join(HERE, "..", "model", "make_tiny_reference.py"))
tiny_ref = importlib.util.module_from_spec(spec)
spec.loader.exec_module(tiny_ref)  # installs the einops / omegaconf stand-ins

PROMPT = "a (red:1.2) fox BREAK snow"
# A1111's parse_prompt_attention of PROMPT
SEGMENTS = [("a ", 1.0), ("red", 1.2), (" fox", 1.0), ("BREAK", -1.0), ("snow", 1.0)]
NEGATIVE = "blurry"
NEG_SEGMENTS = [("blurry", 1.0)]
SEED, STEPS, CFG, CLIP_SKIP, SIZE = 42, 2, 7.0, 2, 64


def read_safetensors(path):
    with open(path, "rb") as f:
        n = struct.unpack("<Q", f.read(8))[0]
        header = json.loads(f.read(n))
        data = f.read()
    dt = {"F16": np.float16, "F32": np.float32, "I64": np.int64, "I32": np.int32}
    out = {}
    for k, v in header.items():
        if k == "__metadata__":
            continue
        a, b = v["data_offsets"]
        arr = np.frombuffer(data[a:b], dtype=dt[v["dtype"]]).reshape(v["shape"])
        out[k] = torch.from_numpy(arr.copy())
    return out


# ---- java.util.Random ----------------------------------------------------------------------------
class JavaRandom:
    MASK = (1 << 48) - 1

    def __init__(self, seed):
        self.seed = (seed ^ 0x5DEECE66D) & self.MASK
        self.next_gaussian = None

    def next(self, bits):
        self.seed = (self.seed * 0x5DEECE66D + 0xB) & self.MASK
        return self.seed >> (48 - bits)

    def next_double(self):
        return ((self.next(26) << 27) + self.next(27)) * 2.0 ** -53

    def gaussian(self):
        if self.next_gaussian is not None:
            g, self.next_gaussian = self.next_gaussian, None
            return g
        while True:
            v1 = 2 * self.next_double() - 1
            v2 = 2 * self.next_double() - 1
            s = v1 * v1 + v2 * v2
            if 0 < s < 1:
                break
        m = math.sqrt(-2 * math.log(s) / s)
        self.next_gaussian = v2 * m
        return v1 * m


# ---- character-level CLIP tokenizer of the Java test ---------------------------------------------
def byte_chars():
    out, n = [], 0
    for b in range(256):
        printable = 33 <= b <= 126 or 0xA1 <= b <= 0xAC or b >= 0xAE
        out.append(chr(b) if printable else chr(256 + n))
        n += 0 if printable else 1
    return out


CHARS = byte_chars()
VOCAB = {c: i for i, c in enumerate(CHARS)}
VOCAB.update({c + "</w>": 256 + i for i, c in enumerate(CHARS)})
BOS, EOS, COMMA = 512, 513, VOCAB[",</w>"]


def tokenize(text):
    ids = []
    for word in " ".join(text.split()).lower().split(" "):  # the texts here are plain letters
        if not word:
            continue
        enc = [CHARS[b] for b in word.encode("utf-8")]
        ids += [VOCAB[c] for c in enc[:-1]] + [VOCAB[enc[-1] + "</w>"]]
    return ids


def chunks(segments):
    out, tokens, mults = [], [], []

    def close():
        nonlocal tokens, mults
        pad = 75 - len(tokens)
        out.append(([BOS] + tokens + [EOS] * pad + [EOS], [1.0] + mults + [1.0] * pad + [1.0]))
        tokens, mults = [], []

    for text, w in segments:
        if text == "BREAK" and w == -1:
            close()
            continue
        for t in tokenize(text):
            assert len(tokens) < 75 and t != COMMA  # short, comma-free prompts here
            tokens.append(t)
            mults.append(w)
    if tokens or not out:
        close()
    return out


def main():
    ap = argparse.ArgumentParser()
    ap.add_argument("--src", required=True)
    ap.add_argument("--out", required=True)
    a = ap.parse_args()
    sys.path.insert(0, a.src)
    from ldm.modules.diffusionmodules.openaimodel import UNetModel
    from ldm.modules.diffusionmodules.model import Decoder
    spec = importlib.util.spec_from_file_location("clip_model", os.path.join(a.src, "clip", "model.py"))
    clip_model = importlib.util.module_from_spec(spec)
    spec.loader.exec_module(clip_model)

    import hashlib
    with open(os.path.join(HERE, "..", "model", "tiny-sd1.safetensors"), "rb") as f:
        checkpoint_sha = hashlib.sha256(f.read()).hexdigest().upper()
    sd = {k: (v.float() if v.is_floating_point() else v) for k, v in
          read_safetensors(os.path.join(HERE, "..", "model", "tiny-sd1.safetensors")).items()}
    width, layers, heads, ctx_len = 64, 3, 2, 77
    unet = UNetModel(image_size=8, in_channels=4, model_channels=32, out_channels=4, num_res_blocks=1,
                     attention_resolutions=[1], channel_mult=(1, 1), num_heads=8, use_spatial_transformer=True,
                     transformer_depth=1, context_dim=width, use_checkpoint=False, legacy=False).eval()
    unet.load_state_dict({k[len("model.diffusion_model."):]: v for k, v in sd.items()
                          if k.startswith("model.diffusion_model.")})
    dd = dict(double_z=True, z_channels=4, resolution=16, in_channels=3, out_ch=3, ch=32, ch_mult=(1, 1),
              num_res_blocks=1, attn_resolutions=[], dropout=0.0)
    decoder = Decoder(**dd).eval()
    decoder.load_state_dict({k[len("first_stage_model.decoder."):]: v for k, v in sd.items()
                             if k.startswith("first_stage_model.decoder.")})
    pqc = torch.nn.Conv2d(4, 4, 1)
    pqc.weight.data, pqc.bias.data = sd["first_stage_model.post_quant_conv.weight"], sd["first_stage_model.post_quant_conv.bias"]
    mask = torch.empty(ctx_len, ctx_len).fill_(float("-inf")).triu_(1)
    tf = clip_model.Transformer(width, layers, heads, attn_mask=mask).eval()
    t = "cond_stage_model.transformer.text_model."
    for i, blk in enumerate(tf.resblocks):
        p = t + f"encoder.layers.{i}."
        blk.attn.in_proj_weight.data = torch.cat([sd[p + f"self_attn.{n}_proj.weight"] for n in "qkv"])
        blk.attn.in_proj_bias.data = torch.cat([sd[p + f"self_attn.{n}_proj.bias"] for n in "qkv"])
        blk.attn.out_proj.weight.data, blk.attn.out_proj.bias.data = sd[p + "self_attn.out_proj.weight"], sd[p + "self_attn.out_proj.bias"]
        blk.ln_1.weight.data, blk.ln_1.bias.data = sd[p + "layer_norm1.weight"], sd[p + "layer_norm1.bias"]
        blk.ln_2.weight.data, blk.ln_2.bias.data = sd[p + "layer_norm2.weight"], sd[p + "layer_norm2.bias"]
        blk.mlp.c_fc.weight.data, blk.mlp.c_fc.bias.data = sd[p + "mlp.fc1.weight"], sd[p + "mlp.fc1.bias"]
        blk.mlp.c_proj.weight.data, blk.mlp.c_proj.bias.data = sd[p + "mlp.fc2.weight"], sd[p + "mlp.fc2.bias"]
    tok_emb = sd[t + "embeddings.token_embedding.weight"]
    pos_emb = sd[t + "embeddings.position_embedding.weight"]
    ln_final = torch.nn.LayerNorm(width)
    ln_final.weight.data, ln_final.bias.data = sd[t + "final_layer_norm.weight"], sd[t + "final_layer_norm.bias"]

    def encode(window, mults):
        x = (tok_emb[torch.tensor(window)] + pos_emb)[None].permute(1, 0, 2)
        for blk in list(tf.resblocks)[:layers - CLIP_SKIP + 1]:
            x = blk(x)
        z = ln_final(x.permute(1, 0, 2))
        original_mean = z.mean()
        z = z * torch.tensor(mults)[None, :, None]
        return z * (original_mean / z.mean())

    with torch.no_grad():
        pos, neg = chunks(SEGMENTS), chunks(NEG_SEGMENTS)
        empty = chunks([])[0]
        while len(neg) < len(pos):
            neg.append(empty)
        cond = torch.cat([encode(*c) for c in pos], dim=1)
        uncond = torch.cat([encode(*c) for c in neg], dim=1)
        context = torch.cat([cond, uncond])

        betas = torch.linspace(0.00085 ** 0.5, 0.012 ** 0.5, 1000, dtype=torch.float64) ** 2
        abar = torch.cumprod(1 - betas, 0).to(torch.float32).to(torch.float64)
        log_sigmas = (((1 - abar) / abar) ** 0.5).log()

        def t_to_sigma(tt):
            lo, hi = math.floor(tt), math.ceil(tt)
            return math.exp((1 - (tt - lo)) * log_sigmas[lo].item() + (tt - lo) * log_sigmas[hi].item())

        def sigma_to_t(s):
            ls = math.log(s)
            low = int((ls - log_sigmas).ge(0).cumsum(0).argmax(0).clamp(max=998))
            w = min(max((log_sigmas[low].item() - ls) / (log_sigmas[low].item() - log_sigmas[low + 1].item()), 0), 1)
            return (1 - w) * low + w * (low + 1)

        ts = torch.linspace(999, 0, STEPS, dtype=torch.float64)
        sigmas = [t_to_sigma(v.item()) for v in ts] + [0.0]

        rng = JavaRandom(SEED)
        n = 4 * (SIZE // 2) * (SIZE // 2)
        shape = (1, 4, SIZE // 2, SIZE // 2)
        noise = torch.tensor([rng.gaussian() for _ in range(n)], dtype=torch.float64).reshape(shape)
        x = noise * sigmas[0]

        def denoise(x, s):
            x_in = (x / math.sqrt(s * s + 1)).float()
            eps = unet(torch.cat([x_in, x_in]), timesteps=torch.tensor([sigma_to_t(s)] * 2, dtype=torch.float32),
                       context=context).double()
            e = eps[1:] + CFG * (eps[:1] - eps[1:])
            return x - s * e

        for i in range(len(sigmas) - 1):
            den = denoise(x, sigmas[i])
            up = min(sigmas[i + 1], (sigmas[i + 1] ** 2 * (sigmas[i] ** 2 - sigmas[i + 1] ** 2) / sigmas[i] ** 2) ** 0.5)
            down = (sigmas[i + 1] ** 2 - up ** 2) ** 0.5
            x = x + (x - den) / sigmas[i] * (down - sigmas[i])
            if sigmas[i + 1] > 0:
                x = x + torch.tensor([rng.gaussian() for _ in range(n)], dtype=torch.float64).reshape(shape) * up

        img = decoder(pqc((x.float() / 0.18215))).clamp(-1, 1)
        img = torch.clamp((img + 1.0) / 2.0, min=0.0, max=1.0)
        px = (255.0 * img[0].permute(1, 2, 0).numpy()).astype(np.uint8)
        rgb = [int(p[0]) << 16 | int(p[1]) << 8 | int(p[2]) for p in px.reshape(-1, 3)]

    with open(a.out, "w") as f:
        json.dump({
        "command": "/usr/bin/python3 make_generation_reference.py --src /tmp/ref --out generation_reference.json",
        "torch": torch.__version__, "checkpointSha256": checkpoint_sha, "prompt": PROMPT, "negative": NEGATIVE, "seed": SEED, "steps": STEPS,
        "cfg": CFG, "clipSkip": CLIP_SKIP, "size": SIZE, "sampler": "Euler a",
        "firstNoise": [float(v) for v in noise.reshape(-1)[:4]],
        "latents": [float(v) for v in x.reshape(-1)], "rgb": rgb}, f)


if __name__ == "__main__":
    main()
