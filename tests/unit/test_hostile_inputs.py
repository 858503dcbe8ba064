"""No input, however odd, reaches the "unexpected failure" path: each bad one is named.

Property-based (hypothesis) over every input of action.yml, through `main.run` with a
recording runner and a fake Rootly, plus the cases a security review found.
"""

from __future__ import annotations

from fakes import FakeClock, RecordingRunner
from hypothesis import HealthCheck, example, given, settings
from hypothesis import strategies as st

from rootly_incident_action.inputs import INPUT_DEFAULTS
from rootly_incident_action.main import Seams, run
from rootly_standin import RootlyStandIn

TOKEN = "tok_4f1e2d"
ENV = {"GITHUB_REPOSITORY": "acme/shop", "GITHUB_RUN_ID": "1", "GITHUB_WORKFLOW": "Deploy"}

# Text as people (and attackers) write it: any characters, control ones included, and
# shapes that are nearly right for the input.
ODD_TEXT = st.one_of(
    st.text(max_size=60),
    st.text(alphabet=st.characters(codec="utf-8"), min_size=1, max_size=300),
    st.sampled_from(
        [
            "9999-12-31T23:59:59-01:00",
            "0001-01-01T00:00:00+01:00",
            "true",
            "false",
            "1e308",
            "nan",
            "-0",
            "Region: [[[[[[[[[[x]]]]]]]]]]",
            "a: " + "[" * 5000,
            "{" * 3000,
            "http://user:pass@127.0.0.1/",
            "https://" + "a" * 3000 + ".test",
            "https://" + "a" * 70 + ".test",
            "https://api.rootly.com/?q=1",
            "../../v1/users?x=",
            "k=v\n::warning::x",
            ",".join(f"svc{n}" for n in range(150)),
            "\x00\r\n\u2028",
        ]
    ),
)
INPUTS = st.dictionaries(st.sampled_from(sorted(set(INPUT_DEFAULTS) - {"api-token"})), ODD_TEXT)


def act(inputs: dict[str, str], token: str = TOKEN) -> tuple[int, RecordingRunner]:
    runner = RecordingRunner({**inputs, "api-token": token})
    clock = FakeClock()
    rootly = RootlyStandIn(token=TOKEN)  # answering in-process, as it does end to end
    try:
        code = run(runner, ENV, Seams(rootly.transport(), clock.sleep, clock))
    finally:
        rootly.stop()
    return code, runner


@settings(
    max_examples=150, deadline=None, derandomize=True, suppress_health_check=[HealthCheck.too_slow]
)
@given(INPUTS)
@example({"started-at": "9999-12-31T23:59:59-01:00"})
@example({"form-fields": "a: " + "[" * 5000})
@example({"api-url": "https://" + "a" * 3000 + ".test"})
@example({"parent-incident-id": "../../v1/users?x="})
@example({"operation": "resolve", "dedup-key": "\x00\r\n\u2028", "message": "::warning::x"})
@example({"operation": "update", "incident-id": "abc", "labels": "k=v\n::warning::x"})
@example({"operation": "add-event", "incident-id": "../../v1/users?x=", "message": "m"})
def test_no_input_set_reaches_the_unexpected_failure_path(inputs: dict[str, str]) -> None:
    code, runner = act(inputs)
    assert code in (0, 1)
    said = [text for kind, text in runner.lines if kind in ("error", "warning")]
    assert not any("Unexpected failure" in text for text in said), said
    if code == 1:
        assert len(runner.said("error")) == 1  # one clear error


@settings(max_examples=60, deadline=None, derandomize=True)
@given(st.text(min_size=1, max_size=40).filter(lambda t: t.strip() != ""))
@example("tøken-ünïcode")
@example("abc def")
def test_any_token_is_refused_or_used_but_never_echoed(token: str) -> None:
    token = f"rootly_{token.strip()}"  # real tokens are long: no word of the log is one
    code, runner = act({"title": "x", "dry-run": "true"}, token=token)
    said = "\n".join(text for kind, text in runner.lines if kind != "mask")
    assert not any("Unexpected failure" in text for text in runner.said("error"))
    assert token not in said + "".join(runner.summary)
    if not token.isascii() or any(c.isspace() or not c.isprintable() for c in token):
        assert code == 1
        assert "input 'api-token'" in runner.said("error")[0]


def test_the_cases_a_security_review_found_are_each_named() -> None:
    cases = {
        "started-at": ("9999-12-31T23:59:59-01:00", "between the years 1 and 9999"),
        "form-fields": ("a: " + "[" * 5000, "nests too deeply"),
        "api-url": ("https://" + "a" * 3000 + ".test", "at most 2048 characters"),
        "parent-incident-id": ("../../v1/users?x=", "expected an incident ID or slug"),
        "services": (",".join(f"svc{n}" for n in range(150)), "at most 100 are taken"),
    }
    for name, (value, reason) in cases.items():
        code, runner = act({name: value})
        assert code == 1, name
        message = runner.said("error")[0]
        assert f"input '{name}'" in message and reason in message, message
    code, runner = act({"api-url": "http://admin:hunter2@127.0.0.1:9/"})
    assert code == 1
    message = runner.said("error")[0]
    assert "user name or password" in message
    assert "hunter2" not in message
