"""The version of stancekit: a leaf, read by the package face, the CLI and the model card."""

__version__ = "0.1.0"
