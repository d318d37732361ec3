"""`DropoutRNNCell`: the per-sequence dropout masks shared by the recurrent cells."""

from __future__ import annotations

from lamina import ops, random

__all__ = ["DropoutRNNCell"]


class DropoutRNNCell:
    """Mixin that creates one dropout mask per sequence and reuses it at every step.

    A cell using it defines `dropout`, `recurrent_dropout` and `seed_generator`, and may
    set `dropout_mask_count` to get a list of that many masks (one per gate). The RNN
    layer calls `reset_dropout_mask` and `reset_recurrent_dropout_mask` after each
    sequence, so masks are shared across the time steps of one batch only.
    """

    def _create_dropout_mask(self, step_input, dropout_rate):
        count = getattr(self, "dropout_mask_count", None)
        ones = ops.ones_like(step_input)
        if count is None:
            return random.dropout(ones, rate=dropout_rate, seed=self.seed_generator)
        return [
            random.dropout(ones, rate=dropout_rate, seed=self.seed_generator) for _ in range(count)
        ]

    def get_dropout_mask(self, step_input):
        """The input dropout mask of this sequence (created on first use), or None."""
        if getattr(self, "_dropout_mask", None) is None and self.dropout > 0:
            self._dropout_mask = self._create_dropout_mask(step_input, self.dropout)
        return getattr(self, "_dropout_mask", None)

    def get_recurrent_dropout_mask(self, step_input):
        """The recurrent-state dropout mask of this sequence (created on first use), or None."""
        if getattr(self, "_recurrent_dropout_mask", None) is None and self.recurrent_dropout > 0:
            self._recurrent_dropout_mask = self._create_dropout_mask(
                step_input, self.recurrent_dropout
            )
        return getattr(self, "_recurrent_dropout_mask", None)

    def reset_dropout_mask(self):
        """Forget the input dropout mask: the next sequence draws a new one."""
        self._dropout_mask = None

    def reset_recurrent_dropout_mask(self):
        """Forget the recurrent dropout mask: the next sequence draws a new one."""
        self._recurrent_dropout_mask = None
