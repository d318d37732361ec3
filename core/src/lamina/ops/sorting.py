"""sorting ops."""

__all__ = []
