"""Drawing a scene with arrows as wide as the agents' attributions."""

# Authors: sklearn-iclr developers
# SPDX-License-Identifier: BSD-3-Clause

import numpy as np


def plot_scene_attribution(
    scene,
    attributions,
    *,
    y=None,
    y_pred=None,
    random_agent=None,
    player_names=None,
    max_width=8.0,
    ax=None,
):
    """Draw one scene with an arrow from each agent to the target.

    As in the figures of Makansi et al. (ICLR 2022): the observed pasts are
    drawn as lines, and an arrow from every present neighbour's last
    position to the target's last position has a width proportional to the
    neighbour's attribution (blue positive: the neighbour helps the
    prediction; red negative: it hurts). The target's own past gets a ring
    of the same scale around its last position.

    Parameters
    ----------
    scene : array-like of shape (n_agents, t_obs, 2)
        One scene (agent 0 the target, NaN for absent agents).
    attributions : array-like of shape (n_players,)
        The scene's row of :meth:`ShapleyTrajectoryExplainer.transform`:
        past, the neighbours, and (last) the random agent if any.
    y : array-like of shape (t_pred, 2), default=None
        True future of the target, drawn dashed.
    y_pred : array-like of shape (t_pred, 2), default=None
        Predicted future, drawn dotted.
    random_agent : array-like of shape (t_obs, 2), default=None
        The injected random agent's trajectory, if it is a player.
    player_names : list of str, default=None
        Labels; default ``"past"``, ``"neighbour_j"``, ``"random_agent"``.
    max_width : float, default=8.0
        Arrow width (points) of the largest absolute attribution.
    ax : matplotlib Axes, default=None
        Where to draw; a new figure when ``None``.

    Returns
    -------
    ax : matplotlib Axes
        The axes drawn on.

    Examples
    --------
    >>> import matplotlib
    >>> matplotlib.use("Agg")
    >>> from sklearn_iclr.datasets import make_pedestrian_scenes
    >>> from sklearn_iclr.explain import plot_scene_attribution
    >>> scenes = make_pedestrian_scenes(n_samples=1, random_state=0)
    >>> ax = plot_scene_attribution(scenes.data[0], [1.0, 0.5, 0.0, -0.2])
    """
    import matplotlib.pyplot as plt

    scene = np.asarray(scene, dtype=float)
    if scene.ndim != 3 or scene.shape[-1] != 2:
        raise ValueError(
            f"scene must have shape (n_agents, t_obs, 2), got {scene.shape}."
        )
    phi = np.asarray(attributions, dtype=float).ravel()
    agents = list(scene)
    if random_agent is not None:
        agents.append(np.asarray(random_agent, dtype=float))
    if len(phi) != len(agents):
        raise ValueError(
            f"attributions has {len(phi)} values for {len(agents)} players "
            "(pass random_agent when the explainer included one)."
        )
    if player_names is None:
        player_names = ["past"] + [f"neighbour_{j}" for j in range(1, len(scene))]
        if random_agent is not None:
            player_names.append("random_agent")
    if ax is None:
        _, ax = plt.subplots(figsize=(5, 5))
    top = np.abs(phi).max() or 1.0
    target_last = agents[0][-1]
    for j, traj in enumerate(agents):
        if not np.isfinite(traj).all():
            continue
        is_random = random_agent is not None and j == len(agents) - 1
        color = "black" if j == 0 else ("tab:purple" if is_random else "tab:gray")
        ax.plot(traj[:, 0], traj[:, 1], "-o", color=color, ms=2, lw=1)
        width = max_width * abs(phi[j]) / top
        sign_color = "tab:blue" if phi[j] >= 0 else "tab:red"
        label = f"{player_names[j]}: {phi[j]:+.2f}"
        if j == 0:
            ax.scatter(
                *target_last,
                s=(2 + width * 6) ** 2,
                facecolors="none",
                edgecolors=sign_color,
                linewidths=2,
                zorder=3,
            )
            ax.annotate(
                label,
                target_last,
                textcoords="offset points",
                xytext=(6, -12),
                fontsize=8,
            )
            continue
        if width > 0:
            ax.annotate(
                "",
                xy=target_last,
                xytext=traj[-1],
                arrowprops=dict(
                    arrowstyle="-|>",
                    lw=width,
                    color=sign_color,
                    alpha=0.7,
                    shrinkA=2,
                    shrinkB=4,
                ),
            )
        ax.annotate(
            label,
            traj[-1],
            textcoords="offset points",
            xytext=(4, 4),
            fontsize=8,
            color=color,
        )
    if y is not None:
        y = np.asarray(y, dtype=float)
        ax.plot(
            *np.vstack([target_last, y]).T,
            "--",
            color="tab:green",
            lw=1.5,
            label="true future",
        )
    if y_pred is not None:
        y_pred = np.asarray(y_pred, dtype=float)
        ax.plot(
            *np.vstack([target_last, y_pred]).T,
            ":",
            color="tab:orange",
            lw=2,
            label="prediction",
        )
    if y is not None or y_pred is not None:
        ax.legend(loc="best", fontsize=8)
    ax.set_aspect("equal", adjustable="datalim")
    ax.set_xlabel("x (m)")
    ax.set_ylabel("y (m)")
    return ax
