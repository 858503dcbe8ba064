"""Turns inputs and run context into the incidents to create: the plan of one run (the
incident and, in pipeline mode, the run's parent) and each draft. Pure: no I/O."""

from __future__ import annotations

import re
from collections.abc import Sequence
from dataclasses import dataclass, field, replace
from typing import TYPE_CHECKING, Any

from ..catalog.form_fields import FormValue
from ..catalog.kinds import KINDS_BY_INPUT, LIST_INPUTS
from ..errors import InvalidInput, InvalidInputs
from ..github.context import RunContext
from ..github.escape import github_url, markdown, safe_url
from ..github.jobs import FailedJob, failed_jobs_block, listed, naming_jobs
from ..inputs import ActionInputs
from .dedup import DEDUP_LABEL, PARENT_LABEL, default_key, default_parent_key

if TYPE_CHECKING:
    from ..rootly.requests import FormFieldSelection

__all__ = [
    "CONTEXT_LABEL_KEYS",
    "FALLBACK_TITLE",
    "FORM_FIELD_ATTRIBUTES",
    "IncidentDraft",
    "Plan",
    "build_incident",
    "build_parent_incident",
    "build_plan",
    "context_block",
    "context_labels",
    "default_parent_title",
    "default_title",
    "describe_references",
    "duplicate_reason",
    "names_only",
    "repeat_note",
    "with_deployment_environment",
]

# Labels added from the run context (switched off by `context-labels: false`).
CONTEXT_LABEL_KEYS = (
    "github_repository",
    "github_workflow",
    "github_run_id",
    "github_run_attempt",
    "github_sha",
    "github_ref",
    "github_event",
    "github_watcher_run_id",
)

FALLBACK_TITLE = "Incident declared from CI"
# What a ref or commit may hold to be shown as code (`refs/heads/main`, `3f2a9c1`).
_PLAIN_REF = re.compile(r"[\w./@+-]+")

# The names custom form field values may ride under inside a create, tried in this
# order: Rootly's guide, then Rootly's own CLI. The spec lists neither.
FORM_FIELD_ATTRIBUTES = ("form_field_selections_attributes", "form_field_selections")


