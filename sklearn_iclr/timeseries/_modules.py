"""The PSA-GAN networks: progressive generator and discriminator with self-attention.

Both networks work on tensors of shape ``(batch, channels, length)``. The
generator starts at length 8 and each block doubles the length; the
discriminator mirrors it, halving the length per block. ``depth`` selects how
many blocks are active (``0`` is the length-8 stage) and ``alpha`` blends the
newest block with the upsampled (or downsampled) output of the previous stage
during fade-in, as in progressive growing of GANs.
"""

# Authors: sklearn-iclr developers
# SPDX-License-Identifier: BSD-3-Clause

import math

from .._torch import F, nn, torch

BASE_LENGTH = 8


def _sigma(weight, u, training):
    """Largest singular value of ``weight`` by one power iteration (Miyato et al.)."""
    w = weight.flatten(1)
    with torch.no_grad():
        if training:
            v = F.normalize(w.t() @ u, dim=0, eps=1e-12)
            u.copy_(F.normalize(w @ v, dim=0, eps=1e-12))
        u_now = u.clone()  # the buffer may be updated again before backward
        v = F.normalize(w.t() @ u_now, dim=0, eps=1e-12)
    return torch.dot(u_now, w @ v)


class SNConv1d(nn.Conv1d):
    """Conv1d whose weight is divided by its spectral norm at every call."""

    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        self.register_buffer("u", F.normalize(torch.randn(self.out_channels), dim=0))

    def forward(self, x):
        weight = self.weight / _sigma(self.weight, self.u, self.training)
        return self._conv_forward(x, weight, self.bias)


class SNLinear(nn.Linear):
    """Linear layer whose weight is divided by its spectral norm at every call."""

    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        self.register_buffer("u", F.normalize(torch.randn(self.out_features), dim=0))

    def forward(self, x):
        return F.linear(
            x, self.weight / _sigma(self.weight, self.u, self.training), self.bias
        )


def _conv(in_channels, out_channels, kernel_size, spectral_norm=True, **kwargs):
    cls = SNConv1d if spectral_norm else nn.Conv1d
    return cls(in_channels, out_channels, kernel_size, **kwargs)


def positional_channel(batch, length, device):
    """A time feature in [-1, 1] giving each step its relative position."""
    pos = torch.linspace(-1.0, 1.0, length, device=device)
    return pos.expand(batch, 1, length)


def seasonal_channels(phase, periods, step, length, model_length):
    """Sine and cosine of each seasonal period's phase at every step of a resolution.

    ``phase`` (batch, n_periods) is the phase, in cycles, of the first step of
    each model-length window; ``periods`` are in time steps of the data and
    ``step`` is the number of data steps between consecutive model steps. At
    ``length < model_length`` a step stands for the average of
    ``model_length / length`` model steps (the real windows are average-pooled
    the same way) and gets the phase of their centre.
    """
    factor = model_length / length
    centres = (torch.arange(length, device=phase.device) + 0.5) * factor - 0.5
    periods = torch.as_tensor(periods, dtype=phase.dtype, device=phase.device)
    cycles = phase[:, :, None] + centres * step / periods[:, None]
    angle = 2.0 * math.pi * cycles
    return torch.cat([torch.sin(angle), torch.cos(angle)], dim=1)


