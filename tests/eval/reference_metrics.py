#!/usr/bin/env python3
"""Reference implementation of fashionrec's ranking metrics, standard library only.

Reads a JSON file {"ks": [...], "n_articles": N, "customers": [{"ranked": [...], "truth": [...]}, ...]}
and prints the mean metrics as JSON with the names of src/eval/metric_table.h:
precision@K, recall@K, ndcg@K, hitrate@K, coverage@K, map@12, map@12_se, customers.
Written independently of the C++ code (from the metric definitions: binary relevance, the
H&M competition's MAP@12) so that the test suite can cross-check the two on random data.
"""
import json
import math
import sys


def precision(ranked, truth, k):
    return sum(1 for a in ranked[:k] if a in truth) / k


def recall(ranked, truth, k):
    return sum(1 for a in ranked[:k] if a in truth) / len(truth) if truth else 0.0


def ndcg(ranked, truth, k):
    if not truth:
        return 0.0
    dcg = sum(1 / math.log2(i + 2) for i, a in enumerate(ranked[:k]) if a in truth)
    ideal = sum(1 / math.log2(i + 2) for i in range(min(k, len(truth))))
    return dcg / ideal


def apk(ranked, truth, k=12):
    # The H&M competition's definition (ml_metrics.apk): precision at each hit, over min(k, |truth|).
    if not truth:
        return 0.0
    score, hits = 0.0, 0
    for i, a in enumerate(ranked[:k]):
        if a in truth and a not in ranked[:i]:
            hits += 1
            score += hits / (i + 1)
    return score / min(len(truth), k)


def main():
    data = json.load(open(sys.argv[1]))
    ks, n_articles, customers = data["ks"], data["n_articles"], data["customers"]
    out = {}
    n = len(customers)
    for k in ks:
        out[f"precision@{k}"] = sum(precision(c["ranked"], set(c["truth"]), k) for c in customers) / n
        out[f"recall@{k}"] = sum(recall(c["ranked"], set(c["truth"]), k) for c in customers) / n
        out[f"ndcg@{k}"] = sum(ndcg(c["ranked"], set(c["truth"]), k) for c in customers) / n
        out[f"hitrate@{k}"] = sum(1.0 for c in customers if set(c["ranked"][:k]) & set(c["truth"])) / n
        seen = set()
        for c in customers:
            seen.update(c["ranked"][:k])
        out[f"coverage@{k}"] = len(seen) / n_articles
    aps = [apk(c["ranked"], set(c["truth"])) for c in customers]
    out["map@12"] = sum(aps) / n
    # The standard error of the mean AP@12 (sample variance over the customers).
    mean = out["map@12"]
    out["map@12_se"] = (sum((a - mean) ** 2 for a in aps) / (n - 1) / n) ** 0.5 if n > 1 else 0.0
    out["customers"] = n
    json.dump(out, sys.stdout, indent=1)


if __name__ == "__main__":
    main()
