"""Trans-Encoder on the STS Benchmark: Spearman x 100 per cycle, learning rate, speed.

Protocol (Liu et al., ICLR 2022, transductive setting): the unlabelled pairs are
STS-B pairs (train + dev + test) with their labels dropped; the dev labels only
select the kept models (the starting bi-encoder is a candidate, see
``TransEncoder``); Spearman x 100 on STS-B test is reported for the starting
model and for the trans-encoded bi- and cross-encoder after each cycle, for
self-distillation, ``symmetric_cross=True`` and mutual distillation.

Tables:

- ``trans_encoder_stsb``: STS-B dev and test Spearman x 100 per setting, model
  and cycle, the start and the models ``fit`` kept;
- ``trans_encoder_cross_lr``: one bi -> cross -> bi cycle per cross-encoder
  learning rate (what chose the default ``cross_lr``);
- ``trans_encoder_throughput``: ``TransEncoder.transform`` against calling
  sentence-transformers' ``encode`` on the same model (ratio of sentences/s).

Usage::

    python benchmarks/trans_encoder.py --preset quick   # minutes, make bench
    python benchmarks/trans_encoder.py --preset paper   # all pairs, 3 cycles
    python benchmarks/trans_encoder.py --preset paper --seeds 0   # one part
"""

import os
import sys
import time
import warnings
from pathlib import Path

import numpy as np

sys.path.insert(0, str(Path(__file__).resolve().parent))
os.environ.setdefault("HF_HUB_OFFLINE", "1")
os.environ.setdefault("TRANSFORMERS_OFFLINE", "1")

from _harness import Table, data_home, main  # noqa: E402

PRESETS = {
    "quick": {
        "description": "400 unlabelled STS-B pairs (the small-input case), "
        "1 cycle, 300 dev pairs, one seed; no cross_lr table",
        "seeds": [0],
        "n_pairs": 400,
        "n_dev": 300,
        "n_cycles": 1,
        "settings": ["self-distillation", "symmetric cross", "mutual distillation"],
        "cross_lrs": [5e-5],
        "throughput_sentences": 256,
        "throughput_repeats": 3,
        "tables": ["trans_encoder_stsb", "trans_encoder_throughput"],
    },
    "paper": {
        "description": "all 8,628 STS-B pairs, 3 cycles, the 1,500 dev pairs, "
        "three seeds (the paper's protocol, with the packaged MiniLM)",
        "seeds": [0, 1, 2],
        "n_pairs": None,
        "n_dev": None,
        "n_cycles": 3,
        "settings": [
            "self-distillation",
            "symmetric cross",
            "mutual distillation",
            "self-distillation, 400 pairs",
        ],
        "cross_lrs": [2e-5, 5e-5, 1e-4],
        "throughput_sentences": None,
        "throughput_repeats": 5,
        "tables": [
            "trans_encoder_stsb",
            "trans_encoder_cross_lr",
            "trans_encoder_throughput",
        ],
    },
}

#: TransEncoder parameters of each setting of the STS-B table.
SETTINGS = {
    "self-distillation": {},
    "symmetric cross": {"symmetric_cross": True},
    # The paper pairs two different models; the packaged MiniLM is the only
    # model available offline, so the second encoder is another copy of it,
    # trained with its own seeds.
    "mutual distillation": {"mutual_bi_encoder": "default"},
    # Small data: 400 unlabelled pairs and the defaults, where a cross-encoder
    # trained for the default 3 epochs alone (39 steps) stayed near chance.
    "self-distillation, 400 pairs": {"n_pairs": 400},
}

NOTES = (
    "Unlabelled pairs: STS-B train + dev + test with labels dropped (a uniform "
    "random subset when the preset says n_pairs); kept models chosen on STS-B "
    "dev (the starting bi-encoder is a candidate, so 'kept' never scores below "
    "the start on dev); test = all 1,379 STS-B test pairs. The starting model is "
    "the packaged all-MiniLM-L6-v2, already trained with supervision on sentence "
    "pairs; the paper's +4-point gains start from unsupervised SimCSE BERT and "
    "RoBERTa models (not available offline), so its figures are not comparable "
    "and are not repeated here. 'start' rows are the starting model at its own "
    "256 tokens and at the bi-encoder's 32 tokens. Mutual distillation pairs two "
    "copies of the same model that differ only in their seeds."
)


