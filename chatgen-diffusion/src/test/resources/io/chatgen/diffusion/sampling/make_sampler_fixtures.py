#!/usr/bin/python3
"""Reference values for the Java samplers (io.chatgen.diffusion.sampling).

An independent re-implementation, in float64 PyTorch, of the formulas of k-diffusion
(k_diffusion/sampling.py and external.py, crowsonkb/k-diffusion) and of A1111's
timestep samplers (modules/sd_samplers_timesteps*.py) and UniPC with A1111's default options
(modules/models/diffusion/uni_pc/uni_pc.py), written from reading those sources.
Every sampler runs on an analytic toy noise predictor with noise taken, in order, from a
fixed pool stored in the output, so that the Java test can replay exactly the same run.

Reproduce (Debian's python3-torch 1.13, no other packages):
    cd chatgen-diffusion/src/test/resources/io/chatgen/diffusion/sampling
    /usr/bin/python3 make_sampler_fixtures.py > sampler_fixtures.json
"""
import json
import math

import torch

torch.set_default_dtype(torch.float64)
DIM = 16
STEPS = 8
IMG2IMG_STEPS = 10
STRENGTH = 0.55

# ---------------------------------------------------------------- schedule (LDM + k-diffusion)
betas = torch.linspace(0.00085 ** 0.5, 0.012 ** 0.5, 1000, dtype=torch.float64) ** 2
alphas_cumprod = torch.cumprod(1.0 - betas, dim=0).to(torch.float32).to(torch.float64)
sigmas_all = ((1 - alphas_cumprod) / alphas_cumprod) ** 0.5
log_sigmas = sigmas_all.log()
SIGMA_MIN, SIGMA_MAX = sigmas_all[0].item(), sigmas_all[-1].item()


def sigma_to_t(sigma):
    log_sigma = math.log(sigma)
    dists = log_sigma - log_sigmas
    low = int(dists.ge(0).cumsum(0).argmax(0).clamp(max=len(log_sigmas) - 2))
    lo, hi = log_sigmas[low].item(), log_sigmas[low + 1].item()
    w = min(max((lo - log_sigma) / (lo - hi), 0.0), 1.0)
    return (1 - w) * low + w * (low + 1)


def t_to_sigma(t):
    lo, hi = math.floor(t), math.ceil(t)
    w = t - lo
    return math.exp((1 - w) * log_sigmas[lo].item() + w * log_sigmas[hi].item())


def append_zero(s):
    return torch.cat([s, s.new_zeros([1])])


def normal_sigmas(n):
    t = torch.linspace(999, 0, n, dtype=torch.float64)
    return append_zero(torch.tensor([t_to_sigma(v.item()) for v in t]))


def karras_sigmas(n, rho=7.0):
    ramp = torch.linspace(0, 1, n, dtype=torch.float64)
    lo, hi = SIGMA_MIN ** (1 / rho), SIGMA_MAX ** (1 / rho)
    return append_zero((hi + ramp * (lo - hi)) ** rho)


def exponential_sigmas(n):
    return append_zero(torch.linspace(math.log(SIGMA_MAX), math.log(SIGMA_MIN), n, dtype=torch.float64).exp())


