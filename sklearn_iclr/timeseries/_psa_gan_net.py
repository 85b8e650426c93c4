"""PSA-GAN's networks and the skorch net that trains them adversarially.

Both networks work on tensors of shape ``(batch, channels, length)``. The
generator starts at length 8 and each block doubles the length; the
discriminator mirrors it, halving the length per block. ``depth`` selects how
many blocks are active (``0`` is the length-8 stage) and ``alpha`` blends the
newest block with the upsampled (or downsampled) output of the previous stage
during fade-in, as in progressive growing of GANs.

Besides the noise, both networks read the same per-window conditions (see
``_conditioning.py``): the series index (a learnt embedding, of width 0 when
unused), the phase of each seasonal period (0 periods when none is given)
and, for PSA-GAN-C, the context window. Empty conditions are tensors with no
channels, so the networks never branch on which conditions exist.
"""

# Authors: sklearn-iclr developers
# SPDX-License-Identifier: BSD-3-Clause

import math

from .._torch import F, nn, skorch, torch

BASE_LENGTH = 8

#: Fraction of the epochs spent growing the networks, split equally between
#: the lengths below the full one; the rest trains at full length.
GROWTH_FRACTION = 1 / 6

#: Fraction of each growing stage spent fading the new block in.
FADE_FRACTION = 0.5


def n_blocks_for(length):
    """Blocks after the length-8 stage needed to reach ``length`` (a power of 2)."""
    return max(int(round(math.log2(max(length, BASE_LENGTH) / BASE_LENGTH))), 0)


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
    the same way) and gets the phase of their centre. No periods give a tensor
    with no channels.
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

    def __init__(self, channels):
        super().__init__()
        inner = max(channels // 8, 1)
        self.query = SNConv1d(channels, inner, 1)
        self.key = SNConv1d(channels, inner, 1)
        self.value = SNConv1d(channels, channels, 1)
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
        self.conv = SNConv1d(
            in_channels, out_channels, 3, padding=1, padding_mode="replicate"
        )
        self.attention = SelfAttention1d(out_channels) if self_attention else None

    def forward(self, x):
        x = F.leaky_relu(self.conv(x), 0.2)
        if self.attention is not None:
            x = self.attention(x)
        return x


class _TimeFeatures(nn.Module):
    """Channels every block of both networks reads at its own length.

    The relative position of each step and the sine and cosine of each
    seasonal period's phase (none when ``seasonal_periods`` is empty).
    """

    def __init__(self, model_length, seasonal_periods=(), seasonal_step=1.0):
        super().__init__()
        self.model_length = model_length
        self.seasonal_periods = tuple(float(p) for p in seasonal_periods)
        self.seasonal_step = float(seasonal_step)
        self.n_channels = 1 + 2 * len(self.seasonal_periods)

    def forward(self, phase, length):
        batch = phase.shape[0]
        return torch.cat(
            [
                positional_channel(batch, length, phase.device),
                seasonal_channels(
                    phase,
                    self.seasonal_periods,
                    self.seasonal_step,
                    length,
                    self.model_length,
                ),
            ],
            dim=1,
        )


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
        Series whose learnt embedding conditions the generator.
    embedding_dim : int
        Width of the series embedding (0: none).
    context_channels, context_length : int
        Shape of PSA-GAN-C's context window (0 channels: unconditional).
    self_attention : bool
        Whether every block has a residual self-attention layer.
    seasonal_periods : tuple of float
        Periods, in data steps, whose phase every block reads.
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
        embedding_dim=0,
        context_channels=0,
        context_length=0,
        self_attention=True,
        seasonal_periods=(),
        seasonal_step=1.0,
    ):
        super().__init__()
        self.n_channels = n_channels
        self.length = length
        self.noise_channels = noise_channels
        self.n_blocks = n_blocks_for(length)
        self.embedding = nn.Embedding(max(n_series, 1), embedding_dim)
        self.time = _TimeFeatures(length, seasonal_periods, seasonal_step)
        self.context_summary = None
        context_code = 0
        if context_channels:
            # PSA-GAN-C: the context window is summarised by a linear map onto
            # 4 channels at length 8, fed to every block.
            context_code = 4
            self.context_summary = nn.Linear(
                context_channels * context_length, context_code * BASE_LENGTH
            )
        self.cond = self.time.n_channels + embedding_dim + context_code
        self.stem = _Block(noise_channels + self.cond, hidden, self_attention)
        self.blocks = nn.ModuleList(
            _Block(hidden + self.cond, hidden, self_attention)
            for _ in range(self.n_blocks)
        )
        self.outputs = nn.ModuleList(
            nn.Conv1d(hidden, n_channels, 1) for _ in range(self.n_blocks + 1)
        )

    def _condition(self, length, embedded, phase, context_code):
        parts = [
            self.time(phase, length),
            embedded.unsqueeze(-1).expand(-1, -1, length),
        ]
        if context_code is not None:
            parts.append(F.interpolate(context_code, size=length, mode="linear"))
        return torch.cat(parts, dim=1)

    def forward(self, noise, series, phase, context=None, depth=None, alpha=1.0):
        """Generate series at length ``8 * 2**depth``.

        ``noise`` is (batch, noise_channels, 8); ``series`` holds series indices
        (batch,); ``phase`` is (batch, n_periods), the phase in cycles of the
        window's first step for each seasonal period; ``context`` is (batch,
        context_channels, context_length) for PSA-GAN-C.
        """
        depth = self.n_blocks if depth is None else depth
        embedded = self.embedding(series)
        context_code = None
        if self.context_summary is not None:
            context_code = self.context_summary(context.flatten(1)).view(
                noise.shape[0], -1, BASE_LENGTH
            )
        condition = self._condition(BASE_LENGTH, embedded, phase, context_code)
        h = self.stem(torch.cat([noise, condition], dim=1))
        previous = None
        for k in range(depth):
            previous = h
            h = F.interpolate(h, scale_factor=2, mode="linear")
            condition = self._condition(h.shape[-1], embedded, phase, context_code)
            h = self.blocks[k](torch.cat([h, condition], dim=1))
        out = self.outputs[depth](h)
        if depth > 0 and alpha < 1.0:
            skip = F.interpolate(
                self.outputs[depth - 1](previous), scale_factor=2, mode="linear"
            )
            out = alpha * out + (1.0 - alpha) * skip
        return out


