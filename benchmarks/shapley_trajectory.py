"""Benchmark of ShapleyTrajectoryExplainer (Makansi et al., ICLR 2022).

Three parts, each can be skipped:

1. ETH/UCY leave-one-out (eth, hotel, univ, zara1, zara2): train the
   SocialAttentionPredictor on the other scenes, report ADE/FDE on the test
   scene with its neighbours, with the neighbours removed at test time, and
   of a model retrained without neighbours (paper Table 1), then the mean
   past, social-interaction (E[max_j phi(neighbour_j)]) and random-agent
   Shapley scores of exact attribution (paper Fig. 4).
2. Planted leader-follower scenes (``make_pedestrian_scenes``): removing the
   neighbours must raise ADE a lot and the social score must be far above
   the random agent's (the analogue of the paper's basketball result).
3. Speed: exact Shapley of the same game and model against SHAP's
   ExactExplainer (equal values) and PermutationExplainer (equal error for
   the same number of model evaluations) for 4 to 12 players.

Quick configuration (default; minutes on a shared 2-core CPU)::

    python benchmarks/shapley_trajectory.py

Paper protocol (all training scenes, all test scenes explained, more epochs)::

    python benchmarks/shapley_trajectory.py --full
"""

import argparse
import time

import numpy as np
from _harness import data_home, measure, print_table, save_plot, write_results

from sklearn_iclr.datasets import load_eth_ucy, make_pedestrian_scenes
from sklearn_iclr.explain import (
    ConstantVelocityPredictor,
    ShapleyTrajectoryExplainer,
    SocialAttentionPredictor,
    average_displacement_error,
    final_displacement_error,
    plot_scene_attribution,
    prepare_trajectory_scenes,
)

SCENES = ("eth", "hotel", "univ", "zara1", "zara2")


def _errors(model, X, y):
    pred = model.predict(X)
    return (
        float(average_displacement_error(y, pred).mean()),
        float(final_displacement_error(y, pred).mean()),
    )


def _alone(X):
    X = X.copy()
    X[:, 1:] = np.nan
    return X


def _subsample(bunch, n, rng):
    if n is None or n >= len(bunch.data):
        return bunch.data, bunch.target
    idx = np.sort(rng.choice(len(bunch.data), n, replace=False))
    return bunch.data[idx], bunch.target[idx]


def _explain(model, X_bg, X, y, args, removal, random_state=0):
    explainer = ShapleyTrajectoryExplainer(
        model,
        method="exact",
        removal=removal,
        include_random_agent=True,
        n_draws=args.n_draws,
        random_state=random_state,
    ).fit(X_bg)
    return explainer.explain(X, y)


def run_eth_ucy(args):
    rng = np.random.RandomState(0)
    rows, shown = [], None
    for scene in args.scenes:
        data = load_eth_ucy(scene, download_if_missing=False)
        kw = dict(radius=args.radius, max_agents=args.max_agents)
        train = prepare_trajectory_scenes(data.train, data.train_file_id, **kw)
        test = prepare_trajectory_scenes(data.test, data.test_file_id, **kw)
        X_tr, y_tr = _subsample(train, args.train_subsample, rng)
        X_te, y_te = test.data, test.target
        params = dict(
            max_epochs=args.epochs,
            hidden_size=args.hidden,
            encoder=args.encoder,
            random_state=0,
        )
        with measure() as fit_time:
            social = SocialAttentionPredictor(**params).fit(X_tr, y_tr)
        row = {
            "scene": scene,
            "n_train": len(X_tr),
            "n_test": len(X_te),
            "mean_neighbours": float(test.n_neighbours.mean()),
            "fit_s": round(fit_time.seconds, 1),
        }
        row["ade"], row["fde"] = _errors(social, X_te, y_te)
        row["ade_no_neigh"], row["fde_no_neigh"] = _errors(social, _alone(X_te), y_te)
        if args.retrain_alone:
            alone = SocialAttentionPredictor(**params).fit(X_tr[:, :1], y_tr)
            row["ade_trained_alone"], row["fde_trained_alone"] = _errors(
                alone, X_te[:, :1], y_te
            )
        cv = ConstantVelocityPredictor().fit(X_tr, y_tr)
        row["ade_cv"], row["fde_cv"] = _errors(cv, X_te, y_te)
        Xe, ye = _subsample(test, args.n_explain, rng)
        Xb, _ = _subsample(train, args.n_background, rng)
        row["n_explained"] = len(Xe)
        for removal in args.removal:
            with measure() as t:
                res_r = _explain(social, Xb, Xe, ye, args, removal)
            row[f"explain_s_{removal}"] = round(t.seconds, 1)
            row[f"past_score_{removal}"] = res_r.past_score
            row[f"social_score_{removal}"] = res_r.social_interaction_score
            row[f"random_agent_score_{removal}"] = res_r.random_agent_score
            if removal == args.removal[0]:
                res = res_r
        rows.append(row)
        print_table([row], title=f"ETH/UCY {scene}")
        if shown is None or scene == "zara1":
            best = int(np.argmax(res.present[:, 1:-1].sum(1)))
            y_hat = social.predict(Xe[best : best + 1])[0]
            shown = (scene, Xe[best], res, best, ye[best], y_hat)
    return rows, shown