def load_sts():
    """STS-B, or None (after saying why) when the data is absent."""
    from sklearn_iclr.datasets import load_sts_benchmark

    if data_home() is None:
        print("STS-B not found: set SKLEARN_ICLR_DATA (see ../shared/data/README.md)")
        return None
    return load_sts_benchmark(download_if_missing=False)


def spearman100(pred, gold):
    from scipy.stats import spearmanr

    return 100.0 * float(spearmanr(pred, gold).statistic)


def _data(sts, config, seed):
    """(unlabelled pairs, dev pairs, dev scores) of one seed."""
    pairs = np.concatenate([sts.train.pairs, sts.dev.pairs, sts.test.pairs])
    # A random order, so that the first n pairs are a uniform subset.
    pairs = pairs[np.random.RandomState(seed).permutation(len(pairs))]
    pairs = pairs[: config["n_pairs"]]
    n_dev = config["n_dev"] or len(sts.dev.pairs)
    return pairs, sts.dev.pairs[:n_dev], sts.dev.scores[:n_dev]


def _start_rows(sts, dev, dev_y, seed):
    from sentence_transformers import SentenceTransformer

    from sklearn_iclr.text import TransEncoder, default_model_path

    model = SentenceTransformer(default_model_path(), device="cpu")
    scorer = TransEncoder()
    scorer.device_ = "cpu"
    rows = []
    for max_length in (model.max_seq_length, TransEncoder().bi_max_length):
        model.max_seq_length = max_length
        rows.append(
            {
                "setting": "start",
                "model": f"start ({max_length} tokens)",
                "cycle": "0",
                "seed": seed,
                "dev_spearman": spearman100(
                    scorer._bi_scores(model, dev[:, 0], dev[:, 1]), dev_y
                ),
                "test_spearman": spearman100(
                    scorer._bi_scores(model, *sts.test.pairs.T), sts.test.scores
                ),
            }
        )
    return rows


def run_setting(setting, params, sts, data, seed, n_cycles):
    """Fit one TransEncoder; rows per cycle and model, and the kept model's row."""
    from sklearn_iclr.text import TransEncoder, default_model_path

    unlabelled, dev, dev_y = data
    test, gold = sts.test.pairs, sts.test.scores
    params = dict(params)
    n_pairs = params.pop("n_pairs", None)
    if n_pairs is not None and n_pairs < len(unlabelled):
        unlabelled = unlabelled[:n_pairs]  # a uniform subset: _data shuffled them
    if params.get("mutual_bi_encoder") == "default":
        params["mutual_bi_encoder"] = default_model_path()
    rows = []
    clock = [time.perf_counter()]

    def on_cycle(cycle, bi, cross):
        seconds = time.perf_counter() - clock[0]
        for model, scores in (
            ("bi-encoder", est._bi_scores(bi, *test.T)),
            ("cross-encoder", est._cross_scores(cross, *test.T)),
        ):
            rows.append(
                {
                    "setting": setting,
                    "model": model,
                    "cycle": str(cycle),
                    "seed": seed,
                    "test_spearman": spearman100(scores, gold),
                    "cycle_seconds": seconds,
                }
            )
        print(f"  {setting}, seed {seed}, cycle {cycle}: {rows[-2:]}", flush=True)
        clock[0] = time.perf_counter()

    est = TransEncoder(
        n_cycles=n_cycles, random_state=seed, callback=on_cycle, **params
    )
    t0 = time.perf_counter()
    with warnings.catch_warnings(record=True) as caught:
        warnings.simplefilter("always", UserWarning)
        est.fit(unlabelled, dev_pairs=dev, dev_scores=dev_y)
    fit_seconds = time.perf_counter() - t0
    for row in rows:  # dev scores as fit measured them
        entry = est.history_[int(row["cycle"])]
        row["dev_spearman"] = 100 * entry[row["model"].split("-")[0] + "_dev"]
    kind = est.predict_with_
    kept = est.best_cycle_[kind]
    rows.append(
        {
            "setting": setting,
            "model": "kept by fit (predict)",
            "cycle": "selected",
            "seed": seed,
            "test_spearman": 100 * est.score(test, gold),
            "dev_spearman": 100
            * (
                est.history_[kept][f"{kind}_dev"] if kept else est.history_[0]["bi_dev"]
            ),
            "kept": "starting bi-encoder"
            if kept == 0
            else f"{kind}-encoder cycle {kept}",
            "fit_seconds": fit_seconds,
            "fell_back_to_start": bool(kept == 0),
            "warnings": [str(w.message) for w in caught],
        }
    )
    print(f"  {setting}, seed {seed}: kept {rows[-1]['kept']}", flush=True)
    return rows


