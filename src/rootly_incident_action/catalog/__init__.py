"""Rootly's catalog: the kinds it names (services, teams, ...), how a name matches an
entry, custom form fields, listing, and fetching the entries asked for."""

__all__ = ["fetch", "form_fields", "kinds", "listing", "matching"]
