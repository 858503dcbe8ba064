"""A local stand-in for Rootly's API, for tests, benchmarks and trying the action."""

from .behaviour import Behaviour, Fault
from .catalog import Catalog, default_catalog, stable_id
from .server import RecordedRequest, RootlyStandIn

__all__ = [
    "Behaviour",
    "Catalog",
    "Fault",
    "RecordedRequest",
    "RootlyStandIn",
    "default_catalog",
    "stable_id",
]