def run_planted(args):
    train = make_pedestrian_scenes(
        n_samples=args.planted_train, n_agents=4, random_state=0
    )
    test = make_pedestrian_scenes(
        n_samples=args.planted_test, n_agents=4, random_state=1
    )
    out = {}
    models = {
        "social": SocialAttentionPredictor(
            max_epochs=args.planted_epochs,
            hidden_size=args.hidden,
            encoder=args.encoder,
            random_state=0,
        ),
        "constant_velocity": ConstantVelocityPredictor(),
    }
    shown = None
    for name, model in models.items():
        model.fit(train.data, train.target)
        row = {"model": name}
        row["ade"], row["fde"] = _errors(model, test.data, test.target)
        row["ade_no_neigh"], row["fde_no_neigh"] = _errors(
            model, _alone(test.data), test.target
        )
        for removal in ("zero", "random"):
            ex = ShapleyTrajectoryExplainer(
                model,
                removal=removal,
                include_random_agent=True,
                n_draws=args.n_draws,
                random_state=0,
            ).fit(train.data)
            res = ex.explain(test.data, test.target)
            row[f"past_{removal}"] = res.past_score
            row[f"social_{removal}"] = res.social_interaction_score
            row[f"random_agent_{removal}"] = res.random_agent_score
            leader = res.attributions[np.arange(len(test.data)), test.leader_index]
            row[f"leader_top_{removal}"] = float(
                (leader >= res.attributions[:, 1:4].max(axis=1)).mean()
            )
            if name == "social" and removal == "zero":
                shown = (
                    test.data[0],
                    res.attributions[0],
                    test.target[0],
                    model.predict(test.data[:1])[0],
                    ex,
                    res,
                )
        out[name] = row
    print_table(list(out.values()), title="Planted leader-follower scenes")
    return out, shown


class _BlackBox:
    """Hide a model's fast path: the explainer then only calls ``predict``."""

    def __init__(self, model):
        self.model = model

    def predict(self, X):
        return self.model.predict(X)


