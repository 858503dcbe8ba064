"""The host, both ways: the run that is declaring (context), the runner that reads
inputs and takes outputs (runner), what is shown (escape, report)."""

__all__ = ["context", "escape", "report", "runner"]
