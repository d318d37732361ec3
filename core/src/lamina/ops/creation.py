"""creation ops."""

__all__ = []
