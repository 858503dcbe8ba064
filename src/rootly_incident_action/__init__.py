"""Declare Rootly incidents from GitHub Actions and other CI systems."""

__all__ = ["__version__"]

# The one version: the User-Agent, the image's labels and CHANGELOG.md all follow it.
__version__ = "1.0.0"
