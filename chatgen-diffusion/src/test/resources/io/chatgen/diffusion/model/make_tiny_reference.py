#!/usr/bin/python3
"""Builds the tiny SD 1.x checkpoint and the reference outputs the Java model is tested against.

The reference is the original code, not a re-implementation: CompVis/stable-diffusion's `ldm`
package (UNetModel, Encoder, Decoder, the modules SD 1.x checkpoints were trained with) and
openai/CLIP's text Transformer (the ViT-L/14 text tower whose weights SD embeds in Hugging Face's
key layout; the script maps between the two layouts). Neither is installed or committed: fetch
them read-only and point --src at a folder holding `ldm/` and `clip/`:

    git clone https://github.com/CompVis/stable-diffusion /tmp/sd && git clone https://github.com/openai/CLIP /tmp/clip
    mkdir -p /tmp/ref && cp -r /tmp/sd/ldm /tmp/clip/clip /tmp/ref/
    cd chatgen-diffusion/src/test/resources/io/chatgen/diffusion/model
    /usr/bin/python3 make_tiny_reference.py --src /tmp/ref --out .

Needs only Debian's python3-torch (1.13) and numpy; `einops` (used by ldm for reshapes) is not
installed, so a minimal stand-in for the `rearrange` patterns ldm uses is defined below (and an
empty `omegaconf.listconfig.ListConfig`, which UNetModel only type-checks against).

Writes tiny-sd1.safetensors (weights rounded to F16, LDM key layout, metadata
chatgen.text.num_heads=2) and tiny-sd1-reference.safetensors (F32 inputs and outputs).
"""
import argparse
import json
import math
import os
import re
import struct
import sys
import types

import numpy as np
import torch


# ---- minimal einops.rearrange (ldm only needs axis permutation, splitting and merging) ----------
def _groups(side):
    out, i, toks = [], 0, re.findall(r"\(|\)|[A-Za-z_][A-Za-z0-9_]*|\.\.\.", side)
    while i < len(toks):
        if toks[i] == "(":
            j = toks.index(")", i)
            out.append(toks[i + 1:j])
            i = j + 1
        else:
            out.append([toks[i]])
            i += 1
    return out


def rearrange(t, pattern, **sizes):
    left, right = (_groups(s) for s in pattern.split("->"))
    assert len(left) == t.dim(), (pattern, t.shape)
    known = dict(sizes)
    for group, dim in zip(left, t.shape):
        unknown = [a for a in group if a not in known]
        prod = 1
        for a in group:
            if a in known:
                prod *= known[a]
        if len(unknown) == 1:
            known[unknown[0]] = dim // prod
    flat_left = [a for g in left for a in g]
    t = t.reshape([known[a] for a in flat_left])
    flat_right = [a for g in right for a in g]
    t = t.permute([flat_left.index(a) for a in flat_right])
    return t.reshape([int(np.prod([known[a] for a in g])) if g else 1 for g in right])


def _repeat(*args, **kwargs):
    raise NotImplementedError("einops.repeat is not needed for these modules")


einops = types.ModuleType("einops")
einops.rearrange = rearrange
einops.repeat = _repeat
sys.modules["einops"] = einops

# UNetModel only uses omegaconf to unwrap a ListConfig context_dim; a placeholder class suffices.
omegaconf = types.ModuleType("omegaconf")
omegaconf.listconfig = types.ModuleType("omegaconf.listconfig")
omegaconf.listconfig.ListConfig = type("ListConfig", (), {})
sys.modules["omegaconf"] = omegaconf
sys.modules["omegaconf.listconfig"] = omegaconf.listconfig


# ---- safetensors writer (the format is a length, a JSON header and raw little-endian bytes) -----
_DT = {torch.float32: "F32", torch.float16: "F16", torch.int64: "I64", torch.int32: "I32"}


def save_safetensors(path, tensors, metadata=None):
    header, offset, blobs = {}, 0, []
    if metadata:
        header["__metadata__"] = metadata
    for name in sorted(tensors):
        t = tensors[name].contiguous().cpu()
        b = t.numpy().tobytes()
        header[name] = {"dtype": _DT[t.dtype], "shape": list(t.shape), "data_offsets": [offset, offset + len(b)]}
        offset += len(b)
        blobs.append(b)
    h = json.dumps(header, separators=(",", ":")).encode()
    h += b" " * ((8 - len(h) % 8) % 8)
    with open(path, "wb") as f:
        f.write(struct.pack("<Q", len(h)))
        f.write(h)
        for b in blobs:
            f.write(b)


