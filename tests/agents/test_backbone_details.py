"""What the three-way tests cannot see: initialisations, convolution modes (S4D, H3), codebook loss, mode choice."""

from __future__ import annotations

import jax
import jax.numpy as jnp
import numpy as np
import pytest
from test_backbone_references import REFERENCES
from test_backbones import make_case, relative_error, to_numpy64

from arenax.agents import backbones
from arenax.agents.backbones import hippo, s4d


def initialize(module: backbones.Backbone, input_width: int):
    """Parameters for inputs of `input_width`, from a jitted init (eager init compiles op by op)."""
    inputs, resets = jnp.zeros((2, 1, input_width)), jnp.zeros((2, 1), bool)
    return jax.jit(lambda key: module.init(key, module.initialize_carry(1), inputs, resets))(jax.random.key(0))


@pytest.mark.parametrize("name", ["s4d", "h3"])
def test_convolution_mode_matches_reference_on_a_sequence_without_resets(name):
    case = make_case(name)
    no_resets = jnp.zeros_like(case.resets)
    convolve = jax.jit(lambda params, carry, inputs: case.module.apply(params, carry, inputs, method="convolve"))
    actual = convolve(case.params, case.carry, case.inputs)
    expected = REFERENCES[name](case.module, *to_numpy64((case.params, case.carry, case.inputs, no_resets)))
    assert relative_error(actual, expected) < 1e-5


def test_s4d_starts_from_the_diagonal_part_of_legs():
    module = backbones.make("s4d", features=3, state_size=8)
    params = initialize(module, 4)
    ssm = params["params"]["ssm"]
    eigenvalues = -np.exp(ssm["log_neg_real"]) + 1j * ssm["imag"]
    expected, _ = hippo.legs_normal_eigen(8)
    expected = expected[expected.imag > 0]
    np.testing.assert_allclose(eigenvalues, np.tile(expected, (3, 1)), rtol=1e-6)
    _, input_vector = s4d.legs_diagonal_init(8)
    stored = ssm["input_vector"][0] + 1j * ssm["input_vector"][1]
    np.testing.assert_allclose(stored, np.tile(input_vector, (3, 1)), rtol=1e-6)
    steps = np.exp(ssm["log_step"])
    assert np.all((steps >= 1e-3 * (1 - 1e-6)) & (steps <= 1e-1 * (1 + 1e-6)))


def test_lru_starts_on_its_ring_with_normalised_inputs():
    module = backbones.make("lru", features=4, state_size=256, r_min=0.5, r_max=0.9, max_phase=1.0)
    params = initialize(module, 3)
    p = params["params"]
    magnitude = np.exp(-np.exp(p["nu_log"]))
    phase = np.exp(p["theta_log"])
    assert magnitude.min() >= 0.5 - 1e-6 and magnitude.max() <= 0.9 + 1e-6
    assert phase.min() > 0 and phase.max() <= 1.0 + 1e-6
    np.testing.assert_allclose(np.exp(p["gamma_log"]), np.sqrt(1 - magnitude**2), rtol=1e-5)


def test_s5_starts_as_the_legs_system_in_its_eigenbasis():
    """With eigen initialisation, C B of S5 equals C0 B0 (V V^* = I), i.e. the basis change is exact."""
    module = backbones.make("s5", features=3, state_size=8)
    params = initialize(module, 4)
    p = params["params"]
    eigenvalues = p["eigenvalues"][0] + 1j * p["eigenvalues"][1]
    expected, _ = hippo.legs_normal_eigen(8)
    np.testing.assert_allclose(eigenvalues, expected, rtol=1e-6)
    b = p["input_matrix"]["kernel"][0] + 1j * p["input_matrix"]["kernel"][1]
    c = p["output_matrix"][0] + 1j * p["output_matrix"][1]
    # C B is real: the complex basis describes a real system.
    assert np.abs((b @ c).imag).max() < 1e-5 * np.abs(b @ c).max()


