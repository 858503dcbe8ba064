"""Pure decisions: the drafts of one run, the names to look up, dedup keys and the
incident that counts, and what an operation on an existing incident sends."""

__all__ = ["dedup", "draft", "lifecycle", "names"]
