"""Declare Rootly incidents from GitHub Actions and other CI systems."""

__version__ = "0.1.0"