@dataclass(frozen=True)
class IncidentDraft:
    """The incident as it will be sent; references are names until resolution makes them IDs."""

    title: str
    summary: str
    severity: str | None
    references: dict[str, tuple[str, ...]]
    private: bool
    test: bool
    parent_incident: str | None
    notify_emails: tuple[str, ...]
    alert_ids: tuple[str, ...]
    labels: dict[str, str]
    slack_channel_name: str | None
    timestamps: dict[str, str]
    form_fields: dict[str, FormValue] = field(default_factory=dict)
    # Filled in by resolution: `form_field_selections_attributes` entries.
    form_field_selections: tuple[FormFieldSelection, ...] = ()
    # form field ID -> the name the user wrote, for messages about one field
    form_field_names: dict[str, str] = field(default_factory=dict)
    # Inputs filled from the run, not typed by the user: a miss there is a warning.
    soft_inputs: frozenset[str] = frozenset()
    # What resolution had to leave out (a deployment environment Rootly does not know).
    warnings: tuple[str, ...] = ()
    # The label that makes this incident findable again, and its value; None: no dedup.
    dedup_label: str = DEDUP_LABEL
    dedup_key: str | None = None
    # Prefix of the input names that fill this draft ("parent-" for the pipeline parent).
    input_prefix: str = ""
    # Whether the user wrote the title (else it is the default, which may name the jobs).
    title_given: bool = True
    # The run's failed jobs as GitHub listed them; None when they were not read.
    failed_jobs: tuple[FailedJob, ...] | None = None

    @property
    def identity(self) -> str:
        """What makes this incident the same one across jobs and resends (`label=key`, the
        idempotency key's first part); '' when nothing may share it (no dedup key)."""
        return f"{self.dedup_label}={self.dedup_key}" if self.dedup_key else ""

    def naming_failed_jobs(
        self, jobs: tuple[FailedJob, ...], *, in_summary: bool = True
    ) -> IncidentDraft:
        """This draft naming what failed: a default title names the job (or how many
        failed), and the summary lists each with its step and log (`in_summary`: the
        context block is on). The dedup key stays as it was."""
        title = self.title if self.title_given else naming_jobs(self.title, jobs)
        summary = self.summary
        if jobs and in_summary:
            block = failed_jobs_block(jobs)
            summary = f"{summary}\n\n{block}" if summary else block
        return replace(self, title=title, summary=summary, failed_jobs=jobs)

    def with_labels(self, extra: dict[str, str]) -> IncidentDraft:
        """This draft with more labels."""
        return replace(self, labels={**self.labels, **extra})

    def under_parent(self, parent_id: str) -> IncidentDraft:
        """This draft as a sub-incident of `parent_id`."""
        return replace(self, parent_incident=parent_id)

    def all_references(self) -> dict[str, tuple[str, ...]]:
        """Every catalog reference, by the input that named it (severity included)."""
        found: dict[str, tuple[str, ...]] = {"severity": (self.severity,)} if self.severity else {}
        found.update({name: refs for name, refs in self.references.items() if refs})
        return found

    def with_ids(
        self,
        resolved: dict[str, tuple[str, ...]],
        selections: tuple[FormFieldSelection, ...],
        field_names: dict[str, str] | None = None,
        warnings: tuple[str, ...] = (),
    ) -> IncidentDraft:
        """This draft with references replaced by the IDs they resolved to."""
        severity = resolved.get("severity", (self.severity,) if self.severity else ())
        references = {name: resolved.get(name, refs) for name, refs in self.references.items()}
        return replace(
            self,
            severity=severity[0] if severity else None,
            references=references,
            form_field_selections=selections,
            form_field_names=field_names or {},
            warnings=warnings,
        )

    def create_bodies(self) -> tuple[tuple[str, dict[str, Any]], ...]:
        """The create's attributes in each form to try in turn, with the name the custom
        form field values ride under ('' for none): under each name Rootly may take them,
        then without them. A draft without form field values has one form."""
        first = self.attributes()
        if not self.form_field_selections:
            return (("", first),)
        bare = {name: value for name, value in first.items() if name != FORM_FIELD_ATTRIBUTES[0]}
        values = list(self.form_field_selections)
        named = tuple((name, {**bare, name: values}) for name in FORM_FIELD_ATTRIBUTES)
        return (*named, ("", bare))

    def attributes(self) -> dict[str, Any]:
        """The `attributes` object of Rootly's `new_incident` body; empty fields left out."""
        attributes: dict[str, Any] = {"title": self.title}
        if self.summary:
            attributes["summary"] = self.summary
        if self.test:
            attributes["kind"] = "test"
        if self.private:
            # Only ever sent as true: Rootly cannot make a private incident public again.
            attributes["private"] = True
        attributes.update(self._reference_attributes())
        if self.parent_incident:
            attributes["parent_incident_id"] = self.parent_incident
        if self.notify_emails:
            attributes["notify_emails"] = list(self.notify_emails)
        if self.alert_ids:
            attributes["alert_ids"] = list(self.alert_ids)
        if self.labels:
            attributes["labels"] = dict(self.labels)
        if self.slack_channel_name:
            attributes["slack_channel_name"] = self.slack_channel_name
        for input_name, stamp in self.timestamps.items():
            attributes[input_name.replace("-", "_")] = stamp
        if self.form_field_selections:
            # Rootly's guide, not its spec: the only way for form fields to be there when
            # Rootly's workflows start on creation. Where Rootly refuses or drops it, the
            # values are added afterwards (declare.py).
            attributes[FORM_FIELD_ATTRIBUTES[0]] = list(self.form_field_selections)
        return attributes

    def _reference_attributes(self) -> dict[str, Any]:
        attributes: dict[str, Any] = {}
        for input_name, entries in self.all_references().items():
            attribute = KINDS_BY_INPUT[input_name].create_attribute
            assert attribute is not None  # every kind named by an input has one
            attributes[attribute] = entries[0] if attribute == "severity_id" else list(entries)
        return attributes


