"""Text from outside (inputs, Rootly's answers, event payloads) made safe to show. Pure.

Nothing from outside may start a workflow command (`::warning::`, `::add-mask::`) in the
log, break a Markdown heading or table in the job summary, or smuggle in HTML or links.
"""

from __future__ import annotations

import re
from urllib.parse import urlsplit

__all__ = ["github_url", "link", "markdown", "one_line", "safe_url"]

_CONTROL = re.compile(r"[\x00-\x1f\x7f\u2028\u2029\u0085]+")
_MARKDOWN = re.compile(r"([\\`*_{}\[\]()#+!|~>-])")
_URL = re.compile(r"^https?://[^\s<>()\[\]|\"'`\\]+$")


def one_line(text: str) -> str:
    """The text on one line: line breaks, carriage returns and control characters become
    spaces, so it can never begin a line of its own (where `::command::` would act)."""
    return _CONTROL.sub(" ", text).strip()


def markdown(text: str) -> str:
    """Plain text for a Markdown heading, sentence or table cell: on one line, with
    Markdown's punctuation escaped and HTML's special characters as entities."""
    flat = one_line(text)
    flat = flat.replace("&", "&amp;").replace("<", "&lt;").replace(">", "&gt;")
    return _MARKDOWN.sub(r"\\\1", flat)


def safe_url(url: str | None) -> str:
    """`url` when it is a plain http(s) link, else '' (never a `javascript:` or a broken one)."""
    if url and _URL.match(url):
        return url
    return ""


def github_url(url: str | None, server_url: str) -> str:
    """`url` when it is a plain http(s) link to a page of the GitHub server itself (a run,
    a pull request, a release), else '': a payload cannot point these links elsewhere."""
    target = safe_url(url)
    if not target:
        return ""
    return target if urlsplit(target).netloc.lower() == urlsplit(server_url).netloc.lower() else ""


def link(text: str, url: str | None) -> str:
    """A Markdown link with escaped text, or the escaped text alone when the URL is unsafe."""
    target = safe_url(url)
    shown = markdown(text)
    return f"[{shown}]({target})" if target else shown
