"""PSA-GAN: progressive self-attention GAN for synthetic time series."""

# Authors: sklearn-iclr developers
# SPDX-License-Identifier: BSD-3-Clause

import math
from numbers import Integral, Real

import numpy as np
from sklearn.base import BaseEstimator
from sklearn.utils import check_random_state

from .._torch import (
    TorchEstimatorMixin,
    build_net,
    check_finite,
    progress,
    seeded,
    to_numpy,
    torch,
    torch_seed,
)
from ..utils._sklearn_compat import (
    Interval,
    StrOptions,
    _fit_context,
    check_is_fitted,
)
from ._conditioning import WindowConditions, check_context, check_seasonal_periods
from ._data import numpy3d_to_layout, validate_panel
from ._psa_gan_net import (
    BASE_LENGTH,
    PSAGAN,
    PSADiscriminator,
    PSAGANNet,
    PSAGenerator,
    n_blocks_for,
    stage_length,
)
from ._windowing import MinMaxScaling, crop_offset, draw_windows, resample

__all__ = ["PSAGANGenerator"]

#: Windows generated per forward pass in ``sample``.
_SAMPLING_CHUNK = 1024


class PSAGANGenerator(TorchEstimatorMixin, BaseEstimator):
    """Progressive self-attention GAN (PSA-GAN) generating synthetic series.

    PSA-GAN [1]_ learns to generate windows of ``window_length`` time steps. Its
    generator starts from Gaussian noise at length 8; every block doubles the
    length (linear upsampling), applies a spectrally normalised Conv1d, a
    LeakyReLU and a residual self-attention layer ``x + gamma * attention(x)``
    (``gamma`` learnt from 0), and a 1x1 convolution gives the output. The
    discriminator mirrors it with average pooling. Training grows both
    networks progressively, fading each new block in (``alpha`` from 0 to 1),
    with an LSGAN loss (hinge and WGAN selectable), Adam, and a moment loss
    ``lambda * (|std(fake) - std(real)| + |mean(fake) - mean(real)|)`` added
    to the generator. With ``context_length > 0`` the generator is PSA-GAN-C:
    it is conditioned on the ``context_length`` values preceding the window
    and can continue a given series.

    Read more in the :ref:`User Guide <timeseries_guide>`.

    Parameters
    ----------
    window_length : int, default=None
        Length of the generated windows. ``None`` uses the whole length of the
        series seen in ``fit`` (minus ``context_length``), which must then be
        at least 8. The networks work at the next power of two
        ``>= max(window_length, 8)``; when the series are long enough,
        training windows of that length are drawn and the middle
        ``window_length`` steps of each generated window are kept (the first
        ones for PSA-GAN-C, which continues its context); otherwise the
        windows are resampled to it by linear interpolation and back
        (``length_strategy_`` says which was used).
    context_length : int, default=0
        Length of the context window for PSA-GAN-C; ``0`` trains the
        unconditional PSA-GAN.
    stride : int, default=1
        Step between the starts of consecutive training windows of a series.
        Larger strides make epochs shorter on long series.
    scaling : {"series", "window", "none"}, default="series"
        Min-max scaling to [0, 1] per series and channel (``"series"``, the
        TimeGAN protocol), per window and channel (``"window"``: the generator
        learns shapes, and a sample takes the minimum and range of the
        training window it imitates), or none. PSA-GAN-C
        (``context_length > 0``) always scales a window by the minimum and
        range of its context, the only values known when continuing a
        series. A channel constant over a series (or window) is generated as
        that constant.
    hidden : int, default=32
        Channels of every generator and discriminator block.
    noise_channels : int, default=8
        Channels of the Gaussian noise at length 8.
    embedding_dim : int, default=4
        Width of the learnt embedding of the series index fed to the generator
        when the panel holds more than one series; ``0`` disables it.
    self_attention : bool, default=True
        Residual self-attention in every block (``False``: the paper's
        ablation; about twice as fast, and worse on most data).
    moment_loss : float, default=1.0
        Weight ``lambda`` of the moment loss (``0``: ablation).
    progressive : bool, default=True
        Grow the networks from length 8 during the first sixth of the epochs
        (an equal stage per length below the full one), then train at full
        length (``False``: full length from the start, the paper's
        ablation).
    fade_in : bool, default=True
        Fade each new block in during the first half of its stage (``False``:
        switch abruptly, ablation).
    seasonal_periods : array-like of float, default=None
        Seasonal periods of the data in time steps, for example ``(24, 168)``
        for the daily and weekly cycles of hourly data. Give the cycles you
        know of: both networks then read the sine and cosine of each period's
        phase at every step (counted from the first time point of ``X``), and
        each sample is generated at the phase of the training window it
        imitates, so a daily cycle comes out at the hours it has in the data.
        The paper's networks read calendar features (hour of day, day of
        week, ...), which these phases stand for; ``None`` gives them only
        the relative position of each step. Not available for PSA-GAN-C.
    gan_loss : {"lsgan", "hinge", "wgan"}, default="lsgan"
        Adversarial loss. ``"wgan"`` relies on spectral normalisation for the
        Lipschitz constraint (no gradient penalty).
    max_epochs : int, default=250
        Passes over the training windows. The default is sized for a data set
        of a few thousand windows: on TimeGAN's stock windows (3662 windows,
        57 batches per epoch, about 14,000 adversarial steps) it meets both of
        TimeGAN's targets (see the User Guide). GANs need thousands of steps:
        on larger data sets fewer epochs give as many; on small ones raise it
        or lower ``batch_size``.
    batch_size : int, default=64
        Windows per mini-batch.
    lr : float, default=5e-4
        Adam learning rate of both networks (betas 0.5, 0.999).
    device : {"cpu", "cuda", "auto"}, default="cpu"
        Torch device.
    verbose : int, default=0
        ``>= 1`` prints which networks train at which lengths, then skorch's
        per-epoch table (generator and discriminator losses, current length
        and fade-in ``alpha``), and a progress bar while sampling.
    random_state : int, RandomState instance or None, default=None
        Seeds the initialisation and training; equal values give identical
        generators.

    Attributes
    ----------
    net_ : skorch.NeuralNet
        The fitted skorch net; ``net_.module_.generator`` is the generator.
    generator_ : torch.nn.Module
        The fitted generator.
    window_length_ : int
        Length of the generated windows.
    model_length_ : int
        Power-of-two length the networks work at.
    length_strategy_ : {"crop", "interpolate"}
        How ``window_length_`` maps to ``model_length_``.
    n_series_ : int
        Number of series seen in ``fit``.
    n_channels_ : int
        Number of channels per series.
    n_windows_ : int
        Number of training windows.
    layout_ : dict
        The input layout (numpy 2-D or 3-D, DataFrame, sktime mtype) that
        :meth:`sample` reproduces.
    device_ : str
        The device the networks were trained on.
    n_features_in_ : int
        Number of columns of ``X`` seen in ``fit``: timepoints for a 2-D array,
        channels for a 3-D array or a DataFrame.
    feature_names_in_ : ndarray of shape (``n_features_in_``,)
        Column names of a DataFrame ``X`` (its channels). Defined only when
        ``X`` has string column names.

    See Also
    --------
    sklearn_iclr.timeseries.metrics.context_fid : Judge synthetic windows.

    Notes
    -----
    Input layouts follow sktime's conventions: a numpy array (n_series,
    n_timepoints) (sktime's ``numpyflat``) or (n_series, n_channels,
    n_timepoints) (``numpy3D``); a pandas DataFrame is **one** series, rows
    being time steps and columns its channels (a pandas Series one univariate
    series); sktime panel data (for example a ``pd-multiindex`` frame or
    ``nested_univ``) is converted with sktime's ``datatypes``. :meth:`sample`
    returns windows in the same layout (a ``pd-multiindex`` panel with the
    same columns for a DataFrame or Series).

    References
    ----------
    .. [1] P. Jeha, M. Bohlke-Schneider, P. Mercado, S. Kapoor, R. S. Nirwan,
       V. Flunkert, J. Gasthaus, T. Januschowski, "PSA-GAN: Progressive Self
       Attention GANs for Synthetic Time Series", ICLR 2022.

    Examples
    --------
    >>> import numpy as np
    >>> from sklearn_iclr.timeseries import PSAGANGenerator
    >>> rng = np.random.RandomState(0)
    >>> t = np.arange(40)
    >>> X = np.sin(t / 3 + rng.uniform(0, 6, size=(20, 1)))  # 20 series
    >>> gan = PSAGANGenerator(window_length=16, max_epochs=2, hidden=8,
    ...                       random_state=0).fit(X)
    >>> gan.sample(5, random_state=0).shape
    (5, 16)
    """

    _parameter_constraints = {
        "window_length": [Interval(Integral, 1, None, closed="left"), None],
        "context_length": [Interval(Integral, 0, None, closed="left")],
        "stride": [Interval(Integral, 1, None, closed="left")],
        "scaling": [StrOptions({"series", "window", "none"})],
        "hidden": [Interval(Integral, 1, None, closed="left")],
        "noise_channels": [Interval(Integral, 1, None, closed="left")],
        "embedding_dim": [Interval(Integral, 0, None, closed="left")],
        "self_attention": ["boolean"],
        "moment_loss": [Interval(Real, 0, None, closed="left")],
        "progressive": ["boolean"],
        "fade_in": ["boolean"],
        "seasonal_periods": ["array-like", None],
        "gan_loss": [StrOptions({"lsgan", "hinge", "wgan"})],
        "max_epochs": [Interval(Integral, 1, None, closed="left")],
        "batch_size": [Interval(Integral, 1, None, closed="left")],
        "lr": [Interval(Real, 0, None, closed="neither")],
        **TorchEstimatorMixin._torch_parameter_constraints,
    }

    def __init__(
        self,
        window_length=None,
        *,
        context_length=0,
        stride=1,
        scaling="series",
        hidden=32,
        noise_channels=8,
        embedding_dim=4,
        self_attention=True,
        moment_loss=1.0,
        progressive=True,
        fade_in=True,
        seasonal_periods=None,
        gan_loss="lsgan",
        max_epochs=250,
        batch_size=64,
        lr=5e-4,
        device="cpu",
        verbose=0,
        random_state=None,
    ):
        self.window_length = window_length
        self.context_length = context_length
        self.stride = stride
        self.scaling = scaling
        self.hidden = hidden
        self.noise_channels = noise_channels
        self.embedding_dim = embedding_dim
        self.self_attention = self_attention
        self.moment_loss = moment_loss
        self.progressive = progressive
        self.fade_in = fade_in
        self.seasonal_periods = seasonal_periods
        self.gan_loss = gan_loss
        self.max_epochs = max_epochs
        self.batch_size = batch_size
        self.lr = lr
        self.device = device
        self.verbose = verbose
        self.random_state = random_state

    # -------------------------------------------------------------------- fit
    @_fit_context(prefer_skip_nested_validation=True)
    def fit(self, X, y=None):
        """Train the generator and discriminator on windows of the series in X.

        Parameters
        ----------
        X : array-like of shape (n_timepoints,), (n_series, n_timepoints) or \
                (n_series, n_channels, n_timepoints), DataFrame or sktime panel
            The series. A 1-D array or pandas Series is one univariate
            series; a DataFrame is one series (rows are time steps, columns
            channels), as in sktime.
        y : None
            Ignored.

        Returns
        -------
        self : PSAGANGenerator
            The fitted generator.
        """
        periods = check_seasonal_periods(self.seasonal_periods, self.context_length)
        panel, layout = validate_panel(self, X)
        windows = draw_windows(
            panel, self.window_length, self.context_length, self.stride
        )
        n_series, n_channels, _ = panel.shape
        self.layout_ = layout
        self.window_length_ = windows.window_length
        self.model_length_ = windows.model_length
        self.length_strategy_ = windows.strategy
        self.n_series_ = n_series
        self.n_channels_ = n_channels
        self.n_windows_ = len(windows.values)
        self.device_ = self._resolve_device()

        mode = "context" if self.context_length else self.scaling
        self._scaling = MinMaxScaling(mode).fit(panel, windows)
        use_embedding = (
            self.embedding_dim > 0 and n_series > 1 and not self.context_length
        )
        self._conditions = WindowConditions(windows, periods, use_embedding)
        rows = np.arange(self.n_windows_)
        scale_rows = self._scaling.row_of(rows)
        values = resample(
            self._scaling.transform(windows.values, scale_rows), self.model_length_
        )
        contexts = None
        if windows.contexts is not None:
            contexts = self._scaling.transform(windows.contexts, scale_rows)
        data = {
            "window": values.astype(np.float32),
            **self._conditions.inputs(rows, contexts),
        }

        batch_size = min(self.batch_size, self.n_windows_)
        train_seed = torch_seed(check_random_state(self.random_state))
        with seeded(train_seed, self.device_):
            module = self._build_module(use_embedding, periods)
            self.net_ = build_net(
                module,
                criterion=torch.nn.MSELoss,  # unused: train_step computes the losses
                net_class=PSAGANNet,
                optimizer="adam",
                optimizer__betas=(0.5, 0.999),
                lr=self.lr,
                max_epochs=self.max_epochs,
                batch_size=batch_size,
                device=self.device_,
                verbose=self.verbose,
                gan_loss=self.gan_loss,
                moment_loss=self.moment_loss,
                progressive=self.progressive,
                fade_in=self.fade_in,
                steps_per_epoch=math.ceil(self.n_windows_ / batch_size),
            )
            if self.verbose:
                self._announce(batch_size)
            self.net_.fit(data, None)
        self.generator_ = self.net_.module_.generator
        self.generator_.eval()
        return self

    def _announce(self, batch_size):
        """Say at verbose >= 1 which networks train, at which lengths, how long."""
        steps = math.ceil(self.n_windows_ / batch_size)
        n_blocks = n_blocks_for(self.model_length_)
        total = self.max_epochs * steps
        lengths = " -> ".join(str(BASE_LENGTH * 2**k) for k in range(n_blocks + 1))
        stage = stage_length(n_blocks, total) if self.progressive else 0
        growing = min(math.ceil(stage * n_blocks), total)
        schedule = (
            f"growing {lengths} during the first {growing} of {total} batches, "
            "then at full length"
            if stage
            else f"at full length {self.model_length_} throughout ({total} batches)"
        )
        print(
            f"PSAGANGenerator: training the generator and the discriminator on "
            f"{self.n_windows_} windows of length {self.model_length_} for "
            f"{self.max_epochs} epochs of {steps} batches of {batch_size}, "
            f"{schedule}.",
            flush=True,
        )

    def _build_module(self, use_embedding, periods):
        n_channels, length = self.n_channels_, self.model_length_
        context_channels = n_channels if self.context_length else 0
        time = {"seasonal_periods": periods, "seasonal_step": self._conditions.step}
        generator = PSAGenerator(
            n_channels,
            length,
            hidden=self.hidden,
            noise_channels=self.noise_channels,
            n_series=self.n_series_ if use_embedding else 1,
            embedding_dim=self.embedding_dim if use_embedding else 0,
            context_channels=context_channels,
            context_length=self.context_length,
            self_attention=self.self_attention,
            **time,
        )
        discriminator = PSADiscriminator(
            n_channels,
            length,
            hidden=self.hidden,
            context_channels=context_channels,
            self_attention=self.self_attention,
            **time,
        )
        return PSAGAN(generator, discriminator)

    # ----------------------------------------------------------------- sample
    def sample(self, n_samples=1, random_state=None, context=None):
        """Generate synthetic windows.

        Parameters
        ----------
        n_samples : int, default=1
            Number of windows. With ``context``, windows per context series.
        random_state : int, RandomState instance or None, default=None
            Seeds the noise (and the training windows each sample imitates:
            series, phase and, unless ``scaling="series"``, scale); equal
            values give identical samples.
        context : array-like of shape (n_contexts, context_length) or \
                (n_contexts, n_channels, context_length), default=None
            PSA-GAN-C only (required then): the values preceding each window
            to generate; the output holds ``n_samples`` continuations of each
            context, context by context.

        Returns
        -------
        windows : ndarray, DataFrame or sktime panel
            ``n_samples`` windows of ``window_length_`` steps in the layout of
            the data given to ``fit``: (n_samples, ``window_length_``) or
            (n_samples, n_channels, ``window_length_``) arrays of float64, or
            the sktime mtype of X.
        """
        check_is_fitted(self)
        if not isinstance(n_samples, Integral) or n_samples < 1:
            raise ValueError(
                f"n_samples must be a positive integer, got {n_samples!r}."
            )
        values = self._generate(
            self.generator_,
            n_samples,
            check_random_state(random_state),
            context,
            verbose=self.verbose,
        )
        return numpy3d_to_layout(values, self.layout_)

    def _generate(self, generator, n_samples, rng, context, *, verbose):
        """(n, n_channels, window_length_) windows of ``generator``, rescaled."""
        ctx = check_context(context, self.n_channels_, self.context_length)
        if ctx is not None:
            ctx = np.repeat(ctx, n_samples, axis=0)
            lo, scale = MinMaxScaling.of_contexts(ctx)
            scaling = MinMaxScaling("given")
            scaling.lo_, scaling.range_ = lo, scale
            rows = np.arange(len(ctx))
            inputs = self._conditions.for_contexts(scaling.transform(ctx, rows))
        else:
            scaling = self._scaling
            picked = self._conditions.draw(n_samples, rng)
            rows = scaling.row_of(picked)
            inputs = self._conditions.inputs(picked)
        total = len(rows)
        out = []
        with seeded(torch_seed(rng), self.device_), torch.no_grad():
            generator.eval()
            for start in progress(
                range(0, total, _SAMPLING_CHUNK),
                verbose=verbose,
                desc=f"PSAGANGenerator: sampling {total} windows",
            ):
                stop = min(start + _SAMPLING_CHUNK, total)
                noise = torch.randn(
                    stop - start,
                    generator.noise_channels,
                    BASE_LENGTH,
                    device=self.device_,
                )
                batch = {
                    key: torch.as_tensor(value[start:stop], device=self.device_)
                    for key, value in inputs.items()
                }
                out.append(to_numpy(generator(noise, **batch)))
        values = np.concatenate(out).astype(np.float64)
        check_finite(values, "the generated windows", hint=f"Lower lr={self.lr!r}.")
        if self.length_strategy_ == "crop":
            values = self._crop(values)
        else:
            values = resample(values, self.window_length_)
        return scaling.inverse(values, rows)

    def _crop(self, values):
        """The ``window_length_`` steps kept of model-length windows."""
        offset = crop_offset(values.shape[2], self.window_length_, self.context_length)
        return values[:, :, offset : offset + self.window_length_]

    def __sklearn_tags__(self):
        tags = super().__sklearn_tags__()
        tags.input_tags.three_d_array = True
        tags.non_deterministic = False
        return tags