def with_deployment_environment(
    references: dict[str, tuple[str, ...]], inputs: ActionInputs, context: RunContext
) -> frozenset[str]:
    """On `deployment_status`, with no `environments` given and
    `environment-from-deployment` on, name the deployment's environment in `references`;
    the inputs filled so (the user never typed them: a name Rootly does not know is a
    warning there, not an error)."""
    deployment = context.deployment
    if (
        deployment is not None
        and deployment.environment
        and inputs.environment_from_deployment
        and not references["environments"]
    ):
        references["environments"] = (deployment.environment,)
        return frozenset({"environments"})
    return frozenset()


def names_only(
    title: str,
    references: dict[str, tuple[str, ...]],
    soft_inputs: frozenset[str] = frozenset(),
) -> IncidentDraft:
    """A draft that carries nothing but names to resolve, in the shape name resolution
    takes: what an alert or a pulse (which make no incident) resolve through."""
    return IncidentDraft(
        title=title,
        summary="",
        severity=None,
        references=dict(references),
        private=False,
        test=False,
        parent_incident=None,
        notify_emails=(),
        alert_ids=(),
        labels={},
        slack_channel_name=None,
        timestamps={},
        soft_inputs=soft_inputs,
    )


def build_incident(
    inputs: ActionInputs, context: RunContext, *, from_run: bool = True
) -> IncidentDraft:
    """The incident the inputs ask for, with the run's context added.

    `from_run=False` derives nothing from the run but the summary's context block: no
    context labels, no dedup label, no deployment environment (what `update` sends).
    """
    labels = context_labels(context) if inputs.context_labels and from_run else {}
    labels.update(inputs.labels)  # what the user wrote wins over what we derive
    summary = inputs.summary or ""
    if inputs.context_summary and context.in_workflow:
        block = context_block(context)
        summary = f"{summary}\n\n{block}" if summary else block
    title = inputs.title or default_title(context)
    dedup_key = None
    if inputs.deduplicate and from_run:
        # Outside a workflow there is no run to tie a default key to. The key never
        # depends on GitHub's answer about the jobs: re-runs with GitHub up or down must
        # find the same incident, so it is made from the title before jobs name it.
        dedup_key = inputs.dedup_key or (
            default_key(context, title, inputs.dedup_scope) if context.in_workflow else None
        )
    if dedup_key:
        labels[DEDUP_LABEL] = dedup_key
    references = {name: inputs.references_for(name) for name in LIST_INPUTS}
    soft = with_deployment_environment(references, inputs, context) if from_run else frozenset()
    return IncidentDraft(
        dedup_key=dedup_key,
        title=title,
        summary=summary,
        severity=inputs.severity,
        soft_inputs=soft,
        references=references,
        private=inputs.private,
        test=inputs.test_incident,
        parent_incident=inputs.parent_incident,
        notify_emails=inputs.notify_emails,
        alert_ids=inputs.alert_ids,
        labels=labels,
        slack_channel_name=inputs.slack_channel_name,
        timestamps=inputs.timestamps,
        form_fields=inputs.form_fields,
        title_given=bool(inputs.title),
    )


def build_parent_incident(inputs: ActionInputs, context: RunContext) -> IncidentDraft:
    """The one incident a whole workflow run's failures are declared under."""
    key = inputs.parent_key or default_parent_key(context)
    labels = context_labels(context) if inputs.context_labels else {}
    labels.pop("github_run_attempt", None)  # the parent outlives any one attempt
    labels[PARENT_LABEL] = key
    summary = inputs.parent_summary or ""
    if inputs.context_summary and context.in_workflow:
        block = context_block(context, with_job=False)
        summary = f"{summary}\n\n{block}" if summary else block
    return IncidentDraft(
        title=inputs.parent_title or default_parent_title(context),
        summary=summary,
        severity=inputs.parent_severity,
        references={},
        private=inputs.private,
        test=inputs.test_incident,
        parent_incident=None,
        notify_emails=(),
        alert_ids=(),
        labels=labels,
        slack_channel_name=None,
        timestamps={},
        dedup_label=PARENT_LABEL,
        dedup_key=key,
        input_prefix="parent-",
    )


