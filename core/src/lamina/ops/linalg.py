"""Linear algebra: the `keras.ops.linalg` namespace (also re-exported at `lamina.ops`).

The ops live in `linalg_decompositions`, `linalg_solve`, `linalg_norms` and
`forward_mode` (jvp). Inputs are stacks of matrices `(..., M, N)`. Integer inputs
compute in floatx; float16 inputs compute in float32 and are cast back (LAPACK
has no float16).

Gradients: cholesky, cholesky_inverse, det, slogdet/logdet, inv, solve,
solve_triangular, lstsq, pinv, norm (all orders), eigh (eigenvalues and
eigenvectors), qr (mode="reduced" with M >= N, or square), svd (singular values
always; U and V when `full_matrices=False` or the matrix is square) and
lu_factor (square matrices). eig and matrix_rank have none.
"""

from lamina.ops.forward_mode import jvp
from lamina.ops.linalg_decompositions import cholesky, eig, eigh, lu_factor, qr, svd

# logdet and slogdet are `keras.ops` names outside `keras.ops.linalg` (so not in
# `__all__`); `lamina.ops.core` imports them from here.
from lamina.ops.linalg_norms import det, logdet, matrix_rank, norm, slogdet  # noqa: F401
from lamina.ops.linalg_solve import cholesky_inverse, inv, lstsq, pinv, solve, solve_triangular

__all__ = [
    "cholesky",
    "cholesky_inverse",
    "det",
    "eig",
    "eigh",
    "inv",
    "jvp",
    "lstsq",
    "lu_factor",
    "matrix_rank",
    "norm",
    "pinv",
    "qr",
    "solve",
    "solve_triangular",
    "svd",
]