def test_longvq_commitment_loss_trains_the_key_projection_and_codebook():
    module = backbones.make("longvq", features=4, codebook_size=3, key_size=2)
    inputs = jax.random.normal(jax.random.key(1), (5, 2, 3))
    params = initialize(module, 3)
    grads = jax.jit(jax.grad(lambda p: module.apply(p, inputs, method="commitment_loss")))(params)["params"]
    assert np.abs(grads["key"]["kernel"]).max() > 0
    assert np.abs(grads["codebook"]).max() > 0
    assert np.abs(grads["query"]["kernel"]).max() == 0


def test_auto_mode_picks_the_sequential_scan_on_cpu():
    assert jax.default_backend() == "cpu"
    assert backbones.resolve_mode("auto") == "sequential"
    assert backbones.resolve_mode("associative") == "associative"


def test_defaults_lists_each_backbones_sizes():
    assert backbones.defaults("s5") == {
        "features": None,
        "state_size": 64,
        "blocks": 1,
        "dt_min": 1e-3,
        "dt_max": 1e-1,
        "mode": "auto",
    }
    assert "initialization" not in backbones.defaults("s5_ptd")
    module = backbones.make("s5_ptd", features=4, state_size=4)
    assert module.initialization == "ptd" and module.features == 4


def test_complex_layers_multiply_real_inputs_by_real_products():
    """S5 and LRU project real inputs and read out complex states in real products: the complex products' numbers."""
    from arenax.agents.backbones.layers import ComplexDense, real_readout, unstack_complex

    keys = jax.random.split(jax.random.key(1), 4)
    x = jax.random.normal(keys[0], (5, 3))
    layer = ComplexDense(4, lambda key, width: jax.random.normal(key, (width, 4)) * (1 + 0.5j))
    params = layer.init(keys[1], x)
    kernel = unstack_complex(params["params"]["kernel"])
    np.testing.assert_allclose(layer.apply(params, x), x.astype(jnp.complex64) @ kernel, rtol=1e-5, atol=1e-6)
    states = jax.random.normal(keys[2], (5, 4)) + 1j * jax.random.normal(keys[3], (5, 4))
    readout = kernel.T  # [4, 3]
    stacked = jnp.stack([readout.real, readout.imag])
    np.testing.assert_allclose(real_readout(states, stacked), (states @ readout).real, rtol=1e-5, atol=1e-6)


@pytest.mark.parametrize("decay_shape", [(4,), (7, 1, 4)])
@pytest.mark.parametrize("dtype", [jnp.float32, jnp.complex64])
def test_sequential_recurrence_backward_pass_matches_autodiff_of_the_scan(decay_shape, dtype):
    """The hand-written adjoint of the sequential scan gives JAX's own gradients, initial state included."""
    from arenax.agents.backbones import scan

    keys = jax.random.split(jax.random.key(2), 5)

    def draw(key, shape):
        real, imag = jax.random.normal(key, (2, *shape))
        return (real + 1j * imag).astype(dtype) if dtype == jnp.complex64 else real

    decay, increment, initial = draw(keys[0], decay_shape), draw(keys[1], (7, 3, 4)), draw(keys[2], (3, 4))
    keep = 1 - jax.random.bernoulli(keys[3], 0.3, (7, 3, 1)).astype(jnp.float32)
    weights = draw(keys[4], (7, 3, 4))

    def loss(recurrence):
        return lambda *args: jnp.sum(jnp.real(jnp.conj(weights) * recurrence(args[0], args[1], keep, args[2])))

    ours = jax.grad(loss(scan.sequential_recurrence), argnums=(0, 1, 2))(decay, increment, initial)
    autodiff = jax.grad(loss(scan._forward_scan), argnums=(0, 1, 2))(decay, increment, initial)
    for actual, expected in zip(ours, autodiff):
        assert actual.dtype == expected.dtype
        np.testing.assert_allclose(actual, expected, rtol=1e-5, atol=1e-5)