def ddim_timesteps(steps):
    return [min(max(v + 1, 0), 999) for v in range(0, 1000, 1000 // steps)]


# ---------------------------------------------------------------- toy model and noise
gen = torch.Generator().manual_seed(20240607)
MU = torch.randn(DIM, generator=gen) * 0.5
VAR = torch.rand(DIM, generator=gen) * 0.8 + 0.2
INITIAL_NOISE = torch.randn(DIM, generator=gen)
INIT_LATENT = torch.randn(DIM, generator=gen) * 0.7
POOL = torch.randn(100, DIM, generator=gen)


def eps_model(x_in, t):
    """Gaussian-data optimal noise prediction plus a timestep-dependent wiggle."""
    sigma = t_to_sigma(t)
    x = x_in * math.sqrt(sigma ** 2 + 1)
    den = MU + (x - MU) * VAR / (sigma ** 2 + VAR)
    return (x - den) / sigma + 0.05 * torch.sin(3 * x_in + t / 97.0)


def denoiser(x, sigma):  # CompVisDenoiser
    c_in = 1 / math.sqrt(sigma ** 2 + 1)
    return x + eps_model(x * c_in, sigma_to_t(sigma)) * (-sigma)


class Pool:
    def __init__(self):
        self.i = 0

    def __call__(self, *_):
        v = POOL[self.i]
        self.i += 1
        return v


def to_d(x, sigma, den):
    return (x - den) / sigma


def anc(s_from, s_to, eta=1.0):
    up = min(s_to, eta * (s_to ** 2 * (s_from ** 2 - s_to ** 2) / s_from ** 2) ** 0.5)
    return (s_to ** 2 - up ** 2) ** 0.5, up


def euler(x, s, ns):
    for i in range(len(s) - 1):
        d = to_d(x, s[i], denoiser(x, s[i]))
        x = x + d * (s[i + 1] - s[i])
    return x


def euler_a(x, s, ns):
    for i in range(len(s) - 1):
        den = denoiser(x, s[i])
        down, up = anc(s[i], s[i + 1])
        x = x + to_d(x, s[i], den) * (down - s[i])
        if s[i + 1] > 0:
            x = x + ns() * up
    return x


def heun(x, s, ns):
    for i in range(len(s) - 1):
        d = to_d(x, s[i], denoiser(x, s[i]))
        dt = s[i + 1] - s[i]
        if s[i + 1] == 0:
            x = x + d * dt
        else:
            x2 = x + d * dt
            d2 = to_d(x2, s[i + 1], denoiser(x2, s[i + 1]))
            x = x + (d + d2) / 2 * dt
    return x


def dpm2_mid(x, d, s0, s1):
    mid = math.exp(math.log(s0) + 0.5 * (math.log(s1) - math.log(s0)))
    x2 = x + d * (mid - s0)
    d2 = to_d(x2, mid, denoiser(x2, mid))
    return x + d2 * (s1 - s0)


def dpm2(x, s, ns):
    for i in range(len(s) - 1):
        d = to_d(x, s[i], denoiser(x, s[i]))
        x = x + d * (s[i + 1] - s[i]) if s[i + 1] == 0 else dpm2_mid(x, d, s[i], s[i + 1])
    return x


def dpm2_a(x, s, ns):
    for i in range(len(s) - 1):
        den = denoiser(x, s[i])
        down, up = anc(s[i], s[i + 1])
        d = to_d(x, s[i], den)
        if down == 0:
            x = x + d * (down - s[i])
        else:
            x = dpm2_mid(x, d, s[i], down) + ns() * up
    return x


def lms_coeff(order, t, i, j):
    # exact integral of the Lagrange basis polynomial (numpy polynomial arithmetic)
    import numpy as np
    poly = np.poly1d([1.0])
    for k in range(order):
        if k != j:
            poly = poly * np.poly1d([1.0, -t[i - k]]) / (t[i - j] - t[i - k])
    integ = poly.integ()
    return integ(t[i + 1]) - integ(t[i])


def lms(x, s, ns, order=4):
    ds = []
    for i in range(len(s) - 1):
        ds.append(to_d(x, s[i], denoiser(x, s[i])))
        if len(ds) > order:
            ds.pop(0)
        cur = min(i + 1, order)
        for j, d in enumerate(reversed(ds)):
            x = x + lms_coeff(cur, s, i, j) * d
    return x


def sfn(t):
    return math.exp(-t)


def tfn(sigma):
    return -math.log(sigma)


def dpmpp_2s_a(x, s, ns):
    for i in range(len(s) - 1):
        den = denoiser(x, s[i])
        down, up = anc(s[i], s[i + 1])
        if down == 0:
            x = x + to_d(x, s[i], den) * (down - s[i])
        else:
            t, tn = tfn(s[i]), tfn(down)
            h = tn - t
            sm = t + h / 2
            x2 = (sfn(sm) / sfn(t)) * x - math.expm1(-h / 2) * den
            den2 = denoiser(x2, sfn(sm))
            x = (sfn(tn) / sfn(t)) * x - math.expm1(-h) * den2
        if s[i + 1] > 0:
            x = x + ns() * up
    return x


def dpmpp_sde(x, s, ns, r=0.5):
    for i in range(len(s) - 1):
        den = denoiser(x, s[i])
        if s[i + 1] == 0:
            x = x + to_d(x, s[i], den) * (s[i + 1] - s[i])
            continue
        t, tn = tfn(s[i]), tfn(s[i + 1])
        h = tn - t
        sm = t + h * r
        fac = 1 / (2 * r)
        sd, su = anc(sfn(t), sfn(sm))
        s_ = tfn(sd)
        x2 = (sfn(s_) / sfn(t)) * x - math.expm1(t - s_) * den
        x2 = x2 + ns() * su
        den2 = denoiser(x2, sfn(sm))
        sd, su = anc(sfn(t), sfn(tn))
        tn_ = tfn(sd)
        dd = (1 - fac) * den + fac * den2
        x = (sfn(tn_) / sfn(t)) * x - math.expm1(t - tn_) * dd
        x = x + ns() * su
    return x


def dpmpp_2m(x, s, ns):
    old = None
    for i in range(len(s) - 1):
        den = denoiser(x, s[i])
        if s[i + 1] == 0:
            x = den
        else:
            t, tn = tfn(s[i]), tfn(s[i + 1])
            h = tn - t
            if old is None:
                dd = den
            else:
                r = (t - tfn(s[i - 1])) / h
                dd = (1 + 1 / (2 * r)) * den - (1 / (2 * r)) * old
            x = (sfn(tn) / sfn(t)) * x - math.expm1(-h) * dd
        old = den
    return x


def dpmpp_2m_sde(x, s, ns, eta=1.0):
    old, h_last = None, None
    for i in range(len(s) - 1):
        den = denoiser(x, s[i])
        if s[i + 1] == 0:
            x = den
        else:
            t, sn = -math.log(s[i]), -math.log(s[i + 1])
            h = sn - t
            eh = eta * h
            x = s[i + 1] / s[i] * math.exp(-eh) * x + (-math.expm1(-h - eh)) * den
            if old is not None:
                r = h_last / h
                x = x + 0.5 * (-math.expm1(-h - eh)) * (1 / r) * (den - old)
            x = x + ns() * s[i + 1] * math.sqrt(-math.expm1(-2 * eh))
            h_last = h
        old = den
    return x


def ddim_like(x, ts, plms):
    a = [alphas_cumprod[t].item() for t in ts]
    a_prev = [alphas_cumprod[0].item()] + [alphas_cumprod[t].item() for t in ts[:-1]]
    old = []

    def step(x, e, idx):
        x0 = (x - math.sqrt(1 - a[idx]) * e) / math.sqrt(a[idx])
        return math.sqrt(a_prev[idx]) * x0 + math.sqrt(1 - a_prev[idx]) * e

    for i in range(len(ts) - 1):
        idx = len(ts) - 1 - i
        e = eps_model(x, float(ts[idx]))
        if not plms:
            x = step(x, e, idx)
            continue
        if len(old) == 0:
            e_next = eps_model(step(x, e, idx), float(ts[max(idx - 1, 0)]))
            ep = (e + e_next) / 2
        elif len(old) == 1:
            ep = (3 * e - old[-1]) / 2
        elif len(old) == 2:
            ep = (23 * e - 16 * old[-1] + 5 * old[-2]) / 12
        else:
            ep = (55 * e - 59 * old[-1] + 37 * old[-2] - 9 * old[-3]) / 24
        x = step(x, ep, idx)
        old.append(e)
        if len(old) >= 4:
            old.pop(0)
    return x


# ---------------------------------------------------------------- UniPC (A1111 defaults: bh1, order 3)
LOG_ALPHA = 0.5 * torch.log(alphas_cumprod)
T_ARRAY = torch.tensor([(i + 1) / 1000.0 for i in range(1000)], dtype=torch.float64)


def log_alpha_at(t):
    k = int(torch.searchsorted(T_ARRAY, torch.tensor(t, dtype=torch.float64)).item()) - 1
    k = min(max(k, 0), 998)
    x0, x1, y0, y1 = T_ARRAY[k].item(), T_ARRAY[k + 1].item(), LOG_ALPHA[k].item(), LOG_ALPHA[k + 1].item()
    return y0 + (t - x0) * (y1 - y0) / (x1 - x0)


def std_at(t):
    return math.sqrt(1 - math.exp(2 * log_alpha_at(t)))


def lambda_at(t):
    la = log_alpha_at(t)
    return la - 0.5 * math.log(1 - math.exp(2 * la))


def x0_pred(x, t):
    eps = eps_model(x, (t - 1 / 1000) * 1000)
    return (x - std_at(t) * eps) / math.exp(log_alpha_at(t))


def unipc_update(x, models, times, t, order, corrector):
    import numpy as np
    l0 = lambda_at(times[-1])
    h = lambda_at(t) - l0
    m0 = models[-1]
    rks, d1s = [], []
    for i in range(1, order):
        rk = (lambda_at(times[-(i + 1)]) - l0) / h
        rks.append(rk)
        d1s.append((models[-(i + 1)] - m0) / rk)
    rks.append(1.0)
    hh = -h
    h_phi_1 = math.expm1(hh)
    h_phi_k = h_phi_1 / hh - 1
    fact = 1
    R, b = [], []
    for i in range(1, order + 1):
        R.append([rk ** (i - 1) for rk in rks])
        b.append(h_phi_k * fact / hh)
        fact *= i + 1
        h_phi_k = h_phi_k / hh - 1 / fact
    R, b = np.array(R), np.array(b)
    alpha_t = math.exp(log_alpha_at(t))
    x_base = std_at(t) / std_at(times[-1]) * x - alpha_t * h_phi_1 * m0
    x_t = x_base
    if d1s:
        rhos_p = [0.5] if order == 2 else np.linalg.solve(R[:-1, :-1], b[:-1])
        x_t = x_base - alpha_t * hh * sum(float(r) * d for r, d in zip(rhos_p, d1s))
    model_t = None
    if corrector:
        rhos_c = [0.5] if order == 1 else np.linalg.solve(R, b)
        model_t = x0_pred(x_t, t)
        corr = sum(float(r) * d for r, d in zip(rhos_c[:-1], d1s)) if d1s else 0
        x_t = x_base - alpha_t * hh * (corr + float(rhos_c[-1]) * (model_t - m0))
    return x_t, model_t


def unipc(x, n, t_start, order=3):
    order = min(order, n)
    ts = torch.linspace(t_start, 1 / 1000, n + 1, dtype=torch.float64).tolist()
    models, times = [x0_pred(x, ts[0])], [ts[0]]
    for init_order in range(1, order):
        x, m = unipc_update(x, models, times, ts[init_order], init_order, True)
        models.append(m)
        times.append(ts[init_order])
    for step in range(order, n + 1):
        x, m = unipc_update(x, models, times, ts[step], min(order, n + 1 - step), step != n)
        models, times = models[1:] + [models[-1]], times[1:] + [ts[step]]
        if step < n:
            models[-1] = m
    return x


K_SAMPLERS = {
    "Euler": (euler, "normal", False),
    "Euler a": (euler_a, "normal", False),
    "LMS": (lms, "normal", False),
    "LMS Karras": (lms, "karras", False),
    "Heun": (heun, "normal", False),
    "DPM2": (dpm2, "normal", True),
    "DPM2 Karras": (dpm2, "karras", True),
    "DPM2 a": (dpm2_a, "normal", True),
    "DPM2 a Karras": (dpm2_a, "karras", True),
    "DPM++ 2S a": (dpmpp_2s_a, "normal", False),
    "DPM++ 2S a Karras": (dpmpp_2s_a, "karras", False),
    "DPM++ 2M": (dpmpp_2m, "normal", False),
    "DPM++ 2M Karras": (dpmpp_2m, "karras", False),
    "DPM++ SDE": (dpmpp_sde, "normal", False),
    "DPM++ SDE Karras": (dpmpp_sde, "karras", False),
    "DPM++ 2M SDE": (dpmpp_2m_sde, "normal", False),
    "DPM++ 2M SDE Karras": (dpmpp_2m_sde, "karras", False),
}


def k_sigmas(kind, steps, discard):
    n = steps + 1 if discard else steps
    s = normal_sigmas(n) if kind == "normal" else karras_sigmas(n)
    if discard:
        s = torch.cat([s[:-2], s[-1:]])
    return [v.item() for v in s]


def run_k(name, img2img):
    fn, kind, discard = K_SAMPLERS[name]
    steps = IMG2IMG_STEPS if img2img else STEPS
    s = k_sigmas(kind, steps, discard)
    if img2img:
        t_enc = int(min(STRENGTH, 0.999) * steps)
        s = s[steps - t_enc - 1:]
        x = INIT_LATENT + INITIAL_NOISE * s[0]
    else:
        x = INITIAL_NOISE * s[0]
    return s, fn(x, s, Pool())


def run_t(name, img2img):
    steps = IMG2IMG_STEPS if img2img else STEPS
    ts = ddim_timesteps(steps)
    if img2img:
        t_enc = int(min(STRENGTH, 0.999) * steps)
        a = alphas_cumprod[ts[t_enc]].item()
        x = INIT_LATENT * math.sqrt(a) + INITIAL_NOISE * math.sqrt(1 - a)
        ts = ts[:t_enc]
    else:
        x = INITIAL_NOISE.clone()
    if name == "UniPC":
        return ts, unipc(x, len(ts), ts[-1] / 1000 + 1 / 1000 if img2img else 1.0)
    return ts, ddim_like(x, ts, name == "PLMS")


def as_list(t):
    return [float(v) for v in t]


out = {
    "command": "/usr/bin/python3 make_sampler_fixtures.py > sampler_fixtures.json",
    "torch": torch.__version__,
    "dim": DIM,
    "steps": STEPS,
    "img2imgSteps": IMG2IMG_STEPS,
    "strength": STRENGTH,
    "mu": as_list(MU),
    "var": as_list(VAR),
    "initialNoise": as_list(INITIAL_NOISE),
    "initLatent": as_list(INIT_LATENT),
    "noisePool": [as_list(r) for r in POOL],
    "schedule": {
        "sigmaMin": SIGMA_MIN,
        "sigmaMax": SIGMA_MAX,
        "alphasCumprodAt": {str(t): alphas_cumprod[t].item() for t in (0, 1, 250, 500, 999)},
        "sigmaToT": {repr(s): sigma_to_t(s) for s in (0.01, 0.0292, 0.1, 0.5, 1.0, 3.3, 14.0, 14.6146, 20.0)},
        "normal20": as_list(normal_sigmas(20)),
        "karras20": as_list(karras_sigmas(20)),
        "exponential20": as_list(exponential_sigmas(20)),
        "ddimTimesteps20": ddim_timesteps(20),
        "ddimTimesteps30": ddim_timesteps(30),
    },
    "runs": [],
}
for name in list(K_SAMPLERS) + ["DDIM", "PLMS", "UniPC"]:
    for img2img in (False, True):
        sched, x = run_t(name, img2img) if name in ("DDIM", "PLMS", "UniPC") else run_k(name, img2img)
        out["runs"].append({"sampler": name, "img2img": img2img, "schedule": as_list(sched), "final": as_list(x)})
print(json.dumps(out, indent=1))
