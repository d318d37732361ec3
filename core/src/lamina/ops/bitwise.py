"""bitwise ops."""

__all__ = []
