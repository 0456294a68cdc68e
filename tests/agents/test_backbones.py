"""Every backbone: its interface, the reset convention, and parallel mode = recurrent steps = float64 reference."""

from __future__ import annotations

import dataclasses
import functools
from typing import Any

import jax
import jax.numpy as jnp
import numpy as np
import pytest
from test_backbone_references import REFERENCES

from arenax.agents import backbones

LENGTH, BATCH, INPUT_WIDTH = 10, 2, 5
TOLERANCE = 1e-5

# Tiny sizes keep compilation short; the input width differs from `features` on purpose.
SIZES: dict[str, dict[str, Any]] = {
    "gla": {"features": 8, "heads": 2, "gate_rank": 3, "chunk_size": 4},
    "gru": {"features": 6},
    "h3": {"features": 6, "state_size": 8, "shift_size": 4, "chunk_size": 4},
    "longvq": {"features": 6, "codebook_size": 4, "key_size": 3, "chunk_size": 4},
    "lstm": {"features": 6},
    "mamba": {"features": 6, "state_size": 4, "expand": 2, "conv_width": 4, "chunk_size": 4},
    "lru": {"features": 6, "state_size": 8},
    "ponet": {"features": 6, "segment_size": 3, "window": 3},
    "s4d": {"features": 6, "state_size": 8, "chunk_size": 4},
    "s5": {"features": 6, "state_size": 8},
    "s5_ptd": {"features": 6, "state_size": 8, "blocks": 2},
    "tcnca": {"features": 6, "heads": 2, "kernel_size": 2, "levels": 2, "window": 4},
    "transnormer": {"features": 8, "heads": 2, "window": 4, "chunk_size": 4},
}


def relative_error(actual: Any, expected: Any) -> float:
    """The largest leaf-wise ||actual - expected|| / ||expected|| over two pytrees of the same structure."""
    errors = jax.tree_util.tree_map(
        lambda a, e: float(np.linalg.norm(np.asarray(a) - np.asarray(e)) / max(np.linalg.norm(np.asarray(e)), 1e-30)),
        actual,
        expected,
    )
    return max(jax.tree_util.tree_leaves(errors))


def random_like(tree: Any, seed: int) -> Any:
    """Standard normal numpy arrays shaped like the floating leaves of `tree` (complex where they are complex)."""
    rng = np.random.default_rng(seed)

    def draw(leaf):
        leaf = np.asarray(leaf)
        if np.issubdtype(leaf.dtype, np.complexfloating):
            return rng.standard_normal(leaf.shape) + 1j * rng.standard_normal(leaf.shape)
        if np.issubdtype(leaf.dtype, np.floating):
            return rng.standard_normal(leaf.shape)
        return np.zeros(leaf.shape)

    return jax.tree_util.tree_map(draw, tree)


def weighted_sum(tree: Any, weights: Any) -> Any:
    """The real linear functional sum(Re(w) Re(x) + Im(w) Im(x)) over all leaves: the loss for gradient checks."""
    terms = jax.tree_util.tree_map(lambda x, w: (x.real * w.real).sum() + (x.imag * w.imag).sum(), tree, weights)
    return sum(jax.tree_util.tree_leaves(terms))


def to_numpy64(tree: Any) -> Any:
    """Floating leaves as float64 or complex128 numpy arrays, the rest as numpy arrays."""

    def widen(leaf):
        leaf = np.asarray(leaf)
        if np.issubdtype(leaf.dtype, np.complexfloating):
            return leaf.astype(np.complex128)
        if np.issubdtype(leaf.dtype, np.floating):
            return leaf.astype(np.float64)
        return leaf

    return jax.tree_util.tree_map(widen, tree)


def perturb_carry(carry: Any, key: jax.Array) -> Any:
    """Adds noise to the floating leaves of a carry, so the initial state is non-zero and not a fixed point."""
    leaves, treedef = jax.tree_util.tree_flatten(carry)
    noisy = []
    for index, leaf in enumerate(leaves):
        if jnp.issubdtype(leaf.dtype, jnp.inexact):
            noise = jax.random.normal(jax.random.fold_in(key, index), leaf.shape, jnp.float32)
            leaf = leaf + (0.3 * noise).astype(leaf.dtype)
        noisy.append(leaf)
    return jax.tree_util.tree_unflatten(treedef, noisy)


@dataclasses.dataclass
class Case:
    """One backbone with parameters, a non-zero initial carry, random inputs and resets."""

    name: str
    module: backbones.Backbone
    params: Any
    carry: Any
    inputs: jax.Array
    resets: jax.Array

    def modules(self) -> dict[str, backbones.Backbone]:
        """The module in each of its parallel modes ("default" when it has a single one)."""
        if not self.module.parallel_modes:
            return {"default": self.module}
        return {mode: self.module.clone(mode=mode) for mode in self.module.parallel_modes}