def default_parent_title(context: RunContext) -> str:
    """`Workflow 'Release' run #77 failed in acme/shop on main`."""
    if not context.repository:
        return FALLBACK_TITLE
    workflow = f"Workflow {context.workflow!r}" if context.workflow else "A workflow"
    number = context.run_number or context.run_id
    run = f" run #{number}" if number else ""
    where = context.repository + (f" on {context.ref_name}" if context.ref_name else "")
    return f"{workflow}{run} failed in {where}"


def default_title(context: RunContext) -> str:
    """`Deploy failed in acme/shop on main`, with whatever parts the context has."""
    if not context.repository:
        return FALLBACK_TITLE
    if context.deployment is not None:
        where = f" ({context.ref_name})" if context.ref_name else ""
        target = context.deployment.environment or "an environment"
        return f"Deployment to {target} failed in {context.repository}{where}"
    workflow = f"Workflow {context.workflow!r}" if context.workflow else "A workflow"
    where = context.repository + (f" on {context.ref_name}" if context.ref_name else "")
    return f"{workflow} failed in {where}"


def context_block(context: RunContext, *, with_job: bool = True) -> str:
    """Markdown lines that tie the incident to the run, the commit and the pull request.

    Every text from the run or its event (a branch, a workflow name, a pull request's
    title) is escaped, so none can add links, HTML or lines; links to GitHub's own pages
    must be on the GitHub server, a deployment's may point anywhere http(s).
    """
    lines = ["**Declared from GitHub Actions**", ""]
    server = context.server_url

    def add(label: str, value: str) -> None:
        if value:
            lines.append(f"- {label}: {value}")

    def page(text: str, url: str) -> str:
        return _link(text, github_url(url, server))

    add("Repository", page(markdown(context.repository), context.repository_url))
    add("Ref", _code(context.ref))
    add("Commit", page(_code(context.short_sha), context.commit_url) if context.sha else "")
    job = context.job if with_job else ""
    add("Workflow", markdown(" / ".join(part for part in (context.workflow, job) if part)))
    attempt = f" (attempt {markdown(context.run_attempt)})" if context.run_attempt else ""
    add("Run", page(f"#{markdown(context.run_id)}", context.run_url) + attempt)
    add("Actor", markdown(context.actor))
    event = markdown(context.event_name)
    if context.started_by:
        event = f"{markdown(context.started_by)} (seen through {event})"
    add("Event", event)
    add("Display title", markdown(context.display_title))
    deployment = context.deployment
    if deployment is not None:
        state = f" ({markdown(deployment.state)})" if deployment.state else ""
        number = f"#{markdown(deployment.id)}"
        add("Deployment", f"{number} to {markdown(deployment.environment)}{state}")
        # Links from the payload are shown only when they are plain http(s) links.
        target, log = safe_url(deployment.target_url), safe_url(deployment.log_url)
        add("Deployment target", _link("target", target) if target else "")
        add("Deployment log", _link("log", log) if log else "")
        add("Deployment status", markdown(deployment.description))
    if context.release is not None:
        add("Release", page(markdown(context.release.tag), context.release.url))
    if context.watcher is not None:
        watcher = context.watcher
        name = f"workflow '{markdown(watcher.workflow)}' " if watcher.workflow else ""
        attempt = f" (attempt {markdown(watcher.run_attempt)})" if watcher.run_attempt else ""
        run = page(f"run #{markdown(watcher.run_id)}", watcher.run_url)
        add("Declared by", name + run + attempt)
    if context.pull_request:
        pull = context.pull_request
        text = f"#{pull.number}" + (f" {markdown(pull.title)}" if pull.title else "")
        add("Pull request", page(text, context.pull_request_url))
    return "\n".join(lines)


