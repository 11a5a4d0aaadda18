#!/usr/bin/python3
"""bench/train's reference: the retrieval stage of `fashionrec train` written with PyTorch.

The same model (customer and article towers: fused categorical embeddings, hashed customer
id, time-weighted history pooling, Linear-LayerNorm-ReLU MLPs, L2-normalised outputs), the
same loss (in-batch softmax with temperature, logQ correction, accidental hits masked), the
same optimisers (AdamW for dense weights, SparseAdam for the embedding tables, gradient
clipping, warmup + cosine learning rate), the same batch size, on the same examples in the
same order: the inputs `fashionrec train --dump-inputs DIR` wrote.

Usage: torch_train.py DIR THREADS  -> prints "examples/s N" for one pass (loading excluded).
"""
import json
import math
import sys
import time

import numpy as np
import torch
from torch import nn
import torch.nn.functional as F


def load(d, name, dtype, cols=None):
    a = np.fromfile(f"{d}/{name}", dtype)
    return torch.from_numpy(a.reshape(-1, cols) if cols else a)


class Mlp(nn.Module):
    def __init__(self, i, h, o):
        super().__init__()
        self.net = nn.Sequential(nn.Linear(i, h), nn.LayerNorm(h), nn.ReLU(), nn.Linear(h, h), nn.LayerNorm(h),
                                 nn.ReLU(), nn.Linear(h, o))

    def forward(self, x):
        return self.net(x)


class Fused(nn.Module):
    def __init__(self, card, dim):
        super().__init__()
        self.table = nn.Embedding(max(1, sum(card)), dim, sparse=True)
        self.register_buffer("offsets", torch.tensor(np.cumsum([0] + card[:-1]), dtype=torch.long))
        self.k, self.dim = len(card), dim

    def forward(self, idx):
        return self.table(idx + self.offsets.unsqueeze(0)).view(idx.shape[0], self.k * self.dim)


class CustomerTower(nn.Module):
    def __init__(self, s):
        super().__init__()
        self.buckets = s["id_buckets"]
        self.index = Fused(s["customer_cardinality"] + [self.buckets], s["index_dim"])
        self.hist = nn.Embedding(s["n_articles"] + 1, s["index_dim"], sparse=True)
        k = len(s["customer_cardinality"]) + 1
        self.mlp = Mlp(s["customer_dense"] + k * s["index_dim"] + s["index_dim"], s["hidden"], s["dim"])

    def forward(self, x, idx, cid, hist, hw):
        idx = torch.cat([idx, (cid % self.buckets).unsqueeze(1)], 1)
        w = hw * (hist >= 0).float()
        pooled = (self.hist(hist + 1) * w.unsqueeze(2)).sum(1) / w.sum(1, keepdim=True).clamp_min(1e-6)
        return F.normalize(self.mlp(torch.cat([x, self.index(idx), pooled], 1)), dim=1)


class ArticleTower(nn.Module):
    def __init__(self, s):
        super().__init__()
        self.index = Fused(s["article_cardinality"], s["index_dim"])
        self.mlp = Mlp(s["article_dense"] + len(s["article_cardinality"]) * s["index_dim"], s["hidden"], s["dim"])

    def forward(self, x, idx):
        return F.normalize(self.mlp(torch.cat([x, self.index(idx)], 1)), dim=1)


def main():
    d, threads = sys.argv[1], int(sys.argv[2])
    torch.set_num_threads(threads)
    torch.manual_seed(42)
    meta = json.load(open(f"{d}/meta.json"))
    s, c = meta["shape"], meta["train"]
    nc, na = meta["customers"], meta["articles"]
    cust_x = load(d, "cust_x.f32", np.float32).reshape(nc, -1)
    cust_idx = load(d, "cust_idx.i32", np.int32).reshape(nc, -1).long()
    art_x = load(d, "art_x.f32", np.float32).reshape(na, -1)
    art_idx = load(d, "art_idx.i32", np.int32).reshape(na, -1).long()
    ex_c = load(d, "ex_customer.i32", np.int32).long()
    ex_a = load(d, "ex_article.i32", np.int32).long()
    n = ex_c.shape[0]
    hist = load(d, "ex_hist.i64", np.int64).reshape(n, -1)
    hw = load(d, "ex_hist_w.f32", np.float32).reshape(n, -1)
    dyn = load(d, "ex_art_dyn.f32", np.float32).reshape(n, -1)
    log_q = load(d, "log_q.f32", np.float32)

    ct, at = CustomerTower(s), ArticleTower(s)
    sparse = [ct.index.table.weight, ct.hist.weight, at.index.table.weight]
    dense = [p for m in (ct, at) for p in m.parameters() if all(p is not q for q in sparse)]
    opt_d = torch.optim.AdamW(dense, lr=c["lr"], weight_decay=c["weight_decay"])
    opt_s = torch.optim.SparseAdam(sparse, lr=c["lr"])
    B, tau = c["batch_size"], c["temperature"]
    steps = (n + B - 1) // B

    def lr_at(step):
        warm = min(1.0, (step + 1) / c["warmup_steps"]) if c["warmup_steps"] > 0 else 1.0
        t = min(1.0, max(0.0, (step - c["warmup_steps"]) / max(1, steps - c["warmup_steps"])))
        return c["lr"] * warm * (0.05 + 0.95 * 0.5 * (1 + math.cos(math.pi * t)))

    t0 = time.perf_counter()
    total = 0.0
    for step in range(steps):
        sl = slice(step * B, min(n, (step + 1) * B))
        cs, as_ = ex_c[sl], ex_a[sl]
        for g in opt_d.param_groups + opt_s.param_groups:
            g["lr"] = lr_at(step)
        opt_d.zero_grad()
        opt_s.zero_grad()
        q = ct(cust_x[cs], cust_idx[cs], cs, hist[sl], hw[sl])
        a = at(torch.cat([art_x[as_], dyn[sl]], 1), art_idx[as_])
        logits = (q / tau) @ a.t() - log_q[as_].unsqueeze(0)
        same = as_.unsqueeze(1) == as_.unsqueeze(0)
        same.fill_diagonal_(False)
        logits = logits.masked_fill(same, float("-inf"))
        loss = F.cross_entropy(logits, torch.arange(q.shape[0]))
        loss.backward()
        if c["clip_norm"] > 0:
            torch.nn.utils.clip_grad_norm_(dense, c["clip_norm"])
        opt_d.step()
        opt_s.step()
        total += loss.item()
    secs = time.perf_counter() - t0
    print(f"pytorch {torch.__version__}: {n} examples in {secs:.2f} s, mean loss {total / steps:.4f}")
    print(f"examples/s {n / secs:.1f}")


if __name__ == "__main__":
    main()
