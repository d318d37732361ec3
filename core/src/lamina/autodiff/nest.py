"""Nested structures (lists, tuples, namedtuples, dicts) of tensors: flatten and rebuild."""


def flatten(structure) -> list:
    """The leaves of `structure` in a fixed order (dict keys sorted)."""
    if isinstance(structure, dict):
        return [leaf for key in sorted(structure) for leaf in flatten(structure[key])]
    if isinstance(structure, (list, tuple)):
        return [leaf for item in structure for leaf in flatten(item)]
    return [structure]


def pack_like(structure, leaves):
    """Rebuild `structure` with the items of the iterator `leaves`."""
    if isinstance(structure, dict):
        packed = {key: pack_like(structure[key], leaves) for key in sorted(structure)}
        return type(structure)((key, packed[key]) for key in structure)
    if isinstance(structure, (list, tuple)):
        items = [pack_like(item, leaves) for item in structure]
        if hasattr(structure, "_fields"):  # namedtuple
            return type(structure)(*items)
        return type(structure)(items)
    return next(leaves)
