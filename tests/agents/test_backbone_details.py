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
