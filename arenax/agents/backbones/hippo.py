"""HiPPO-LegS state matrices and their diagonal forms: the normal-part eigendecomposition (S4D, S5) and PTD."""

from __future__ import annotations

import functools

import numpy as np

# Perturbation sizes tried by `perturb_then_diagonalize`, relative to the spectral norm of LegS.
PTD_RELATIVE_SIZES = np.logspace(-5, -1, 9)
PTD_SEED = 0


def legs_matrix(size: int) -> np.ndarray:
    """HiPPO-LegS: A[n, k] = -sqrt((2n+1)(2k+1)) below the diagonal, -(n+1) on it, 0 above (float64)."""
    scale = np.sqrt(2 * np.arange(size) + 1.0)
    return -(np.tril(np.outer(scale, scale), -1) + np.diag(np.arange(size) + 1.0))


def legs_normal_part(size: int) -> np.ndarray:
    """The normal part S = A + P P^T of LegS with P[n] = sqrt(n + 1/2): -1/2 I plus a skew-symmetric matrix."""
    low_rank = np.sqrt(np.arange(size) + 0.5)
    return legs_matrix(size) + np.outer(low_rank, low_rank)


@functools.lru_cache(maxsize=None)
def legs_normal_eigen(size: int) -> tuple[np.ndarray, np.ndarray]:
    """Eigenvalues `Lambda[size]` and unitary eigenvectors `V[size, size]` of LegS's normal part (S4D-LegS, S5).

    The skew-symmetric part is diagonalised with a Hermitian solver, which is
    exact and well conditioned, unlike an eigensolver on LegS itself.
    Eigenvalues are sorted by imaginary part, so conjugate pairs split into halves.
    """
    normal = legs_normal_part(size)
    skew = normal + 0.5 * np.eye(size)
    frequencies, vectors = np.linalg.eigh(-1j * skew)
    order = np.argsort(frequencies)
    return -0.5 + 1j * frequencies[order], vectors[:, order]


@functools.lru_cache(maxsize=None)
def perturb_then_diagonalize(size: int, gamma: float = 1e4) -> tuple[np.ndarray, np.ndarray, np.ndarray]:
    """PTD (Yu, Erichson and Mahoney, 2024): diagonalise LegS + E for a small E that makes V well conditioned.

    LegS itself is non-normal and exponentially ill-conditioned to
    diagonalise; dropping its low-rank part (S4D, S5) loses the LegS transfer
    function. PTD perturbs the full matrix by E and minimises
    kappa(V) + gamma ||E||_2 over E; here E is a fixed random Gaussian
    direction (seed `PTD_SEED`) scaled to each of `PTD_RELATIVE_SIZES` times
    ||A||_2, and the best size whose eigenvalues are all stable is kept.
    Returns `(Lambda[size], V, V^-1)`.
    """
    matrix = legs_matrix(size)
    direction = np.random.default_rng(PTD_SEED).standard_normal((size, size))
    direction /= np.linalg.norm(direction, 2)
    matrix_norm = np.linalg.norm(matrix, 2)
    best = None
    for relative_size in PTD_RELATIVE_SIZES:
        perturbation_norm = relative_size * matrix_norm
        eigenvalues, vectors = np.linalg.eig(matrix + perturbation_norm * direction)
        if eigenvalues.real.max() >= 0:
            continue
        objective = np.linalg.cond(vectors) + gamma * perturbation_norm
        if best is None or objective < best[0]:
            best = (objective, eigenvalues.astype(np.complex128), vectors.astype(np.complex128))
    if best is None:
        raise ValueError(f"no stable perturbation of LegS({size}) found among the sizes tried")
    _, eigenvalues, vectors = best
    return eigenvalues, vectors, np.linalg.inv(vectors)


def block_diagonal(block: np.ndarray, blocks: int) -> np.ndarray:
    """`blocks` copies of a square matrix on the diagonal of a larger one."""
    return np.kron(np.eye(blocks), block)