@functools.partial(jax.jit, static_argnums=0)
def initialize(module, key, inputs, resets, warm_up):
    zero = module.initialize_carry(BATCH)
    params = module.init(key, zero, inputs, resets)
    # A reset near the end of row 1's warm-up leaves its history windows partly filled.
    warm_up_resets = jnp.zeros(resets.shape, bool).at[-2, 1].set(True)
    carry, _ = module.apply(params, zero, warm_up, warm_up_resets)
    return params, carry


def make_case(name: str) -> Case:
    module = backbones.make(name, **SIZES[name])
    keys = jax.random.split(jax.random.key(sum(map(ord, name))), 5)
    inputs = jax.random.normal(keys[0], (LENGTH, BATCH, INPUT_WIDTH))
    resets = jax.random.bernoulli(keys[1], 0.25, (LENGTH, BATCH)).at[LENGTH // 2, 0].set(True)
    # A realistic non-zero carry: the state after a warm-up sequence, plus noise.
    warm_up = jax.random.normal(keys[3], (LENGTH, BATCH, INPUT_WIDTH))
    params, carry = initialize(module, keys[2], inputs, resets, warm_up)
    return Case(name, module, params, perturb_carry(carry, keys[4]), inputs, resets)


def run_parallel(module, params, carry, inputs, resets):
    return module.apply(params, carry, inputs, resets)


def run_steps(module, params, carry, inputs, resets):
    def one_step(state, step_inputs):
        x, reset = step_inputs
        return module.apply(params, state, x, reset, method="step")

    return jax.lax.scan(one_step, carry, (inputs, resets))


@functools.partial(jax.jit, static_argnums=0)
def run_in_two_chunks(module, params, carry, inputs, resets):
    split = 2 * LENGTH // 3
    carry, first = module.apply(params, carry, inputs[:split], resets[:split])
    carry, second = module.apply(params, carry, inputs[split:], resets[split:])
    return carry, jnp.concatenate([first, second])


@functools.partial(jax.jit, static_argnums=(0, 1))
def forward_and_gradients(run, module, params, carry, inputs, resets, weights):
    """`(carry, outputs)` and the gradient of `weighted_sum((carry, outputs), weights)` wrt params and inputs."""

    def loss(params, inputs):
        result = run(module, params, carry, inputs, resets)
        return weighted_sum(result, weights), result

    grads, result = jax.grad(loss, argnums=(0, 1), has_aux=True)(params, inputs)
    return result, grads


def reference_directional_derivatives(reference, case, weights, directions, epsilon=1e-6):
    """Float64 central differences of the reference loss along `directions` (one per parameter leaf, one for inputs)."""
    params, carry, inputs, resets = to_numpy64((case.params, case.carry, case.inputs, case.resets))

    def loss(params, inputs):
        return weighted_sum(reference(case.module, params, carry, inputs, resets), weights)

    derivatives = []
    param_leaves, treedef = jax.tree_util.tree_flatten(params)
    for index, direction in enumerate(jax.tree_util.tree_leaves(directions[0])):

        def shifted(sign, index=index, direction=direction):
            leaves = list(param_leaves)
            leaves[index] = leaves[index] + sign * epsilon * direction
            return jax.tree_util.tree_unflatten(treedef, leaves)

        derivatives.append((loss(shifted(1), inputs) - loss(shifted(-1), inputs)) / (2 * epsilon))
    shift = epsilon * directions[1]
    derivatives.append((loss(params, inputs + shift) - loss(params, inputs - shift)) / (2 * epsilon))
    return np.array(derivatives)


@pytest.fixture(scope="module", params=sorted(SIZES))
def results(request) -> dict[str, Any]:
    """Everything the three-way tests compare, computed once per backbone."""
    case = make_case(request.param)
    data = (case.params, case.carry, case.inputs, case.resets)
    reference = REFERENCES[case.name]
    expected = reference(case.module, *to_numpy64(data))
    weights = random_like(expected, seed=1)
    out: dict[str, Any] = {"case": case, "reference": expected, "case-weights": weights}
    for mode, module in case.modules().items():
        out[f"parallel/{mode}"], out[f"parallel-grad/{mode}"] = forward_and_gradients(
            run_parallel, module, *data, weights
        )
        out[f"chunks/{mode}"] = run_in_two_chunks(module, *data)
    out["steps"], out["steps-grad"] = forward_and_gradients(run_steps, case.module, *data, weights)
    directions = random_like((case.params, case.inputs), seed=2)
    out["directions"] = directions
    out["reference-derivatives"] = reference_directional_derivatives(reference, case, weights, directions)
    return out


def parallel_keys(results, prefix):
    return [key for key in results if key.startswith(prefix + "/")]


def test_parallel_mode_matches_reference(results):
    for key in parallel_keys(results, "parallel"):
        assert relative_error(results[key], results["reference"]) < TOLERANCE, key


def test_recurrent_steps_match_reference(results):
    assert relative_error(results["steps"], results["reference"]) < TOLERANCE


def test_sequence_split_in_two_chunks_matches_reference(results):
    for key in parallel_keys(results, "chunks"):
        assert relative_error(results[key], results["reference"]) < TOLERANCE, key


def test_gradients_match_reference_finite_differences(results):
    """Directional derivatives from each mode's gradient against float64 central differences of the reference."""
    expected = results["reference-derivatives"]
    param_directions, input_directions = results["directions"]
    for key in parallel_keys(results, "parallel-grad") + ["steps-grad"]:
        param_grads, input_grads = results[key]
        pairs = list(zip(jax.tree_util.tree_leaves(param_grads), jax.tree_util.tree_leaves(param_directions)))
        pairs.append((input_grads, input_directions))
        for index, (grad, direction) in enumerate(pairs):
            grad = np.asarray(grad, np.float64)
            actual = np.sum(grad * direction)
            # A gradient within relative error TOLERANCE of the true one (in norm) is within this bound.
            bound = TOLERANCE * np.linalg.norm(grad) * np.linalg.norm(direction)
            assert abs(actual - expected[index]) <= bound, (key, index)


def test_gradients_of_all_modes_agree(results):
    for key in parallel_keys(results, "parallel-grad"):
        assert relative_error(results[key], results["steps-grad"]) < TOLERANCE, key


def test_carry_keeps_its_structure_and_batch_axis(results):
    case = results["case"]
    zero = case.module.initialize_carry(BATCH)
    shapes = jax.tree_util.tree_map(lambda leaf: (leaf.shape, leaf.dtype), zero)
    for key in ["steps", *parallel_keys(results, "parallel")]:
        assert jax.tree_util.tree_map(lambda leaf: (leaf.shape, leaf.dtype), results[key][0]) == shapes, key
    assert all(leaf.shape[0] == BATCH and not np.any(leaf) for leaf in jax.tree_util.tree_leaves(zero))
    assert results["steps"][1].shape == (LENGTH, BATCH, case.module.features)


def test_reset_zeroes_the_state_before_its_own_step(results):
    """`resets[t]` True: outputs from t on ignore everything before t, and output t-1 still sees it (no off-by-one)."""
    case = results["case"]
    start = LENGTH // 2
    resets = jnp.zeros((LENGTH, BATCH), bool).at[start, 0].set(True)
    changed_inputs = case.inputs.at[:start].add(1.0)
    changed_carry = perturb_carry(case.carry, jax.random.key(7))
    weights = results["case-weights"]
    for run in (run_parallel, run_steps):
        for module in case.modules().values() if run is run_parallel else [case.module]:
            (_, outputs), _ = forward_and_gradients(run, module, case.params, case.carry, case.inputs, resets, weights)
            (_, changed), _ = forward_and_gradients(
                run, module, case.params, changed_carry, changed_inputs, resets, weights
            )
            np.testing.assert_allclose(changed[start:, 0], outputs[start:, 0], rtol=1e-5, atol=1e-6)
            assert not np.allclose(changed[start - 1, 0], outputs[start - 1, 0], atol=1e-4)
            assert not np.allclose(changed[start:, 1], outputs[start:, 1], atol=1e-4)


def test_names_lists_every_backbone_and_each_is_tested():
    assert set(backbones.names()) == set(SIZES) == set(REFERENCES)


def test_make_rejects_unknown_names_and_sizes():
    with pytest.raises(ValueError, match="valid names: .*gru"):
        backbones.make("transformer-xl", features=8)
    with pytest.raises(ValueError, match="does not take \\['hidden'\\]"):
        backbones.make("gru", features=8, hidden=3)
    with pytest.raises(ValueError, match="needs features"):
        backbones.make("s5")
    with pytest.raises(ValueError, match="features must be a positive integer"):
        backbones.make("gru", features=0)
    with pytest.raises(ValueError, match="mode must be one of"):
        backbones.make("s5", features=8, mode="fft")


def test_backbones_reject_misshapen_inputs():
    module = backbones.make("gru", features=4)
    carry = module.initialize_carry(2)
    params = module.init(jax.random.key(0), carry, jnp.zeros((3, 2, 5)), jnp.zeros((3, 2), bool))
    with pytest.raises(ValueError, match="resets must be \\[T, B\\]"):
        module.apply(params, carry, jnp.zeros((3, 2, 5)), jnp.zeros((3,), bool))
    with pytest.raises(ValueError, match="inputs must be \\[T, B, D\\]"):
        module.apply(params, carry, jnp.zeros((2, 5)), jnp.zeros((2,), bool))
    with pytest.raises(ValueError, match="x must be \\[B, D\\]"):
        module.apply(params, carry, jnp.zeros((3, 2, 5)), jnp.zeros((3, 2), bool), method="step")
