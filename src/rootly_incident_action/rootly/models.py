"""The parts of Rootly's JSON:API answers the action reads. Unknown fields are ignored."""

from __future__ import annotations

from typing import Any

from pydantic import BaseModel, ConfigDict


class _Lenient(BaseModel):
    # Rootly adds attributes often; an answer with more than we know is still a good answer.
    model_config = ConfigDict(extra="ignore", frozen=True, defer_build=True)


class SeverityAttributes(_Lenient):
    name: str | None = None
    slug: str | None = None


class SeverityData(_Lenient):
    id: str
    attributes: SeverityAttributes = SeverityAttributes()


class SeverityEnvelope(_Lenient):
    data: SeverityData | None = None


class IncidentAttributes(_Lenient):
    title: str | None = None
    sequential_id: int | None = None
    slug: str | None = None
    kind: str | None = None
    status: str | None = None
    url: str | None = None
    short_url: str | None = None
    summary: str | None = None
    private: bool | None = None
    parent_incident_id: str | None = None
    labels: dict[str, Any] | None = None
    severity: SeverityEnvelope | None = None
    slack_channel_name: str | None = None
    slack_channel_url: str | None = None
    created_at: str | None = None


class Incident(_Lenient):
    id: str
    type: str
    attributes: IncidentAttributes

    @property
    def label(self) -> str:
        """`#42`, the number people know the incident by; the ID when there is none."""
        number = self.attributes.sequential_id
        return f"#{number}" if number is not None else self.id

    @property
    def severity_name(self) -> str:
        envelope = self.attributes.severity
        if envelope and envelope.data:
            return envelope.data.attributes.name or envelope.data.id
        return ""


class IncidentDocument(_Lenient):
    data: Incident


class ErrorObject(_Lenient):
    title: str = ""
    status: str | None = None
    detail: str | None = None


class ErrorDocument(_Lenient):
    errors: list[ErrorObject] = []


class Resource(_Lenient):
    """Any JSON:API resource object: a service, a team, a form field option, ..."""

    id: str
    type: str
    attributes: dict[str, Any] = {}
    relationships: dict[str, Any] = {}


class PageMeta(_Lenient):
    current_page: int | None = None
    total_pages: int | None = None
    total_count: int | None = None


class PageLinks(_Lenient):
    next: str | None = None


class ListPage(_Lenient):
    data: list[Resource]
    included: list[Resource] = []
    meta: PageMeta = PageMeta()
    links: PageLinks = PageLinks()


class IncidentPage(_Lenient):
    data: list[Incident]
    meta: PageMeta = PageMeta()
