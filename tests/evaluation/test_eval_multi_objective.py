"""Multi-objective metrics on hand-computed fronts, and hypervolume / IGD against pymoo on random fronts."""

import numpy as np
import pytest

from arenax.evaluation import (
    cardinality,
    default_weights,
    expected_utility,
    hypervolume,
    igd,
    maximum_utility_loss,
    pareto_front,
    pareto_mask,
    simplex_weights,
    sparsity,
)

STAIRCASE = np.array([[1.0, 3.0], [2.0, 2.0], [3.0, 1.0], [1.0, 1.0], [2.0, 2.0]])


def test_pareto_filter_drops_dominated_points_and_duplicates():
    assert pareto_mask(STAIRCASE).tolist() == [True, True, True, False, True]
    assert pareto_front(STAIRCASE).tolist() == [[1.0, 3.0], [2.0, 2.0], [3.0, 1.0]]
    assert cardinality(STAIRCASE) == 3
    # a point equal in one objective and better in the other dominates
    assert pareto_front([[1.0, 1.0], [1.0, 2.0]]).tolist() == [[1.0, 2.0]]


def test_pareto_mask_matches_pairwise_definition_with_ties():
    rng = np.random.default_rng(1)
    points = rng.integers(0, 4, size=(300, 3)).astype(float)  # many ties and duplicates
    at_least = np.all(points[None, :, :] >= points[:, None, :], axis=-1)
    better = np.any(points[None, :, :] > points[:, None, :], axis=-1)
    expected = ~np.any(at_least & better, axis=1)
    np.testing.assert_array_equal(pareto_mask(points), expected)


def test_hypervolume_two_objectives_by_hand():
    # union of the rectangles [0,1]x[0,3], [0,2]x[0,2], [0,3]x[0,1]: 3 + 2 + 1
    assert hypervolume(STAIRCASE, [0.0, 0.0]) == pytest.approx(6.0)
    assert hypervolume(STAIRCASE, [1.0, 1.0]) == pytest.approx(1.0)
    assert hypervolume([[0.5, 5.0]], [1.0, 0.0]) == 0.0, "points not dominating the reference add nothing"
    assert hypervolume(np.zeros((0, 2)), [0.0, 0.0]) == 0.0


def test_hypervolume_three_and_four_objectives_by_hand():
    # two boxes [0,2]x[0,1]x[0,1] and [0,1]x[0,2]x[0,1] overlap in the unit cube: 2 + 2 - 1
    assert hypervolume([[2, 1, 1], [1, 2, 1]], [0, 0, 0]) == pytest.approx(3.0)
    # three unit-overlap boxes of volume 2 each, pairwise overlap 1, triple overlap 1: 6 - 3 + 1
    assert hypervolume([[2, 1, 1], [1, 2, 1], [1, 1, 2]], [0, 0, 0]) == pytest.approx(4.0)
    assert hypervolume([[2, 3, 4, 5]], [1, 1, 1, 1]) == pytest.approx(1 * 2 * 3 * 4)
    corners = np.eye(4) + 1.0  # four boxes of volume 2, every intersection the unit box: 8 - 6 + 4 - 1
    assert hypervolume(corners, np.zeros(4)) == pytest.approx(5.0)


def test_hypervolume_rejects_mismatched_shapes():
    with pytest.raises(ValueError, match="ref_point has 3"):
        hypervolume(STAIRCASE, [0.0, 0.0, 0.0])
    with pytest.raises(ValueError, match="2-D array"):
        hypervolume([1.0, 2.0], [0.0, 0.0])
    with pytest.raises(ValueError, match="finite"):
        hypervolume([[np.nan, 1.0]], [0.0, 0.0])


@pytest.mark.parametrize("n_objectives, n_points", [(2, 60), (3, 40), (4, 25)])
def test_hypervolume_matches_pymoo_on_random_fronts(n_objectives, n_points):
    from pymoo.indicators.hv import HV

    rng = np.random.default_rng(n_objectives)
    for _ in range(5):
        # points near a concave surface, so that many of them are non-dominated
        directions = np.abs(rng.normal(size=(n_points, n_objectives)))
        points = directions / np.linalg.norm(directions, axis=1, keepdims=True) * rng.uniform(0.8, 1.0, (n_points, 1))
        ref = -rng.uniform(0.0, 0.5, n_objectives)
        expected = HV(ref_point=-ref)(-points)
        assert hypervolume(points, ref) == pytest.approx(expected, rel=1e-9)


def test_igd_by_hand_and_against_pymoo():
    from pymoo.indicators.igd import IGD

    reference = np.array([[0.0, 1.0], [1.0, 0.0]])
    assert igd([[0.0, 1.0]], reference) == pytest.approx(np.sqrt(2) / 2)
    assert igd(reference, reference) == 0.0
    rng = np.random.default_rng(0)
    points, reference = rng.normal(size=(30, 3)), rng.normal(size=(20, 3))
    assert igd(points, reference) == pytest.approx(IGD(reference)(points), rel=1e-9)


def test_expected_utility_and_utility_loss_by_hand():
    weights = np.array([[1.0, 0.0], [0.5, 0.5], [0.0, 1.0]])
    # best per weight: 3 (point [3,1]), 2 (any point), 3 (point [1,3])
    assert expected_utility(STAIRCASE, weights) == pytest.approx((3 + 2 + 3) / 3)
    assert maximum_utility_loss([[2.0, 2.0]], STAIRCASE, weights) == pytest.approx(1.0)
    # Tchebycheff utility to the utopia point (4, 4): the best point for every weight is 1 away in the weighted max
    tchebycheff = lambda w, p: -np.max(w[:, None, :] * (4.0 - p[None]), axis=-1)  # noqa: E731
    assert expected_utility(STAIRCASE, weights, utility=tchebycheff) == pytest.approx(-1.0)
    assert expected_utility([[3.0, 1.0]], weights, utility=tchebycheff) == pytest.approx((-1 - 1.5 - 3) / 3)
    assert expected_utility(STAIRCASE) > expected_utility([[2.0, 2.0]]), "default weights reward the wider front"


def test_simplex_weights_cover_the_simplex():
    weights = simplex_weights(3, 4)
    assert len(weights) == 15 and np.allclose(weights.sum(axis=1), 1.0)
    assert len(np.unique(weights, axis=0)) == 15
    assert len(default_weights(2)) >= 100 and len(default_weights(4)) >= 100


def test_sparsity_by_hand():
    # sorted gaps per objective: (1, 1) and (1, 1): 4 squared units over 2 gaps
    assert sparsity(STAIRCASE) == pytest.approx(2.0)
    assert sparsity([[1.0, 1.0]]) == 0.0
    assert sparsity([[0.0, 4.0], [4.0, 0.0]]) > sparsity(STAIRCASE[:3]), "a sparser front scores higher"
