"""The version of the lamina-optim distribution."""

__version__ = "0.1.0"