def run_speed(args):
    import shap

    train = make_pedestrian_scenes(n_samples=600, n_agents=4, random_state=0)
    models = {
        "social": SocialAttentionPredictor(
            max_epochs=5, hidden_size=args.hidden, random_state=0
        ).fit(train.data, train.target),
        "constant_velocity": ConstantVelocityPredictor().fit(train.data, train.target),
    }
    rows = []
    for model_name, model in models.items():
        for p in args.speed_players:
            scenes = make_pedestrian_scenes(
                n_samples=args.speed_samples, n_agents=p, random_state=p
            )
            X, y = scenes.data, scenes.target
            ours = ShapleyTrajectoryExplainer(model).fit(X)
            generic = ShapleyTrajectoryExplainer(_BlackBox(model)).fit(X)
            ours.transform(X[:1], y[:1])  # warm-up
            with measure() as t_ours:
                phi = ours.transform(X, y)
            with measure() as t_generic:
                phi_generic = generic.transform(X, y)

            def game(i, X=X, y=y, model=model):
                origin = X[i, 0, -1]

                def f(Z):
                    Z = np.asarray(Z, dtype=bool)
                    scenes_ = np.where(Z[:, :, None, None], X[i][None], np.nan)
                    scenes_[~Z[:, 0], 0] = origin
                    pred = model.predict(scenes_)
                    return -average_displacement_error(
                        np.broadcast_to(y[i], pred.shape), pred
                    )

                return f

            masker = shap.maskers.Independent(np.zeros((1, p)))
            ones = np.ones((1, p))
            shap.ExactExplainer(game(0), masker)(ones)  # warm-up (numba)
            with measure() as t_exact:
                shap_phi = np.vstack(
                    [
                        shap.ExactExplainer(game(i), masker)(ones).values
                        for i in range(len(X))
                    ]
                )
            row = {
                "model": model_name,
                "players": p,
                "n_samples": len(X),
                "ours_exact_ms_per_sample": 1e3 * t_ours.seconds / len(X),
                "ours_generic_ms_per_sample": 1e3 * t_generic.seconds / len(X),
                "shap_exact_ms_per_sample": 1e3 * t_exact.seconds / len(X),
                "max_abs_diff_exact": float(np.abs(phi - shap_phi).max()),
                "max_abs_diff_generic": float(np.abs(phi_generic - shap_phi).max()),
            }
            row["speedup_generic"] = t_exact.seconds / t_generic.seconds
            row["speedup_exact"] = t_exact.seconds / t_ours.seconds
            # sampling: same number of model evaluations per sample
            n_perm = args.speed_permutations
            budget = n_perm * (p + 1)
            ours_perm = ShapleyTrajectoryExplainer(
                model, method="permutation", n_permutations=n_perm, random_state=0
            ).fit(X)
            with measure() as t_perm:
                phi_perm = ours_perm.transform(X, y)
            with measure() as t_sperm:
                shap_perm = np.vstack(
                    [
                        shap.PermutationExplainer(game(i), masker, seed=i)(
                            ones, max_evals=max(budget, 2 * p + 1)
                        ).values
                        for i in range(len(X))
                    ]
                )
            row["ours_perm_ms_per_sample"] = 1e3 * t_perm.seconds / len(X)
            row["shap_perm_ms_per_sample"] = 1e3 * t_sperm.seconds / len(X)
            row["ours_perm_rmse"] = float(np.sqrt(((phi_perm - phi) ** 2).mean()))
            row["shap_perm_rmse"] = float(np.sqrt(((shap_perm - phi) ** 2).mean()))
            row["speedup_perm"] = t_sperm.seconds / t_perm.seconds
            rows.append(row)
            print_table([row])
    return rows


def _plots(
    eth_rows,
    eth_shown,
    planted_shown,
    planted=None,
    removal="zero",
    name="shapley_trajectory",
):
    import matplotlib

    matplotlib.use("Agg")
    import matplotlib.pyplot as plt

    if eth_rows or planted:
        fig, ax = plt.subplots(figsize=(8, 3.5))
        bars = [
            (
                r["scene"],
                r[f"past_score_{removal}"],
                r[f"social_score_{removal}"],
                r[f"random_agent_score_{removal}"],
            )
            for r in eth_rows
        ]
        if planted:
            r = planted["social"]
            bars.append(
                (
                    "planted\n(leader)",
                    r[f"past_{removal}"],
                    r[f"social_{removal}"],
                    r[f"random_agent_{removal}"],
                )
            )
        names = [b[0] for b in bars]
        width = 0.27
        xs = np.arange(len(names))
        for k, label in enumerate(["past", "social (max neighbour)", "random agent"]):
            ax.bar(xs + (k - 1) * width, [b[k + 1] for b in bars], width, label=label)
        ax.set_xticks(xs, names)
        ax.axhline(0, color="black", lw=0.5)
        ax.set_ylabel("mean Shapley value (-ADE, m)")
        ax.set_title(f"SocialAttentionPredictor, exact Shapley, removal={removal!r}")
        ax.legend(fontsize=8)
        save_plot(fig, f"{name}_eth_ucy")
    if planted_shown is not None or eth_shown is not None:
        fig, axes = plt.subplots(1, 2, figsize=(10, 5))
        if planted_shown is not None:
            scene, phi, y, y_pred, _, res = planted_shown
            plot_scene_attribution(scene, phi[:-1], y=y, y_pred=y_pred, ax=axes[0])
            axes[0].set_title("planted leader-follower scene")
        if eth_shown is not None:
            scene_name, scene, res, i, y, y_pred = eth_shown
            phi = res.attributions[i, :-1]
            plot_scene_attribution(scene, phi, y=y, y_pred=y_pred, ax=axes[1])
            axes[1].set_title(f"ETH/UCY {scene_name} scene")
        save_plot(fig, f"{name}_scenes")


