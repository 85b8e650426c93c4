"""
=====================================================
Do trajectory predictors use their neighbours at all?
=====================================================

Makansi et al. ("You Mostly Walk Alone", ICLR 2022) attribute the
*performance* of a trajectory predictor to the agents of a scene with
Shapley values, and found that models trained on ETH/UCY mostly ignore the
other pedestrians. This example reproduces the analysis with
:class:`~sklearn_iclr.explain.ShapleyTrajectoryExplainer`:

1. on synthetic scenes where the target follows a leader, where a model that
   attends over neighbours must use them;
2. on an ETH/UCY scene, when the data set is available.
"""

# %%
# Scenes where the target follows a leader
# ----------------------------------------
# ``make_pedestrian_scenes`` gives scenes of shape ``(n_samples, n_agents,
# t_obs, 2)``: agent 0 is the target, whose future is the path its leader
# (one of the neighbours) walked. The leader turns during the observation
# window, so the target's own past cannot tell where it will go.
import os

import matplotlib.pyplot as plt
import numpy as np

from sklearn_iclr.datasets import make_pedestrian_scenes
from sklearn_iclr.explain import (
    ConstantVelocityPredictor,
    ShapleyTrajectoryExplainer,
    SocialAttentionPredictor,
    average_displacement_error,
    plot_scene_attribution,
)

FAST = os.environ.get("SKLEARN_ICLR_FAST") == "1"
n_train, epochs = (600, 20) if FAST else (2000, 40)

train = make_pedestrian_scenes(n_samples=n_train, random_state=0)
test = make_pedestrian_scenes(n_samples=200, random_state=1)
print("scenes:", train.data.shape, "futures:", train.target.shape)

# %%
# Two models: one that cannot look at neighbours, one that can
# ------------------------------------------------------------
# Both are scikit-learn regressors on 4-D scenes; their ``score`` is minus
# the average displacement error (ADE), so ``GridSearchCV`` works as usual.
models = {
    "constant velocity": ConstantVelocityPredictor(),
    "social attention": SocialAttentionPredictor(
        encoder="mlp", max_epochs=epochs, batch_size=32, random_state=0
    ),
}
alone = test.data.copy()
alone[:, 1:] = np.nan  # remove every neighbour
for name, model in models.items():
    model.fit(train.data, train.target)
    ade = average_displacement_error(test.target, model.predict(test.data)).mean()
    ade_alone = average_displacement_error(test.target, model.predict(alone)).mean()
    print(f"{name:>17}: ADE {ade:.2f} m, without neighbours {ade_alone:.2f} m")

# %%
# Shapley values of the agents
# ----------------------------
# The players are the target's past, each neighbour and a *random agent*
# taken from another scene (a sanity check). The value of a coalition is
# minus the ADE when the other players are removed. With 5 players the
# exact values need 32 coalitions per scene, all evaluated in batched calls.
results = {}
for name, model in models.items():
    explainer = ShapleyTrajectoryExplainer(
        model, include_random_agent=True, random_state=0
    ).fit(train.data)
    results[name] = explainer.explain(test.data, test.target)
    r = results[name]
    print(
        f"{name:>17}: social score {r.social_interaction_score:.2f} vs random "
        f"agent {r.random_agent_score:.2f} (past {r.past_score:.2f})"
    )

# %%
# The leader is the neighbour that matters:
r = results["social attention"]
leader = r.attributions[np.arange(len(test.data)), test.leader_index]
print(
    "leader has the largest neighbour value in",
    f"{np.mean(leader >= r.attributions[:, 1:4].max(axis=1)):.0%} of scenes",
)

fig, axes = plt.subplots(1, 2, figsize=(10, 4))
for ax, (name, res) in zip(axes, results.items()):
    ax.bar(
        ["past", "social (max)", "random agent"],
        [res.past_score, res.social_interaction_score, res.random_agent_score],
    )
    ax.set_title(name)
    ax.set_ylabel("mean Shapley value (m of ADE)")
fig.tight_layout()

# %%
# One scene: arrow widths are the neighbours' attributions
# --------------------------------------------------------
i = 0
model = models["social attention"]
ax = plot_scene_attribution(
    test.data[i],
    r.attributions[i, :-1],
    y=test.target[i],
    y_pred=model.predict(test.data[i : i + 1])[0],
)
ax.set_title(f"leader: neighbour_{test.leader_index[i]}")

# %%
# ETH/UCY: do pedestrians walk alone?
# -----------------------------------
# With the real data set (set ``SKLEARN_ICLR_DATA``), train on the other
# scenes and explain the ``zara1`` test scene. Scenes are cut with
# :func:`~sklearn_iclr.explain.prepare_trajectory_scenes` (8 observed and 12
# predicted steps of 0.4 s, neighbours within 3 m).
from sklearn_iclr.datasets import load_eth_ucy  # noqa: E402
from sklearn_iclr.explain import prepare_trajectory_scenes  # noqa: E402

try:
    data = load_eth_ucy("zara1", download_if_missing=False)
except (FileNotFoundError, OSError) as err:
    print("ETH/UCY not available, skipped:", type(err).__name__)
else:
    tr = prepare_trajectory_scenes(data.train, data.train_file_id, radius=3.0)
    te = prepare_trajectory_scenes(data.test, data.test_file_id, radius=3.0)
    rng = np.random.RandomState(0)
    idx = rng.choice(len(tr.data), 2000 if FAST else 8000, replace=False)
    real = SocialAttentionPredictor(random_state=0)  # the defaults
    real.fit(tr.data[idx], tr.target[idx])
    explained = rng.choice(len(te.data), 50 if FAST else 300, replace=False)
    res = (
        ShapleyTrajectoryExplainer(real, include_random_agent=True, random_state=0)
        .fit(tr.data[idx[:2000]])
        .explain(te.data[explained], te.target[explained])
    )
    cv = ConstantVelocityPredictor().fit(tr.data, tr.target)
    print(
        f"zara1: social attention ADE {-real.score(te.data, te.target):.3f} m vs "
        f"constant velocity {-cv.score(te.data, te.target):.3f} m"
    )
    print(
        f"zara1: past {res.past_score:.3f}, social "
        f"{res.social_interaction_score:.3f}, random agent "
        f"{res.random_agent_score:.3f}"
    )

# %%
# On the planted scenes the social model's social score is far above the
# random agent's: it uses the leader. On real pedestrian data the same
# architecture beats constant velocity, but the past dominates and the social
# score is of the order of the random agent's: the model mostly walks alone,
# as the paper found.
plt.show()
