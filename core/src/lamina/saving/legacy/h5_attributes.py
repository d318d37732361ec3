"""Reading and writing the HDF5 attributes and datasets of Keras 2 `.h5` files.

Name lists (`layer_names`, `weight_names`) are stored as byte-string arrays; a list
larger than an HDF5 object header holds (64512 bytes) is split into `name0`, `name1`,
... as Keras 2 wrote it. Reading goes only through names a file lists, and refuses soft
and external links and external or virtual datasets, as Keras does.
"""

from __future__ import annotations

import math

import numpy as np

HDF5_OBJECT_HEADER_LIMIT = 64512
# Bytes a variable-length string takes in an attribute (a global heap reference).
_VARIABLE_LENGTH_ELEMENT = 16


def save_attributes_to_hdf5_group(group, name: str, data: list) -> None:
    """Store the list `data` as the attribute `name`, split in chunks when it is too large.

    Raises:
        RuntimeError: one item alone is larger than an HDF5 object header.

    Example:
        >>> save_attributes_to_hdf5_group(group, "layer_names", [b"dense", b"out"])
    """
    too_large = [item for item in data if len(item) > HDF5_OBJECT_HEADER_LIMIT]
    if too_large:
        raise RuntimeError(
            "The following attributes cannot be saved to HDF5 file because they are larger "
            f"than {HDF5_OBJECT_HEADER_LIMIT} bytes: {too_large}"
        )
    array = np.asarray(data)
    num_chunks = 1
    chunks = [array]
    while any(chunk.nbytes > HDF5_OBJECT_HEADER_LIMIT for chunk in chunks):
        num_chunks += 1
        chunks = np.array_split(array, num_chunks)
    if num_chunks == 1:
        # A fixed-length array, as Keras's chunks are: variable-length strings would put
        # the names on the HDF5 global heap, where a damaged file can hang the library.
        group.attrs[name] = array
        return
    for index, chunk in enumerate(chunks):
        group.attrs[f"{name}{index}"] = chunk


def load_attributes_from_hdf5_group(group, name: str) -> list:
    """The list stored as attribute `name` (its chunks `name0`, `name1`, ... merged), or [].

    Example:
        >>> load_attributes_from_hdf5_group(f["model_weights"], "layer_names")
        ['dense', 'out']
    """
    if name in group.attrs:
        return [_decode(item, group, name) for item in _read_attribute(group, name)]
    data = []
    index = 0
    while f"{name}{index}" in group.attrs:
        chunk = f"{name}{index}"
        data.extend(_decode(item, group, chunk) for item in _read_attribute(group, chunk))
        index += 1
    return data


def read_text_attribute(group, name: str, default=None):
    """A string attribute (stored as bytes or str), or `default` when it is missing."""
    if name not in group.attrs:
        return default
    return _decode(_read_attribute(group, name), group, name)


def get_group(h5py, parent, name: str, description: str):
    """The subgroup `name` of `parent`; a clear ValueError when it is missing or not a group.

    Args:
        h5py: the h5py module.
        parent: an h5py group.
        name: the member to return (may contain `/`).
        description: how to name the file in errors.
    """
    return _member(h5py, parent, name, description, h5py.Group, "group")


def read_dataset(h5py, parent, name: str, description: str) -> np.ndarray:
    """The dataset `name` of `parent` read into memory as a NumPy array.

    Raises:
        ValueError: the dataset is missing or is a group; or it is external, virtual, or
            declares far more data than it stores (refused as `.weights.h5` files are).
    """
    from lamina.saving.h5_store import _read_dataset

    dataset = _member(h5py, parent, name, description, h5py.Dataset, "dataset")
    return _read_dataset(dataset, dataset.name)


def _read_attribute(group, name):
    """The value of an attribute whose stored type and size were checked first: a damaged
    attribute header can make the HDF5 library read out of bounds."""
    from lamina.saving.h5_store import h5py_module

    h5t = h5py_module().h5t
    attribute = group.attrs.get_id(name)
    datatype = attribute.get_type()
    type_class = datatype.get_class()
    count = math.prod(attribute.shape or ())
    size_ok = True
    if type_class in (h5t.STRING, h5t.FLOAT, h5t.INTEGER) and count:
        variable = type_class == h5t.STRING and datatype.is_variable_str()
        element = _VARIABLE_LENGTH_ELEMENT if variable else datatype.get_size()
        size_ok = attribute.get_storage_size() == element * count
    if type_class not in (h5t.STRING, h5t.FLOAT, h5t.INTEGER) or not size_ok:
        raise ValueError(
            f"The attribute '{name}' of '{group.name}' in the HDF5 file {group.file.filename!r} "
            "has an unexpected type or size: the file is corrupted."
        )
    return group.attrs[name]


def _member(h5py, parent, name, description, kind, kind_name):
    """`parent[name]` walked one part at a time, refusing links (as Keras does)."""
    current = parent
    for part in name.split("/"):
        if not part:
            raise ValueError(f"Invalid path in the HDF5 file {description}: '{name}'.")
        link = current.get(part, getlink=True) if isinstance(current, h5py.Group) else None
        if link is None:
            raise ValueError(
                f"The HDF5 file {description} lists '{name}' under '{parent.name}' but has "
                f"no {kind_name} with that name: the file is incomplete or corrupted."
            )
        if isinstance(link, (h5py.SoftLink, h5py.ExternalLink)):
            raise ValueError(
                f"Not allowed: the HDF5 file {description} has a {type(link).__name__} at "
                f"'{current.name}/{part}'; links can point outside the saved weights."
            )
        current = current[part]
    if not isinstance(current, kind):
        raise ValueError(
            f"The HDF5 file {description} has a {type(current).__name__} at "
            f"'{current.name}' where a {kind_name} was expected: the file is corrupted."
        )
    return current


def _decode(value, group, name):
    if isinstance(value, np.ndarray) and value.ndim == 0:
        value = value.item()
    try:
        if hasattr(value, "decode"):
            return value.decode("utf8")
        if isinstance(value, str):
            value.encode("utf8")  # h5py keeps undecodable bytes as surrogates
        return value
    except UnicodeError:
        raise ValueError(
            f"The attribute '{name}' of '{group.name}' in the HDF5 file {group.file.filename!r} "
            "is not valid UTF-8 text: the file is corrupted."
        ) from None