class SelfAttention1d(nn.Module):
    """Residual self-attention over time: ``x + gamma * attention(x)``.

    Query, key and value are spectrally normalised 1x1 convolutions; ``gamma``
    is learnt and starts at 0, so a new block first acts as a plain
    convolution and learns how much long-range context to mix in.
    """

    def __init__(self, channels, spectral_norm=True):
        super().__init__()
        inner = max(channels // 8, 1)
        self.query = _conv(channels, inner, 1, spectral_norm)
        self.key = _conv(channels, inner, 1, spectral_norm)
        self.value = _conv(channels, channels, 1, spectral_norm)
        self.gamma = nn.Parameter(torch.zeros(1))
        self.scale = 1.0 / math.sqrt(inner)

    def forward(self, x):
        q = self.query(x).transpose(1, 2)  # (B, L, d)
        k = self.key(x)  # (B, d, L)
        weights = torch.softmax(torch.bmm(q, k) * self.scale, dim=-1)  # (B, L, L)
        attended = torch.bmm(self.value(x), weights.transpose(1, 2))  # (B, C, L)
        return x + self.gamma * attended


class _Block(nn.Module):
    """Spectrally normalised Conv1d, LeakyReLU and residual self-attention."""

    def __init__(self, in_channels, out_channels, self_attention=True):
        super().__init__()
        # Replicate padding: zero padding shows up as artefacts at both ends
        # of generated windows.
        self.conv = _conv(
            in_channels, out_channels, 3, padding=1, padding_mode="replicate"
        )
        self.attention = SelfAttention1d(out_channels) if self_attention else None

    def forward(self, x):
        x = F.leaky_relu(self.conv(x), 0.2)
        if self.attention is not None:
            x = self.attention(x)
        return x


def n_blocks_for(length):
    """Blocks after the length-8 stage needed to reach ``length`` (a power of 2)."""
    return max(int(round(math.log2(max(length, BASE_LENGTH) / BASE_LENGTH))), 0)


class PSAGenerator(nn.Module):
    """Progressive generator: length 8, then one block per doubling.

    Parameters
    ----------
    n_channels : int
        Channels of the generated series.
    length : int
        Final length, a power of two >= 8.
    hidden : int
        Width of every block.
    noise_channels : int
        Channels of the Gaussian noise at length 8.
    n_series : int
        Series whose embedding conditions the generator (1: no embedding).
    embedding_dim : int
        Width of the series embedding.
    context_channels : int
        Channels of the context window (0: unconditional; PSA-GAN-C otherwise).
    self_attention : bool
        Whether every block has a residual self-attention layer.
    block_noise : bool
        Whether every upsampling block also reads ``noise_channels`` channels
        of fresh Gaussian noise at its own length.
    scale_channels : int
        Width of a per-window condition vector (the window's standardised
        minimum and range) fed to every block as constant channels (0: none).
    seasonal_periods : tuple of float
        Periods, in data steps, whose phase every block reads as a sine and a
        cosine channel (empty: none).
    seasonal_step : float
        Data steps between consecutive steps of the generated window.
    """

    def __init__(
        self,
        n_channels,
        length,
        hidden=32,
        noise_channels=8,
        n_series=1,
        embedding_dim=4,
        context_channels=0,
        context_length=0,
        self_attention=True,
        block_noise=False,
        scale_channels=0,
        seasonal_periods=(),
        seasonal_step=1.0,
    ):
        super().__init__()
        self.n_channels = n_channels
        self.length = length
        self.noise_channels = noise_channels
        self.n_blocks = n_blocks_for(length)
        self.context_channels = context_channels
        self.embedding = nn.Embedding(n_series, embedding_dim) if n_series > 1 else None
        cond = 1 + (embedding_dim if self.embedding is not None else 0)
        self.scale_channels = scale_channels
        cond += scale_channels
        self.seasonal_periods = tuple(float(p) for p in seasonal_periods)
        self.seasonal_step = float(seasonal_step)
        cond += 2 * len(self.seasonal_periods)
        if context_channels:
            # PSA-GAN-C: the context window is summarised by a linear map onto
            # `context_summary` channels at length 8 and fed to every block.
            self.context_summary = nn.Linear(
                context_channels * context_length, 4 * BASE_LENGTH
            )
            cond += 4
        else:
            self.context_summary = None
        self.cond = cond
        self.stem = _Block(noise_channels + cond, hidden, self_attention)
        self.block_noise = block_noise
        extra = noise_channels if block_noise else 0
        self.blocks = nn.ModuleList(
            _Block(hidden + cond + extra, hidden, self_attention)
            for _ in range(self.n_blocks)
        )
        self.outputs = nn.ModuleList(
            nn.Conv1d(hidden, n_channels, 1) for _ in range(self.n_blocks + 1)
        )

    def _condition(self, batch, length, series, context_code, scale, phase, device):
        parts = [positional_channel(batch, length, device)]
        if self.embedding is not None:
            parts.append(self.embedding(series).unsqueeze(-1).expand(-1, -1, length))
        if self.scale_channels:
            parts.append(scale.unsqueeze(-1).expand(-1, -1, length))
        if self.seasonal_periods:
            parts.append(
                seasonal_channels(
                    phase,
                    self.seasonal_periods,
                    self.seasonal_step,
                    length,
                    self.length,
                )
            )
        if context_code is not None:
            parts.append(F.interpolate(context_code, size=length, mode="linear"))
        return torch.cat(parts, dim=1)

    def forward(
        self,
        noise,
        series=None,
        context=None,
        depth=None,
        alpha=1.0,
        scale=None,
        phase=None,
    ):
        """Generate series at length ``8 * 2**depth``.

        ``noise`` has shape (batch, noise_channels, 8); ``series`` holds series
        indices (batch,); ``context`` is (batch, context_channels, context_length);
        ``scale`` is (batch, scale_channels); ``phase`` is (batch, n_periods),
        the phase in cycles of the window's first step for each seasonal period.
        """
        depth = self.n_blocks if depth is None else depth
        batch, device = noise.shape[0], noise.device
        context_code = None
        if self.context_summary is not None:
            context_code = self.context_summary(context.flatten(1)).view(
                batch, 4, BASE_LENGTH
            )
        h = self.stem(
            torch.cat(
                [
                    noise,
                    self._condition(
                        batch, BASE_LENGTH, series, context_code, scale, phase, device
                    ),
                ],
                dim=1,
            )
        )
        previous = None
        for k in range(depth):
            previous = h
            h = F.interpolate(h, scale_factor=2, mode="linear")
            length = h.shape[-1]
            parts = [
                h,
                self._condition(
                    batch, length, series, context_code, scale, phase, device
                ),
            ]
            if self.block_noise:
                parts.append(
                    torch.randn(batch, self.noise_channels, length, device=device)
                )
            h = self.blocks[k](torch.cat(parts, dim=1))
        out = self.outputs[depth](h)
        if depth > 0 and alpha < 1.0:
            skip = F.interpolate(
                self.outputs[depth - 1](previous), scale_factor=2, mode="linear"
            )
            out = alpha * out + (1.0 - alpha) * skip
        return out


class PSADiscriminator(nn.Module):
    """Progressive discriminator mirroring :class:`PSAGenerator`.

    It reads a series of length ``8 * 2**depth`` (plus a positional channel,
    the window's scale condition and seasonal phases when the generator has
    them and, for PSA-GAN-C, the context resampled to the same length),
    applies one block and an average pooling per halving, and scores the
    length-8 features with a spectrally normalised linear layer.
    """

    def __init__(
        self,
        n_channels,
        length,
        hidden=32,
        context_channels=0,
        self_attention=True,
        scale_channels=0,
        seasonal_periods=(),
        seasonal_step=1.0,
    ):
        super().__init__()
        self.n_blocks = n_blocks_for(length)
        self.length = length
        self.seasonal_periods = tuple(float(p) for p in seasonal_periods)
        self.seasonal_step = float(seasonal_step)
        extra = 1 + context_channels + scale_channels + 2 * len(self.seasonal_periods)
        self.context_channels = context_channels
        self.scale_channels = scale_channels
        self.inputs = nn.ModuleList(
            _conv(n_channels + extra, hidden, 1) for _ in range(self.n_blocks + 1)
        )
        # blocks[k] reads length 8 * 2**(k+1) and outputs half that length.
        self.blocks = nn.ModuleList(
            _Block(hidden, hidden, self_attention) for _ in range(self.n_blocks)
        )
        self.final = _Block(hidden, hidden, self_attention)
        self.head = SNLinear(hidden * BASE_LENGTH, 1)

    def _read(self, x, context, scale, phase, depth):
        parts = [x, positional_channel(x.shape[0], x.shape[-1], x.device)]
        if self.scale_channels:
            parts.append(scale.unsqueeze(-1).expand(-1, -1, x.shape[-1]))
        if self.seasonal_periods:
            parts.append(
                seasonal_channels(
                    phase,
                    self.seasonal_periods,
                    self.seasonal_step,
                    x.shape[-1],
                    self.length,
                )
            )
        if self.context_channels:
            parts.append(F.interpolate(context, size=x.shape[-1], mode="linear"))
        return F.leaky_relu(self.inputs[depth](torch.cat(parts, dim=1)), 0.2)

    def forward(self, x, context=None, depth=None, alpha=1.0, scale=None, phase=None):
        depth = self.n_blocks if depth is None else depth
        h = self._read(x, context, scale, phase, depth)
        if depth > 0:
            h = F.avg_pool1d(self.blocks[depth - 1](h), 2)
            if alpha < 1.0:
                skip = self._read(F.avg_pool1d(x, 2), context, scale, phase, depth - 1)
                h = alpha * h + (1.0 - alpha) * skip
            for k in range(depth - 2, -1, -1):
                h = F.avg_pool1d(self.blocks[k](h), 2)
        h = self.final(h)
        return self.head(h.flatten(1)).squeeze(-1)


class PSAGAN(nn.Module):
    """Generator and discriminator in one module, for the skorch net."""

    def __init__(self, generator, discriminator):
        super().__init__()
        self.generator = generator
        self.discriminator = discriminator

    def forward(self, noise, series=None, context=None, scale=None, phase=None):
        return self.generator(
            noise, series=series, context=context, scale=scale, phase=phase
        )