class PSADiscriminator(nn.Module):
    """Progressive discriminator mirroring :class:`PSAGenerator`.

    It reads a series of length ``8 * 2**depth`` with the same time features
    as the generator (and, for PSA-GAN-C, the context resampled to the same
    length), applies one block and an average pooling per halving, and scores
    the length-8 features with a spectrally normalised linear layer.
    """

    def __init__(
        self,
        n_channels,
        length,
        hidden=32,
        context_channels=0,
        self_attention=True,
        seasonal_periods=(),
        seasonal_step=1.0,
    ):
        super().__init__()
        self.n_blocks = n_blocks_for(length)
        self.time = _TimeFeatures(length, seasonal_periods, seasonal_step)
        self.context_channels = context_channels
        extra = self.time.n_channels + context_channels
        self.inputs = nn.ModuleList(
            SNConv1d(n_channels + extra, hidden, 1) for _ in range(self.n_blocks + 1)
        )
        # blocks[k] reads length 8 * 2**(k+1) and outputs half that length.
        self.blocks = nn.ModuleList(
            _Block(hidden, hidden, self_attention) for _ in range(self.n_blocks)
        )
        self.final = _Block(hidden, hidden, self_attention)
        self.head = SNLinear(hidden * BASE_LENGTH, 1)

    def _read(self, x, phase, context, depth):
        parts = [x, self.time(phase, x.shape[-1])]
        if self.context_channels:
            parts.append(F.interpolate(context, size=x.shape[-1], mode="linear"))
        return F.leaky_relu(self.inputs[depth](torch.cat(parts, dim=1)), 0.2)

    def forward(self, x, phase, context=None, depth=None, alpha=1.0):
        depth = self.n_blocks if depth is None else depth
        h = self._read(x, phase, context, depth)
        if depth > 0:
            h = F.avg_pool1d(self.blocks[depth - 1](h), 2)
            if alpha < 1.0:
                skip = self._read(F.avg_pool1d(x, 2), phase, context, depth - 1)
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

    def forward(self, noise, series, phase, context=None):
        return self.generator(noise, series, phase, context)


def stage_length(n_blocks, total_steps):
    """Batches per growing stage of a progressive schedule (0: nothing to grow)."""
    if n_blocks == 0:
        return 0
    return max(GROWTH_FRACTION * max(total_steps, 1) / n_blocks, 1.0)


