"""lamina.datasets: small datasets shipped inside the package, loaded like `keras.datasets`.

`digits`: the UCI optical recognition of handwritten digits data, 1,797 8x8 grey-level images
(pixel values 0..16) of the digits 0-9, as bundled with scikit-learn (the test portion of the
UCI set). Stored here as `digits.npz` (uint8, 45 KB).

Attribution (CC BY 4.0, https://creativecommons.org/licenses/by/4.0/):
    E. Alpaydin and C. Kaynak, "Optical Recognition of Handwritten Digits", UCI Machine
    Learning Repository, 1998, https://doi.org/10.24432/C50P49.
    Converted from scikit-learn's `digits.csv.gz` to NumPy's `.npz` format; values unchanged.

Example:
    >>> from lamina.datasets import digits
    >>> (x_train, y_train), (x_test, y_test) = digits.load_data()
"""

from lamina.datasets import digits

__all__ = ["digits"]
