"""The TS2Vec-style encoder network behind Context-FID.

PSA-GAN's networks live in ``_psa_gan_net.py``.
"""

# Authors: sklearn-iclr developers
# SPDX-License-Identifier: BSD-3-Clause

from .._torch import F, nn, torch

# --------------------------------------------------------------------------
# TS2Vec-style encoder for Context-FID
# --------------------------------------------------------------------------


class _DilatedBlock(nn.Module):
    """Two dilated convolutions with GELU and a residual connection."""

    def __init__(self, in_channels, out_channels, dilation, final=False):
        super().__init__()
        pad = dilation  # kernel 3 keeps the length
        self.conv1 = nn.Conv1d(
            in_channels, out_channels, 3, padding=pad, dilation=dilation
        )
        self.conv2 = nn.Conv1d(
            out_channels, out_channels, 3, padding=pad, dilation=dilation
        )
        self.project = (
            nn.Conv1d(in_channels, out_channels, 1)
            if in_channels != out_channels or final
            else None
        )

    def forward(self, x):
        residual = x if self.project is None else self.project(x)
        x = self.conv1(F.gelu(x))
        x = self.conv2(F.gelu(x))
        return x + residual


class TS2VecNetwork(nn.Module):
    """Input projection, timestamp masking and a dilated convolutional encoder.

    Returns per-timestep representations of shape (batch, length, output_dims).
    """

    def __init__(self, n_channels, hidden_dims=32, output_dims=64, depth=4):
        super().__init__()
        self.input_fc = nn.Linear(n_channels, hidden_dims)
        widths = [hidden_dims] * depth + [output_dims]
        self.blocks = nn.Sequential(
            *(
                _DilatedBlock(
                    widths[i - 1] if i > 0 else hidden_dims,
                    widths[i],
                    dilation=2**i,
                    final=i == len(widths) - 1,
                )
                for i in range(len(widths))
            )
        )
        self.dropout = nn.Dropout(0.1)

    def forward(self, x, mask=False):
        """``x`` is (batch, length, channels); ``mask`` applies binomial masking."""
        h = self.input_fc(x)
        if mask:
            keep = torch.rand(h.shape[:2], device=h.device) > 0.5
            h = h * keep.unsqueeze(-1)
        h = self.dropout(self.blocks(h.transpose(1, 2)))
        return h.transpose(1, 2)


def _instance_contrastive(z1, z2):
    batch = z1.shape[0]
    if batch == 1:
        return z1.new_zeros(())
    z = torch.cat([z1, z2], dim=0).transpose(0, 1)  # (T, 2B, C)
    sim = torch.matmul(z, z.transpose(1, 2))  # (T, 2B, 2B)
    logits = (
        torch.tril(sim, diagonal=-1)[:, :, :-1] + torch.triu(sim, diagonal=1)[:, :, 1:]
    )
    logits = -F.log_softmax(logits, dim=-1)
    i = torch.arange(batch, device=z1.device)
    return (logits[:, i, batch + i - 1].mean() + logits[:, batch + i, i].mean()) / 2


def _temporal_contrastive(z1, z2):
    length = z1.shape[1]
    if length == 1:
        return z1.new_zeros(())
    z = torch.cat([z1, z2], dim=1)  # (B, 2T, C)
    sim = torch.matmul(z, z.transpose(1, 2))  # (B, 2T, 2T)
    logits = (
        torch.tril(sim, diagonal=-1)[:, :, :-1] + torch.triu(sim, diagonal=1)[:, :, 1:]
    )
    logits = -F.log_softmax(logits, dim=-1)
    t = torch.arange(length, device=z1.device)
    return (logits[:, t, length + t - 1].mean() + logits[:, length + t, t].mean()) / 2


def hierarchical_contrastive_loss(z1, z2):
    """TS2Vec's loss: instance and temporal contrast at every time scale.

    ``z1`` and ``z2`` are (batch, length, dims) representations of the same
    time steps seen through two different crops; the loss is averaged over the
    scales obtained by max-pooling time by 2 until one step is left.
    """
    loss = z1.new_zeros(())
    depth = 0
    while z1.shape[1] > 1:
        loss = loss + _instance_contrastive(z1, z2) + _temporal_contrastive(z1, z2)
        depth += 1
        z1 = F.max_pool1d(z1.transpose(1, 2), 2).transpose(1, 2)
        z2 = F.max_pool1d(z2.transpose(1, 2), 2).transpose(1, 2)
    if z1.shape[1] == 1:
        loss = loss + _instance_contrastive(z1, z2)
        depth += 1
    return loss / depth