class PSAGANNet(skorch.NeuralNet):
    """skorch net with PSA-GAN's adversarial step and progressive schedule.

    ``optimizer_`` updates the generator and ``optimizer_discriminator_`` the
    discriminator (both Adam by default). ``train_step`` makes one
    discriminator update and one generator update per batch; the active depth
    and the fade-in ``alpha`` follow the batch counter: the first
    ``GROWTH_FRACTION`` of the steps grow the networks (an equal stage per
    length below the full one), the rest train at full length. Each batch is
    a dict with the real ``window`` and the conditions (``series``, ``phase``
    and, for PSA-GAN-C, ``context``).
    """

    def __init__(
        self,
        *args,
        gan_loss="lsgan",
        moment_loss=1.0,
        progressive=True,
        fade_in=True,
        steps_per_epoch=1,
        **kwargs,
    ):
        super().__init__(*args, **kwargs)
        self.gan_loss = gan_loss
        self.moment_loss = moment_loss
        self.progressive = progressive
        self.fade_in = fade_in
        self.steps_per_epoch = steps_per_epoch

    def initialize_optimizer(self, *args, **kwargs):
        module = self.module_
        args, kw = self.get_params_for_optimizer(
            "optimizer", module.generator.named_parameters()
        )
        self.optimizer_ = self.optimizer(*args, **kw)
        args, kw = self.get_params_for_optimizer(
            "optimizer", module.discriminator.named_parameters()
        )
        self.optimizer_discriminator_ = self.optimizer(*args, **kw)
        self.global_step_ = 0
        return self

    def schedule(self, step):
        """(depth, alpha) of the progressive schedule at batch ``step``."""
        n_blocks = self.module_.generator.n_blocks
        total = self.max_epochs * self.steps_per_epoch
        stage = stage_length(n_blocks, total) if self.progressive else 0
        if not stage:
            return n_blocks, 1.0
        depth = min(int(step // stage), n_blocks)
        if depth == 0 or not self.fade_in:
            return depth, 1.0
        progress_in_stage = (step - depth * stage) / stage
        return depth, float(min(1.0, progress_in_stage / FADE_FRACTION))

    def _adversarial(self, d_real, d_fake, *, generator):
        if generator:
            if self.gan_loss == "lsgan":
                return 0.5 * ((d_fake - 1.0) ** 2).mean()
            return -d_fake.mean()  # hinge and wgan
        if self.gan_loss == "lsgan":
            return 0.5 * (((d_real - 1.0) ** 2).mean() + (d_fake**2).mean())
        if self.gan_loss == "hinge":
            return F.relu(1.0 - d_real).mean() + F.relu(1.0 + d_fake).mean()
        return d_fake.mean() - d_real.mean()  # wgan (Lipschitz by spectral norm)

    def _moments(self, fake, real):
        """Moment loss: mean absolute gap of per-channel std and mean."""
        dims = (0, 2)
        std = fake.std(dim=dims, unbiased=False) - real.std(dim=dims, unbiased=False)
        mean = fake.mean(dim=dims) - real.mean(dim=dims)
        return std.abs().mean() + mean.abs().mean()

    def train_step(self, batch, **fit_params):
        Xi, _ = batch
        generator = self.module_.generator
        discriminator = self.module_.discriminator
        generator.train()
        discriminator.train()
        inputs = {key: value.to(self.device) for key, value in Xi.items()}
        real = inputs.pop("window")
        series = inputs.pop("series")
        depth, alpha = self.schedule(self.global_step_)
        # Real windows at the current resolution, blended as the generator is.
        factor = real.shape[-1] // (BASE_LENGTH * 2**depth)
        if factor > 1:
            real = F.avg_pool1d(real, factor)
        if depth > 0 and alpha < 1.0:
            coarse = F.interpolate(F.avg_pool1d(real, 2), scale_factor=2, mode="linear")
            real = alpha * real + (1.0 - alpha) * coarse
        noise = torch.randn(
            real.shape[0], generator.noise_channels, BASE_LENGTH, device=self.device
        )
        cond = {"depth": depth, "alpha": alpha, **inputs}
        fake = generator(noise, series, **cond)

        self.optimizer_discriminator_.zero_grad()
        d_loss = self._adversarial(
            discriminator(real, **cond),
            discriminator(fake.detach(), **cond),
            generator=False,
        )
        d_loss.backward()
        self.optimizer_discriminator_.step()

        self.optimizer_.zero_grad()
        g_loss = self._adversarial(None, discriminator(fake, **cond), generator=True)
        if self.moment_loss:
            g_loss = g_loss + self.moment_loss * self._moments(fake, real)
        g_loss.backward()
        self.optimizer_.step()
        self.global_step_ += 1
        self.history.record_batch("d_loss", d_loss.item())
        self.history.record_batch("length", BASE_LENGTH * 2**depth)
        self.history.record_batch("alpha", alpha)
        return {"loss": g_loss.detach(), "y_pred": fake.detach()}

    def on_epoch_end(self, net, **kwargs):
        batches = self.history[-1, "batches"]
        d_losses = [b["d_loss"] for b in batches if "d_loss" in b]
        if d_losses:
            self.history.record("train_d_loss", sum(d_losses) / len(d_losses))
            self.history.record("length", batches[-1]["length"])
            self.history.record("alpha", batches[-1]["alpha"])
        super().on_epoch_end(net, **kwargs)