def context_labels(context: RunContext) -> dict[str, str]:
    """The labels that name the run (`github_repository`, ...), where the context has them."""
    values = (
        context.repository,
        context.workflow,
        context.run_id,
        context.run_attempt,
        context.sha,
        context.ref,
        context.event_name,
        context.watcher.run_id if context.watcher else "",
    )
    return {key: value for key, value in zip(CONTEXT_LABEL_KEYS, values, strict=True) if value}


def _code(text: str) -> str:
    """A ref or a commit as code where it is plainly one, else as escaped text: a branch
    name from a pull request may hold a backtick that would end the code span."""
    return f"`{text}`" if _PLAIN_REF.fullmatch(text) else markdown(text)


def _link(text: str, url: str) -> str:
    return f"[{text}]({url})" if url else text


def describe_references(draft: IncidentDraft) -> str:
    """`severity=sev-1; services=a, b` for the inputs that named catalog entries."""
    parts = [
        f"{draft.input_prefix}{name}={', '.join(refs)}"
        for name, refs in draft.all_references().items()
    ]
    if draft.parent_incident:
        parts.append(f"parent-incident-id={draft.parent_incident}")
    if draft.alert_ids:
        parts.append(f"alert-ids={', '.join(draft.alert_ids)}")
    return "; ".join(parts) or "(none)"


def duplicate_reason(context: RunContext) -> str:
    """Why an extra incident is cancelled as a duplicate: the run that declared it twice."""
    if not context.run_id:
        return (
            "Declared again from the command line for the same failure; cancelled as a duplicate."
        )
    attempt = f" attempt {markdown(context.run_attempt)}" if context.run_attempt else ""
    where = f"job '{markdown(context.job)}' of " if context.job else ""
    url = github_url(context.run_url, context.server_url)
    link = f" ({url})" if url else ""
    return (
        f"Declared again by {where}workflow '{markdown(context.workflow)}', run "
        f"{markdown(context.run_id)}{attempt}{link}, while another job declared the same "
        "failure first; cancelled as a duplicate."
    )


def repeat_note(context: RunContext, failed_jobs: tuple[FailedJob, ...] | None = None) -> str:
    """The timeline event that records a repeat of the same failure on a reused incident,
    naming the jobs that failed this time where GitHub said."""
    attempt = f" attempt {markdown(context.run_attempt)}" if context.run_attempt else ""
    where = f"job '{markdown(context.job)}'" if context.job else "a job"
    url = github_url(context.run_url, context.server_url)
    link = f": {url}" if url else ""
    note = (
        f"Failed again in {where} of workflow '{markdown(context.workflow)}', run "
        f"{markdown(context.run_id)}{attempt}{link}"
    )
    if failed_jobs:
        note += f". Failed jobs: {'; '.join(listed(failed_jobs, limit=5))}"
    return note


@dataclass(frozen=True)
class Plan:
    """The incident to declare and, in pipeline mode, the run's parent incident."""

    incident: IncidentDraft
    parent: IncidentDraft | None = None

    def drafts(self) -> tuple[IncidentDraft, ...]:
        """Every incident the plan may create: the incident, then the parent."""
        return (self.incident,) if self.parent is None else (self.incident, self.parent)

    def with_drafts(self, drafts: Sequence[IncidentDraft]) -> Plan:
        """The same plan with its drafts replaced, in the order `drafts()` gives them."""
        return replace(self, incident=drafts[0], parent=drafts[1] if len(drafts) > 1 else None)


def build_plan(inputs: ActionInputs, context: RunContext) -> Plan:
    """The plan the inputs ask for; raises InvalidInputs when pipeline mode cannot work."""
    incident = build_incident(inputs, context)
    if inputs.parent_mode != "run":
        return Plan(incident)
    if not (context.in_workflow or inputs.parent_key):
        raise InvalidInputs(
            [
                InvalidInput(
                    "parent",
                    "run",
                    "it needs a workflow run (GITHUB_REPOSITORY and GITHUB_RUN_ID) or a "
                    "'parent-key' saying which incidents belong together",
                )
            ]
        )
    return Plan(incident, build_parent_incident(inputs, context))
