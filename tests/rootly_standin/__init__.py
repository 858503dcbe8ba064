"""A local stand-in for Rootly's API, for tests, benchmarks and trying the action."""

from .catalog import Catalog, default_catalog, stable_id
from .server import Fault, RecordedRequest, RootlyStandIn

__all__ = ["Catalog", "Fault", "RecordedRequest", "RootlyStandIn", "default_catalog", "stable_id"]
