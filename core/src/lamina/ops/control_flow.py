"""control_flow ops."""

__all__ = []