def stsb(config):
    """STS-B Spearman x 100 per setting, model and cycle (paper's Table 1 setting)."""
    sts = load_sts()
    if sts is None:
        return None
    rows = []
    for seed in config["seeds"]:
        data = _data(sts, config, seed)
        rows += _start_rows(sts, data[1], data[2], seed)
        for setting in config["settings"]:
            rows += run_setting(
                setting, SETTINGS[setting], sts, data, seed, config["n_cycles"]
            )
    return Table(
        rows,
        by=("setting", "model", "cycle"),
        metrics=("test_spearman", "dev_spearman"),
        title="Trans-Encoder on STS-B: Spearman x 100 (all-MiniLM-L6-v2 start)",
        notes=NOTES,
    )


def cross_lr(config):
    """One bi -> cross -> bi cycle per cross-encoder learning rate."""
    sts = load_sts()
    if sts is None:
        return None
    rows = []
    for seed in config["seeds"]:
        data = _data(sts, config, seed)
        for lr in config["cross_lrs"]:
            for row in run_setting(
                f"cross_lr={lr:g}", {"cross_lr": lr}, sts, data, seed, 1
            ):
                rows.append(row)
    return Table(
        rows,
        by=("setting", "model", "cycle"),
        metrics=("dev_spearman", "test_spearman"),
        title="Trans-Encoder: cross-encoder learning rate, one cycle on STS-B",
        notes="The dev column chose the default cross_lr. " + NOTES,
    )


def _encoders(est, model, sentences):
    """(name, function) of the two ways to encode ``sentences``."""
    return (
        ("TransEncoder.transform", lambda: est.transform(sentences)),
        (
            "SentenceTransformer.encode",
            lambda: model.encode(
                sentences,
                batch_size=est.batch_size,
                convert_to_numpy=True,
                show_progress_bar=False,
            ),
        ),
    )


def throughput(config):
    """Sentences/s of ``transform`` against ``encode`` on the same model."""
    sts = load_sts()
    if sts is None:
        return None
    from sklearn_iclr.text import TransEncoder

    sentences = list(dict.fromkeys(sts.test.pairs.ravel().tolist()))
    if config["throughput_sentences"]:
        sentences = sentences[: config["throughput_sentences"]]
    rows = []
    for seed in config["seeds"]:
        tiny = list(zip(sentences[:16], sentences[16:32]))
        # Any fitted estimator will do: a short fit with small batches.
        est = TransEncoder(
            n_cycles=1,
            cross_batch_size=8,
            cross_max_length=16,
            bi_batch_size=8,
            random_state=seed,
        ).fit(tiny)
        model = est.bi_encoder_
        model.encode(sentences[:64], batch_size=est.batch_size)  # warm-up
        for repeat in range(config["throughput_repeats"]):
            # Interleaved, so that load changes hit both alike.
            speeds = {}
            for method, encode in _encoders(est, model, sentences):
                t0, c0 = time.perf_counter(), time.process_time()
                encode()
                speeds[method] = (
                    len(sentences) / (time.perf_counter() - t0),
                    len(sentences) / (time.process_time() - c0),
                )
                rows.append(
                    {
                        "method": method,
                        "seed": seed,
                        "repeat": repeat,
                        "sentences_per_s": speeds[method][0],
                        "sentences_per_cpu_s": speeds[method][1],
                    }
                )
            ours, theirs = (
                speeds["TransEncoder.transform"],
                speeds["SentenceTransformer.encode"],
            )
            rows.append(
                {
                    "method": "ratio transform / encode",
                    "seed": seed,
                    "repeat": repeat,
                    "sentences_per_s": ours[0] / theirs[0],
                    "sentences_per_cpu_s": ours[1] / theirs[1],
                }
            )
    return Table(
        rows,
        by=("method",),
        metrics=("sentences_per_s", "sentences_per_cpu_s"),
        title="Encoding throughput: TransEncoder.transform vs encode",
        notes=(
            f"{len(sentences)} distinct STS-B test sentences, batch "
            f"{est.batch_size}, {est.bi_max_length} tokens, interleaved repeats; "
            "the ratio rows are what to read (1.0 = no overhead), absolute "
            "speeds depend on the machine's load."
        ),
    )


TABLES = {
    "trans_encoder_stsb": stsb,
    "trans_encoder_cross_lr": cross_lr,
    "trans_encoder_throughput": throughput,
}

if __name__ == "__main__":
    raise SystemExit(main(__doc__, PRESETS, TABLES))
