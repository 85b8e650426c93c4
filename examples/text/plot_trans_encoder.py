"""
===============================================================
Unsupervised sentence-pair scoring with Trans-Encoder
===============================================================

You have sentence pairs from your own domain (here: a handful of support
tickets) and no similarity labels, apart from rough judgements of a few of them.
:class:`~sklearn_iclr.text.TransEncoder`
starts from a pretrained sentence encoder and trains, in turn, a cross-encoder
on the bi-encoder's similarity scores and the bi-encoder on the
cross-encoder's scores (Liu et al., ICLR 2022). Afterwards you can score pairs
with either model: the bi-encoder embeds each sentence once (fast, good for
search), the cross-encoder reads both sentences together (slower per pair).

The starting model is the packaged all-MiniLM-L6-v2, so this example needs no
download. With ``SKLEARN_ICLR_FAST=1`` it trains for fewer steps.
"""

# %%
# Unlabelled pairs of the user's domain
# -------------------------------------
# Support tickets, paired with possible duplicates, with rough similarity
# judgements (0 = unrelated, 5 = same request). Training never sees the
# judgements; they only choose which model to keep.
import os

import matplotlib.pyplot as plt
import numpy as np

from sklearn_iclr.text import TransEncoder

FAST = os.environ.get("SKLEARN_ICLR_FAST") == "1"

tickets = [
    ("I cannot log in to my account.", "Login fails with my password.", 4.5),
    ("How do I reset my password?", "I forgot my password, what now?", 4.6),
    ("The app crashes when I open it.", "The application closes on start-up.", 4.4),
    ("Please cancel my subscription.", "I want to stop my monthly plan.", 4.7),
    ("My invoice shows the wrong amount.", "I was charged twice this month.", 2.8),
    ("The parcel has not arrived yet.", "Where is my delivery?", 4.0),
    (
        "Can I change my delivery address?",
        "I moved and need to update my address.",
        3.6,
    ),
    ("The screen stays black.", "The display shows nothing.", 4.3),
    ("How do I export my data?", "Can I download all my files?", 3.5),
    ("The app crashes when I open it.", "How do I export my data?", 0.3),
    ("I cannot log in to my account.", "The parcel has not arrived yet.", 0.0),
    ("Please cancel my subscription.", "The screen stays black.", 0.0),
    ("My invoice shows the wrong amount.", "Can I change my delivery address?", 0.6),
    ("How do I reset my password?", "Where is my delivery?", 0.0),
    ("The display shows nothing.", "I want to stop my monthly plan.", 0.0),
    ("Login fails with my password.", "How do I reset my password?", 3.2),
]
pairs = [(a, b) for a, b, _ in tickets]
judged = np.array([s for _, _, s in tickets])

# %%
# Trans-encode, with the judgements as dev pairs
# ----------------------------------------------
# One bi -> cross -> bi cycle (the default is 3), with small batches for 16
# pairs. On so few pairs the cross-encoder trains for more epochs than
# ``cross_epochs``: its untrained head gets at least 150 optimisation steps.
#
# The rough judgements serve as *dev pairs*: they choose which model to keep.
# The starting model is a candidate too, so when the trained models do not
# beat it on the judgements, ``fit`` keeps it and says so with a warning
# (``best_cycle_["bi"] == 0``). Here the trained cross-encoder orders the
# tickets better than the starting model; the printout shows which model
# ``predict`` uses and whether ``transform`` kept the starting bi-encoder.
import warnings

model = TransEncoder(
    n_cycles=1,
    cross_batch_size=8,
    cross_max_length=48,
    bi_epochs=1 if FAST else 2,
    bi_batch_size=8,
    random_state=0,
)
with warnings.catch_warnings(record=True) as caught:
    warnings.simplefilter("always", UserWarning)
    model.fit(pairs, dev_pairs=pairs, dev_scores=judged)
for warning in caught:
    print("warning:", warning.message)

start, cycle1 = model.history_[0], model.history_[1]
print("Spearman vs judgements (the dev pairs):")
print(f"  starting model          {start['bi_dev']:.2f}")
print(f"  trained bi-encoder      {cycle1['bi_dev']:.2f}")
print(f"  trained cross-encoder   {cycle1['cross_dev']:.2f}")
print(
    f"  kept by fit             {model.score(pairs, judged):.2f} "
    f"(predict uses the {model.predict_with_}-encoder of cycle "
    f"{model.best_cycle_[model.predict_with_]}; cycle 0 is the start)"
)

bi_scores = model.set_params(predict_with="bi").predict(pairs)  # cosine, [-1, 1]
cross_scores = model.set_params(predict_with="cross").predict(pairs)  # [0, 1]
model.set_params(predict_with="auto")

# %%
# Bi- vs cross-encoder scores
# ---------------------------
# Each kept model against the rough judgements. The bi-encoder's embeddings
# can also be reused for search with ``transform``.
fig, axes = plt.subplots(1, 2, figsize=(9, 3.5), sharex=True)
for ax, scores, name in [
    (axes[0], bi_scores, f"bi-encoder (cycle {model.best_cycle_['bi']})"),
    (axes[1], cross_scores, f"cross-encoder (cycle {model.best_cycle_['cross']})"),
]:
    ax.scatter(judged, scores, c=judged, cmap="viridis")
    ax.set_xlabel("rough human judgement")
    ax.set_title(name)
axes[0].set_ylabel("model score")
fig.tight_layout()

# %%
# Embeddings for search
# ---------------------
# ``transform`` returns the trans-encoded bi-encoder's embeddings: embed a new
# ticket once and compare it with the known ones.
known = sorted({a for a, _ in pairs})
query = "I am unable to sign in."
emb = model.transform(known + [query])
sims = emb[:-1] @ emb[-1] / (np.linalg.norm(emb[:-1], axis=1) * np.linalg.norm(emb[-1]))
print(f"Closest known ticket to {query!r}: {known[int(np.argmax(sims))]!r}")
