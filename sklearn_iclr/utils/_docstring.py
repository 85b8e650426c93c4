"""Sharing parameter descriptions between twin classes' docstrings."""

# Authors: sklearn-iclr developers
# SPDX-License-Identifier: BSD-3-Clause

__all__ = ["Substitution"]


class Substitution:
    """Decorator filling ``{name}`` placeholders of a docstring.

    Twin classes (an embedder and its classifier, a classifier and its
    regressor) document their shared parameters once, as strings indented for
    a class docstring's Parameters section, and each class writes
    ``{name}`` where a shared block goes. Only placeholders named in the call
    are replaced, so other braces in the docstring are left alone.

    Parameters
    ----------
    **blocks : str
        The text of each placeholder.

    Examples
    --------
    >>> from sklearn_iclr.utils._docstring import Substitution
    >>> @Substitution(lr="lr : float, default=0.01\\n        Learning rate.")
    ... class Model:
    ...     '''A model.
    ...
    ...     Parameters
    ...     ----------
    ...     {lr}
    ...     '''
    >>> print(Model.__doc__.split("----------")[1].strip())
    lr : float, default=0.01
            Learning rate.
    """

    def __init__(self, **blocks):
        self.blocks = blocks

    def __call__(self, obj):
        doc = obj.__doc__
        if doc is not None:
            for name, text in self.blocks.items():
                placeholder = "{" + name + "}"
                if placeholder not in doc:
                    raise ValueError(
                        f"{obj.__qualname__}'s docstring has no {placeholder}"
                    )
                doc = doc.replace(placeholder, text.strip())
            obj.__doc__ = doc
        return obj
