"""clear_session: forget the names handed out to layers and models."""


def clear_session(free_memory: bool = True) -> None:
    """Reset the global state Keras resets: the counters behind auto-generated names.

    After this, the next `Dense` is named `dense` again. lamina keeps no global graph,
    so there is nothing else to free.

    Args:
        free_memory: accepted for Keras compatibility.

    Example:
        >>> lamina.utils.clear_session()
    """
    from lamina.layers.layer import reset_uids

    reset_uids()
