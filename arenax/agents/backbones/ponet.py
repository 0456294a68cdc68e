"""PoNet (Tan et al., 2022) made causal: global average, segment max and local max pooling, mixed per step."""

from __future__ import annotations

from typing import Any

import flax.linen as nn
import jax
import jax.numpy as jnp

from arenax.agents.backbones.base import (
    SCAN_MODES,
    Backbone,
    check_choice,
    check_positive,
    check_sequence,
    check_step,
    resolve_mode,
)
from arenax.agents.backbones.scan import expand_resets, linear_recurrence, steps_since_start
from arenax.agents.backbones.windows import sequence_window, step_window, window_max, zero_window_carry


def combine_segment_max(earlier: tuple[jax.Array, jax.Array], later: tuple[jax.Array, jax.Array]):
    """The resettable-max monoid: a running max that restarts wherever `later` starts a segment."""
    starts_earlier, max_earlier = earlier
    starts_later, max_later = later
    restarted = expand_resets(starts_later, max_later.ndim)
    return starts_earlier | starts_later, jnp.where(restarted, max_later, jnp.maximum(max_earlier, max_later))


class PoNet(Backbone):
    """o[t] = g[t] * x_o[t] + s[t] + l[t], y = W(o): PoNet's three poolings, each causal and recurrent.

    - global: g[t] is the mean of x_g over the episode so far (a resettable
      sum and count). PoNet's second global stage, a softmax attention of the
      pooled query over all keys, is left out: its query changes every step,
      so it must revisit every past key and has no fixed-size state.
    - segment: s[t] is the max of x_s over the current segment of
      `segment_size` steps, segments counted from the episode start; in the
      parallel mode a resettable-max monoid in `lax.associative_scan`, since a
      max state cannot be reset by multiplying it by zero.
    - local: l[t] is the max of x_l over the last `window` steps of the episode.

    Sizes: `features`, `segment_size`, `window`. `mode` for the pooling
    scans: "sequential", "associative" or "auto" (sequential on CPUs). The
    carry is `{"sum", "count", "segment_max", "segment_position", "local"}`.
    """

    segment_size: int = 32
    window: int = 4
    mode: str = "auto"

    parallel_modes = SCAN_MODES

    def check_sizes(self) -> None:
        check_positive(self, "segment_size", "window")
        check_choice(self, "mode", ("auto", *SCAN_MODES))

    def setup(self):
        self.projections = nn.Dense(4 * self.features, name="projections")
        self.output_projection = nn.Dense(self.features, name="output_projection")

    def initialize_carry(self, batch_size: int) -> dict[str, Any]:
        zeros = jnp.zeros((batch_size, self.features), jnp.float32)
        return {
            "sum": zeros,
            "count": jnp.zeros((batch_size,), jnp.float32),
            "segment_max": zeros,
            "segment_position": jnp.zeros((batch_size,), jnp.int32),
            "local": zero_window_carry(batch_size, self.window, (self.features,)),
        }

    def _output(self, mean: jax.Array, x_o: jax.Array, segment_max: jax.Array, local_max: jax.Array) -> jax.Array:
        return self.output_projection(mean * x_o + segment_max + local_max)

    def __call__(self, carry: dict[str, Any], inputs: jax.Array, resets: jax.Array) -> tuple[dict[str, Any], jax.Array]:
        check_sequence(inputs, resets)
        x_g, x_s, x_l, x_o = jnp.split(self.projections(inputs), 4, axis=-1)
        mode = resolve_mode(self.mode)
        sums, last_sum = linear_recurrence(1.0, x_g, resets, carry["sum"], mode)
        counts, last_count = linear_recurrence(1.0, jnp.ones(resets.shape), resets, carry["count"], mode)
        position = steps_since_start(resets, carry["segment_position"]) % self.segment_size
        starts = position == 0
        if mode == "sequential":

            def one_step(running, step_inputs):
                start, x = step_inputs
                running = jnp.where(start[:, None], x, jnp.maximum(running, x))
                return running, running

            last_max, maxima = jax.lax.scan(one_step, carry["segment_max"], (starts, x_s))
        else:
            first = jnp.where(starts[0][:, None], x_s[0], jnp.maximum(carry["segment_max"], x_s[0]))
            elements = (starts.at[0].set(True), x_s.at[0].set(first))
            _, maxima = jax.lax.associative_scan(combine_segment_max, elements)
            last_max = maxima[-1]
        local_carry, window = sequence_window(carry["local"], x_l, resets)
        outputs = self._output(sums / counts[..., None], x_o, maxima, window_max(window))
        carry = {
            "sum": last_sum,
            "count": last_count,
            "segment_max": last_max,
            "segment_position": ((position[-1] + 1) % self.segment_size).astype(jnp.int32),
            "local": local_carry,
        }
        return carry, outputs

    def step(self, carry: dict[str, Any], u: jax.Array, reset: jax.Array) -> tuple[dict[str, Any], jax.Array]:
        check_step(u, reset)
        x_g, x_s, x_l, x_o = jnp.split(self.projections(u), 4, axis=-1)
        keep = 1 - reset.astype(jnp.float32)
        total = keep[:, None] * carry["sum"] + x_g
        count = keep * carry["count"] + 1
        position = jnp.where(reset, 0, carry["segment_position"])
        running = jnp.where((position == 0)[:, None], x_s, jnp.maximum(carry["segment_max"], x_s))
        local_carry, window = step_window(carry["local"], x_l, reset)
        carry = {
            "sum": total,
            "count": count,
            "segment_max": running,
            "segment_position": ((position + 1) % self.segment_size).astype(jnp.int32),
            "local": local_carry,
        }
        return carry, self._output(total / count[:, None], x_o, running, window_max(window))
