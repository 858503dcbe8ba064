"""A small client for Rootly's REST API: requests, answers, retries and typed errors.

Stands alone: nothing here imports the action, so it can be lifted into another project.
"""

__all__ = ["MEDIA_TYPE"]

# JSON:API's media type, for request and response bodies alike.
MEDIA_TYPE = "application/vnd.api+json"