def main(argv=None):
    parser = argparse.ArgumentParser(
        description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter
    )
    parser.add_argument(
        "--full",
        action="store_true",
        help="paper protocol: all training scenes, 50 epochs, "
        "all test scenes explained",
    )
    parser.add_argument("--scenes", nargs="+", default=list(SCENES), choices=SCENES)
    parser.add_argument("--epochs", type=int, default=None)
    parser.add_argument(
        "--train-subsample",
        type=int,
        default=None,
        help="training scenes per fold (quick default 4000)",
    )
    parser.add_argument(
        "--n-explain",
        type=int,
        default=None,
        help="test scenes explained per fold (quick default 200)",
    )
    parser.add_argument("--n-background", type=int, default=2000)
    parser.add_argument("--radius", type=float, default=3.0)
    parser.add_argument("--max-agents", type=int, default=8)
    parser.add_argument("--hidden", type=int, default=32)
    parser.add_argument("--encoder", default="gru", choices=["gru", "mlp"])
    parser.add_argument(
        "--removal",
        nargs="+",
        default=["zero", "random"],
        choices=["zero", "random"],
        help="removal variants explained (the first is plotted)",
    )
    parser.add_argument("--n-draws", type=int, default=4)
    parser.add_argument(
        "--no-retrain-alone", dest="retrain_alone", action="store_false"
    )
    parser.add_argument("--planted-train", type=int, default=2000)
    parser.add_argument("--planted-test", type=int, default=500)
    parser.add_argument("--planted-epochs", type=int, default=40)
    parser.add_argument(
        "--speed-players", type=int, nargs="+", default=[4, 6, 8, 10, 12]
    )
    parser.add_argument("--speed-samples", type=int, default=20)
    parser.add_argument("--speed-permutations", type=int, default=20)
    parser.add_argument(
        "--name",
        default=None,
        help="results name (default: shapley_trajectory, with "
        "the parts run appended when some are skipped)",
    )
    parser.add_argument(
        "--skip", nargs="*", default=[], choices=["eth_ucy", "planted", "speed"]
    )
    args = parser.parse_args(argv)
    if args.full:
        args.epochs = args.epochs or 50
    else:
        args.epochs = args.epochs or 15
        args.train_subsample = args.train_subsample or 8000
        args.n_explain = args.n_explain or 200

    figures, eth_rows, eth_shown, planted_shown = {}, [], None, None
    start = time.perf_counter()
    if "eth_ucy" not in args.skip:
        if data_home() is None:
            print("ETH/UCY data not found (set SKLEARN_ICLR_DATA); skipped.")
        else:
            eth_rows, eth_shown = run_eth_ucy(args)
            figures["eth_ucy"] = eth_rows
            print_table(eth_rows, title="ETH/UCY leave-one-out")
    if "planted" not in args.skip:
        figures["planted"], planted_shown = run_planted(args)
    if "speed" not in args.skip:
        figures["speed"] = run_speed(args)
        print_table(figures["speed"], title="Speed vs SHAP")
    figures["total_s"] = round(time.perf_counter() - start, 1)
    config = {k: v for k, v in vars(args).items()}
    name = args.name or (
        "shapley_trajectory"
        if not args.skip
        else "shapley_trajectory_"
        + "_".join(sorted({"eth_ucy", "planted", "speed"} - set(args.skip)))
    )
    write_results(name, figures, config=config)
    _plots(
        eth_rows,
        eth_shown,
        planted_shown,
        figures.get("planted"),
        args.removal[0],
        name,
    )


if __name__ == "__main__":
    main()
