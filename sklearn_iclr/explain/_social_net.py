"""The torch side of :class:`SocialAttentionPredictor`: features, network, loss.

Scenes enter the network in the *target's frame*: translated to the target's
last observed position, rotated so that its last velocity points along +x,
and divided by a scale fitted on the training scenes. The network predicts a
correction to the constant-velocity extrapolation in that frame.
"""

# Authors: sklearn-iclr developers
# SPDX-License-Identifier: BSD-3-Clause

import math

import numpy as np

from .._torch import MLP, nn, torch
from ._validation import agent_mask


def target_frame(target_past):
    """Origin (n, 2) and rotation (n, 2, 2) of the target's frame.

    The rotation turns the target's last velocity onto +x; a target standing
    still keeps the world's axes.
    """
    origin = target_past[:, -1]
    velocity = origin - target_past[:, -2]
    angle = np.arctan2(velocity[:, 1], velocity[:, 0])
    angle[np.hypot(velocity[:, 0], velocity[:, 1]) == 0] = 0.0
    cos, sin = np.cos(angle), np.sin(angle)
    rotation = np.stack([np.stack([cos, sin], -1), np.stack([-sin, cos], -1)], -2)
    return origin, rotation


def scene_features(X, origin, rotation, scale):
    """Per-agent inputs in the target's frame: positions and velocities.

    Returns float32 features (n, n_agents, t_obs, 4), zero for absent agents,
    and the presence mask (n, n_agents).
    """
    mask = agent_mask(X)
    rel = np.einsum("nij,natj->nati", rotation, X - origin[:, None, None, :]) / scale
    vel = np.zeros_like(rel)
    vel[:, :, 1:] = rel[:, :, 1:] - rel[:, :, :-1]
    feats = np.concatenate([rel, vel], axis=-1)
    feats[~mask] = 0.0
    return feats.astype(np.float32), mask.astype(np.float32)


def to_world(pred, origin, rotation, scale):
    """Predictions (n, ..., t_pred, 2) in the target's frame back to metres."""
    n = len(pred)
    flat = pred.reshape(n, -1, 2) * scale
    world = np.einsum("nji,nkj->nki", rotation, flat) + origin[:, None, :]
    return world.reshape(pred.shape)


class DisplacementLoss(nn.Module):
    """Mean Euclidean distance between predicted and true positions (the ADE).

    Less sensitive than the squared error to the few erratic trajectories of
    real data, and the metric the model is judged on.
    """

    def forward(self, y_pred, y_true):
        diff = (y_pred - y_true).reshape(len(y_pred), -1, 2)
        # the epsilon keeps the gradient finite at a perfect prediction
        return torch.sqrt((diff**2).sum(-1) + 1e-8).mean()


class SocialAttentionModule(nn.Module):
    """Per-agent encoder and attention of the target over its neighbours."""

    def __init__(self, t_obs, t_pred, hidden_size=32, encoder="mlp"):
        super().__init__()
        H = hidden_size
        self.encoder_kind = encoder
        if encoder == "gru":
            self.encoder = nn.GRU(4, H, batch_first=True)
        else:
            self.encoder = MLP(t_obs * 4, H, (H,))
        self.query = nn.Linear(H, H)
        self.key = nn.Linear(H, H)
        self.value = nn.Linear(H, H)
        # A learned "nobody" key lets the target attend to no neighbour.
        self.null_key = nn.Parameter(torch.zeros(H))
        self.decoder = MLP(2 * H, t_pred * 2, (2 * H,))
        # Start as the constant-velocity model: the correction is zero.
        last = self.decoder.layers[-1]
        nn.init.zeros_(last.weight)
        nn.init.zeros_(last.bias)
        self.scale = 1.0 / math.sqrt(H)
        self.t_pred = t_pred

    def encode(self, feats):
        B, A, T, C = feats.shape
        flat = feats.reshape(B * A, T, C)
        if self.encoder_kind == "gru":
            _, h = self.encoder(flat)
            h = h[-1]
        else:
            h = torch.relu(self.encoder(flat.reshape(B * A, T * C)))
        return h.reshape(B, A, -1)

    def attend(self, h, mask):
        """Decode from agent encodings ``h`` (B, A, H) and presence ``mask``."""
        present = mask > 0.5
        h_target = h[:, 0]
        q = self.query(h_target)
        if h.shape[1] > 1:
            k = self.key(h[:, 1:])
            v = self.value(h[:, 1:])
            scores = torch.einsum("bh,bah->ba", q, k) * self.scale
            scores = scores.masked_fill(~present[:, 1:], float("-inf"))
            null = (q * self.null_key).sum(-1, keepdim=True) * self.scale
            att = torch.softmax(torch.cat([null, scores], dim=1), dim=1)
            context = torch.einsum("ba,bah->bh", att[:, 1:], v)
        else:
            context = torch.zeros_like(h_target)
        return self.decoder(torch.cat([h_target, context], dim=-1))

    def forward(self, feats, mask):
        return self.attend(self.encode(feats), mask) + self.extrapolate(feats)

    def attend_coalitions(self, h_x, m_x, h_r, m_r, keep):
        """:meth:`attend` for every coalition, without materialising them.

        ``h_x``/``m_x`` encode the scene, ``h_r``/``m_r`` the removed agents,
        both (B, A, H) and (B, A); ``keep`` (B, C, A) picks one per agent.
        Attention scores are scalars per (query, key) pair, so they are
        computed once for the 2 x 2 choices and selected per coalition.
        Returns (B, C, t_pred * 2).
        """
        keep0 = keep[:, :, 0]
        h_t = torch.where(keep0[..., None], h_x[:, None, 0], h_r[:, None, 0])
        if h_x.shape[1] == 1:
            context = torch.zeros_like(h_t)
            return self.decoder(torch.cat([h_t, context], dim=-1))
        q_x, q_r = self.query(h_x[:, 0]), self.query(h_r[:, 0])
        k_x, k_r = self.key(h_x[:, 1:]), self.key(h_r[:, 1:])
        v_x, v_r = self.value(h_x[:, 1:]), self.value(h_r[:, 1:])

        def score(q, k):
            return torch.einsum("bh,bah->ba", q, k)[:, None] * self.scale

        keepn = keep[:, :, 1:]
        q0 = keep0[..., None]
        s_kept = torch.where(q0, score(q_x, k_x), score(q_r, k_x))
        s_removed = torch.where(q0, score(q_x, k_r), score(q_r, k_r))
        scores = torch.where(keepn, s_kept, s_removed)
        present = torch.where(keepn, m_x[:, None, 1:], m_r[:, None, 1:]) > 0.5
        scores = scores.masked_fill(~present, float("-inf"))
        null = (
            torch.where(
                keep0,
                (q_x * self.null_key).sum(-1)[:, None],
                (q_r * self.null_key).sum(-1)[:, None],
            )
            * self.scale
        )
        att = torch.softmax(torch.cat([null[..., None], scores], dim=-1), dim=-1)
        att = att[..., 1:]
        kept = keepn.to(att.dtype)
        context = torch.einsum("bca,bah->bch", att * kept, v_x) + torch.einsum(
            "bca,bah->bch", att * (1 - kept), v_r
        )
        return self.decoder(torch.cat([h_t, context], dim=-1))

    def extrapolate(self, feats):
        """Constant-velocity future of the target, the decoder's residual base."""
        velocity = feats[:, 0, -1, 2:]
        steps = torch.arange(1, self.t_pred + 1, dtype=feats.dtype, device=feats.device)
        return (steps[None, :, None] * velocity[:, None, :]).reshape(len(feats), -1)
