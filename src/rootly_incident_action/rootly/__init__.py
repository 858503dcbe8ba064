"""Rootly's REST API: the client, its typed errors and the response models."""

# JSON:API's media type, for request and response bodies alike.
MEDIA_TYPE = "application/vnd.api+json"
