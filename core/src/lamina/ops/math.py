"""math ops."""

__all__ = []
