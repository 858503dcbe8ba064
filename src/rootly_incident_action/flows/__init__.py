"""The only code that calls Rootly: declaring an incident (declare), acting on ones
that exist (operate), the store they talk through, the ledger of what was done, and
how a failure is put in words."""

__all__ = ["declare", "ledger", "operate", "store", "wording"]