def randomize(module, gen, gain=1.0):
    """LDM zero-initialises output layers; give every parameter a random value instead."""
    for name, p in module.named_parameters():
        with torch.no_grad():
            if p.dim() == 1 and ("norm" in name or name.endswith("ln_1.weight") or name.endswith("ln_2.weight")
                                 or "ln_final" in name) and name.endswith("weight"):
                p.copy_(1.0 + 0.1 * torch.randn(p.shape, generator=gen))
            elif p.dim() == 1:
                p.copy_(0.05 * torch.randn(p.shape, generator=gen))
            else:
                fan_in = p[0].numel() if p.dim() > 1 else p.shape[-1]
                p.copy_(gain * torch.randn(p.shape, generator=gen) / math.sqrt(fan_in))
            # store at the precision of the checkpoint (F16) so Java and reference share the values
            p.copy_(p.half().float())


def main():
    ap = argparse.ArgumentParser()
    ap.add_argument("--src", required=True, help="folder holding ldm/ and clip/ (fetched, read-only)")
    ap.add_argument("--out", default=".")
    ap.add_argument("--seed", type=int, default=20241126)
    a = ap.parse_args()
    sys.path.insert(0, a.src)
    from ldm.modules.diffusionmodules.openaimodel import UNetModel
    from ldm.modules.diffusionmodules.model import Encoder, Decoder
    # clip/__init__ pulls in the tokenizer and downloader (extra packages); model.py needs only torch
    import importlib.util
    spec = importlib.util.spec_from_file_location("clip_model", os.path.join(a.src, "clip", "model.py"))
    clip_model = importlib.util.module_from_spec(spec)
    spec.loader.exec_module(clip_model)
    Transformer, LayerNorm = clip_model.Transformer, clip_model.LayerNorm

    torch.manual_seed(a.seed)
    gen = torch.Generator().manual_seed(a.seed)

    # ---- tiny configuration: SD 1.x's structure with small widths -------------------------------
    vocab, ctx_len, width, layers, heads = 1000, 77, 64, 3, 2
    unet = UNetModel(image_size=8, in_channels=4, model_channels=32, out_channels=4, num_res_blocks=1,
                     attention_resolutions=[1], channel_mult=(1, 1), num_heads=8,
                     use_spatial_transformer=True, transformer_depth=1, context_dim=width,
                     use_checkpoint=False, legacy=False).eval()
    dd = dict(double_z=True, z_channels=4, resolution=16, in_channels=3, out_ch=3, ch=32, ch_mult=(1, 1),
              num_res_blocks=1, attn_resolutions=[], dropout=0.0)
    encoder, decoder = Encoder(**dd).eval(), Decoder(**dd).eval()
    quant_conv, post_quant_conv = torch.nn.Conv2d(8, 8, 1), torch.nn.Conv2d(4, 4, 1)
    mask = torch.empty(ctx_len, ctx_len).fill_(float("-inf")).triu_(1)
    clip_tf = Transformer(width, layers, heads, attn_mask=mask).eval()
    token_embedding = torch.nn.Embedding(vocab, width)
    positional = torch.nn.Parameter(torch.empty(ctx_len, width))
    ln_final = LayerNorm(width)
    clip_parts = torch.nn.ModuleDict(dict(tf=clip_tf, tok=token_embedding, ln_final=ln_final))
    clip_parts.register_parameter("positional", positional)
    for m in (unet, encoder, decoder, quant_conv, post_quant_conv, clip_parts):
        randomize(m, gen)

    # ---- checkpoint in the LDM layout (text tower in Hugging Face's CLIPTextModel names) --------
    sd = {}
    for k, v in unet.state_dict().items():
        sd["model.diffusion_model." + k] = v
    for k, v in encoder.state_dict().items():
        sd["first_stage_model.encoder." + k] = v
    for k, v in decoder.state_dict().items():
        sd["first_stage_model.decoder." + k] = v
    for k, v in quant_conv.state_dict().items():
        sd["first_stage_model.quant_conv." + k] = v
    for k, v in post_quant_conv.state_dict().items():
        sd["first_stage_model.post_quant_conv." + k] = v
    t = "cond_stage_model.transformer.text_model."
    sd[t + "embeddings.token_embedding.weight"] = token_embedding.weight
    sd[t + "embeddings.position_embedding.weight"] = positional
    sd[t + "embeddings.position_ids"] = torch.arange(ctx_len, dtype=torch.int64)[None]
    for i, blk in enumerate(clip_tf.resblocks):
        p = t + f"encoder.layers.{i}."
        for j, n in enumerate("qkv"):
            sd[p + f"self_attn.{n}_proj.weight"] = blk.attn.in_proj_weight[j * width:(j + 1) * width]
            sd[p + f"self_attn.{n}_proj.bias"] = blk.attn.in_proj_bias[j * width:(j + 1) * width]
        sd[p + "self_attn.out_proj.weight"] = blk.attn.out_proj.weight
        sd[p + "self_attn.out_proj.bias"] = blk.attn.out_proj.bias
        sd[p + "layer_norm1.weight"], sd[p + "layer_norm1.bias"] = blk.ln_1.weight, blk.ln_1.bias
        sd[p + "layer_norm2.weight"], sd[p + "layer_norm2.bias"] = blk.ln_2.weight, blk.ln_2.bias
        sd[p + "mlp.fc1.weight"], sd[p + "mlp.fc1.bias"] = blk.mlp.c_fc.weight, blk.mlp.c_fc.bias
        sd[p + "mlp.fc2.weight"], sd[p + "mlp.fc2.bias"] = blk.mlp.c_proj.weight, blk.mlp.c_proj.bias
    sd[t + "final_layer_norm.weight"], sd[t + "final_layer_norm.bias"] = ln_final.weight, ln_final.bias
    ckpt = {k: (v.detach().half() if v.is_floating_point() else v.detach()) for k, v in sd.items()}
    save_safetensors(os.path.join(a.out, "tiny-sd1.safetensors"), ckpt,
                     {"chatgen.text.num_heads": str(heads), "format": "pt"})

    # ---- reference outputs (float32, eval mode, no grad) ----------------------------------------
    ref = {}
    with torch.no_grad():
        ids = torch.randint(0, vocab, (2, ctx_len), generator=gen)
        ids[:, 0] = vocab - 2          # BOS-like
        ids[0, 10:] = vocab - 1        # EOS padding as SD 1.x pads
        ref["text.ids"] = ids.to(torch.int32)

        def encode(skip):
            x = token_embedding(ids) + positional
            x = x.permute(1, 0, 2)
            for blk in list(clip_tf.resblocks)[:layers - skip + 1]:
                x = blk(x)
            return ln_final(x.permute(1, 0, 2))

        ref["text.out.skip1"] = encode(1)
        ref["text.out.skip2"] = encode(2)

        lat = torch.randn(2, 4, 8, 8, generator=gen)
        ts = torch.tensor([10.0, 500.5])
        ctx = torch.randn(2, ctx_len, width, generator=gen)
        ref["unet.latents"], ref["unet.timesteps"], ref["unet.context"] = lat, ts, ctx
        ref["unet.out"] = unet(lat, timesteps=ts, context=ctx)
        lat2 = torch.randn(1, 4, 8, 8, generator=gen)
        ts2 = torch.tensor([999.0])
        ctx2 = torch.randn(1, 2 * ctx_len, width, generator=gen)
        ref["unet2.latents"], ref["unet2.timesteps"], ref["unet2.context"] = lat2, ts2, ctx2
        ref["unet2.out"] = unet(lat2, timesteps=ts2, context=ctx2)

        scale = 0.18215
        z = torch.randn(1, 4, 8, 8, generator=gen)
        ref["vae.latents"] = z
        ref["vae.decoded"] = decoder(post_quant_conv(z / scale))
        img = torch.rand(1, 3, 16, 16, generator=gen) * 2 - 1
        ref["vae.images"] = img
        moments = quant_conv(encoder(img))
        ref["vae.encoded"] = moments[:, :4] * scale
    save_safetensors(os.path.join(a.out, "tiny-sd1-reference.safetensors"),
                     {k: v.float().contiguous() if v.is_floating_point() else v for k, v in ref.items()},
                     {"source": "CompVis/stable-diffusion ldm + openai/CLIP, torch " + torch.__version__,
                      "seed": str(a.seed)})
    for k, v in ref.items():
        print(k, tuple(v.shape), float(v.float().abs().mean()))


if __name__ == "__main__":
    main()
