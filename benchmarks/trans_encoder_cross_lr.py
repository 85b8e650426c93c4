"""Trans-Encoder: the cross-encoder learning rate, chosen on STS-B dev.

One bi -> cross step of the full protocol (all STS-B pairs, the starting
model's cosine pseudo-labels at 32 tokens, a fresh cross-encoder trained with
``TransEncoder``'s own loading and training code) for each learning rate, then
the cross -> bi step on the cross-encoder's labels. Reports STS-B dev and
test Spearman x 100; the dev column is what chose ``cross_lr=5e-5``.

Usage::

    python benchmarks/trans_encoder_cross_lr.py                 # 2e-5 5e-5 1e-4
    python benchmarks/trans_encoder_cross_lr.py --lrs 5e-5 --threads 2
"""

import argparse
import os
import sys
import time
from pathlib import Path

import numpy as np

sys.path.insert(0, str(Path(__file__).resolve().parent))
os.environ.setdefault("HF_HUB_OFFLINE", "1")
os.environ.setdefault("TRANSFORMERS_OFFLINE", "1")

from _harness import print_table, save_plot, write_results  # noqa: E402
from trans_encoder import load_sts, spearman100  # noqa: E402


def main(argv=None):
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--lrs", type=float, nargs="+", default=[2e-5, 5e-5, 1e-4])
    parser.add_argument("--cross-epochs", type=float, default=3)
    parser.add_argument(
        "--seed",
        type=int,
        default=1234,
        help="seed of the cross-encoder (the bi-encoder uses seed+1)",
    )
    parser.add_argument("--threads", type=int, default=None)
    parser.add_argument("--name", default="trans_encoder_cross_lr")
    args = parser.parse_args(argv)

    import torch

    if args.threads:
        torch.set_num_threads(args.threads)
    from sklearn_iclr.text import TransEncoder

    sts, pairs = load_sts()
    if sts is None:
        return 1
    a, b = pairs[:, 0], pairs[:, 1]
    n_train, n_dev = len(sts.train.pairs), len(sts.dev.pairs)
    splits = {
        "dev": (slice(n_train, n_train + n_dev), sts.dev.scores),
        "test": (slice(n_train + n_dev, None), sts.test.scores),
    }

    config = {
        "cross_epochs": args.cross_epochs,
        "seed": args.seed,
        "torch_threads": torch.get_num_threads(),
        "n_pairs": len(pairs),
    }
    # The estimator's private steps, so the sweep trains exactly as fit does.
    # The starting model's scores, hence the cross-encoder's labels, do not
    # depend on the rate: computed once.
    est = TransEncoder(cross_epochs=args.cross_epochs)
    est.device_ = "cpu"
    start_scores = est._bi_scores(est._load_bi(None), a, b)
    labels = np.clip(start_scores, 0.0, 1.0)
    rows = []
    for lr in args.lrs:
        est.set_params(cross_lr=lr)
        t0 = time.perf_counter()
        cross = est._train_cross(
            est._load_cross(None, None, args.seed), a, b, labels, args.seed
        )
        cross_seconds = time.perf_counter() - t0
        cross_scores = est._cross_scores(cross, a, b)
        bi = est._train_bi(est._load_bi(None), a, b, cross_scores, args.seed + 1)
        row = {"cross_lr": lr, "cross_seconds": cross_seconds}
        for prefix, scores in (
            ("start", start_scores),
            ("cross", cross_scores),
            ("bi", est._bi_scores(bi, a, b)),
        ):
            for split, (rows_of_split, gold) in splits.items():
                row[f"{prefix}_{split}"] = spearman100(scores[rows_of_split], gold)
        rows.append(row)
        print_table([row], title=f"cross_lr={lr:g}")
        write_results(args.name, {"rows": rows}, config=config)

    print_table(rows, title="STS-B Spearman x 100 after one bi -> cross -> bi step")
    import matplotlib

    matplotlib.use("Agg")
    import matplotlib.pyplot as plt

    fig, ax = plt.subplots(figsize=(5, 3.5))
    for key, marker in (
        ("cross_dev", "s-"),
        ("cross_test", "s--"),
        ("bi_dev", "o-"),
        ("bi_test", "o--"),
    ):
        ax.plot(
            [r["cross_lr"] for r in rows],
            [r[key] for r in rows],
            marker,
            label=key.replace("_", " "),
        )
    ax.set_xscale("log")
    ax.set_xlabel("cross-encoder learning rate")
    ax.set_ylabel("STS-B Spearman x 100")
    ax.legend(fontsize="small")
    save_plot(fig, args.name)
    return 0


if __name__ == "__main__":
    raise SystemExit(main())
