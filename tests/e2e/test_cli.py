"""The command line: `python -m rootly_incident_action`, for local use and other CI systems."""

from __future__ import annotations

import os
import subprocess
import sys
from pathlib import Path

from action_harness import coverage_variables

from rootly_standin import RootlyStandIn, stable_id


def cli(args: list[str], env: dict[str, str]) -> subprocess.CompletedProcess[str]:
    # No GITHUB_* variables: this is someone's terminal, or another CI system.
    base = {
        **coverage_variables(),
        "PATH": os.environ.get("PATH", ""),
        "HOME": os.environ.get("HOME", "/tmp"),
    }
    return subprocess.run(
        [sys.executable, "-m", "rootly_incident_action", *args],
        env={**base, **env},
        capture_output=True,
        text=True,
        timeout=60,
        check=False,
    )


def test_the_cli_declares_an_incident_and_prints_the_outputs(
    rootly: RootlyStandIn, tmp_path: Path
) -> None:
    summary = tmp_path / "summary.md"
    service = stable_id("services", "auth")
    done = cli(
        [
            "--api-url",
            rootly.url,
            "--title",
            "Nightly ETL failed",
            "--services",
            service,
            "--summary-file",
            str(summary),
        ],
        {"ROOTLY_API_TOKEN": rootly.token},
    )
    assert done.returncode == 0, done.stderr
    incident = rootly.incidents[0]
    assert f"incident-id={incident['id']}" in done.stdout.splitlines()
    assert incident["attributes"]["title"] == "Nightly ETL failed"
    assert incident["attributes"]["services"][0]["data"]["id"] == service
    assert incident["attributes"]["url"] in summary.read_text()
    assert rootly.token not in done.stdout + done.stderr
    assert "::" not in done.stdout  # no workflow commands in a terminal


def test_the_cli_reports_bad_input_in_plain_words(rootly: RootlyStandIn) -> None:
    token = {"ROOTLY_API_TOKEN": "rootly_0f9e8d7c6b5a"}
    done = cli(["--api-url", rootly.url, "--dry-run", "maybe"], token)
    assert done.returncode == 1
    assert done.stderr.startswith("error: Invalid input: --dry-run: 'maybe' is not valid")
    assert rootly.requests == []


def test_the_cli_dry_run_needs_no_server() -> None:
    done = cli(["--title", "x", "--dry-run"], {"ROOTLY_API_TOKEN": "tok-abc-123"})
    assert done.returncode == 0, done.stderr
    assert "POST https://api.rootly.com/v1/incidents" in done.stdout
    assert "tok-abc-123" not in done.stdout + done.stderr


def test_list_catalog_prints_names_slugs_and_ids_of_the_kinds_asked(rootly: RootlyStandIn) -> None:
    done = cli(
        ["--api-url", rootly.url, "--list-catalog", "services", "form_fields"],
        {"ROOTLY_API_TOKEN": rootly.token},
    )
    assert done.returncode == 0, done.stderr
    lines = done.stdout.splitlines()
    assert lines[0] == f"Services ({len(rootly.catalog.entries['services'])})"
    assert lines[1].split() == ["name", "slug", "id"]
    payments = next(line for line in lines if line.startswith("Payments "))
    assert payments.split()[-2:] == ["payments", stable_id("services", "payments")]
    assert any(line.startswith("Form fields (") for line in lines)
    region = next(line for line in lines if line.startswith("Region "))
    assert "select" in region and "eu-west, us-east, ap-south" in region
    severity = next(line for line in lines if line.startswith("Severity "))
    assert "built-in (severity)" in severity
    owners = next(line for line in lines if line.startswith("Release owners "))
    assert "multi_select of user" in owners
    # Every page was read: more than 100 services.
    assert len([line for line in lines if "Internal tool" in line]) == 110


def test_list_catalog_says_clearly_when_the_token_is_refused(rootly: RootlyStandIn) -> None:
    done = cli(
        ["--api-url", rootly.url, "--list-catalog", "teams"], {"ROOTLY_API_TOKEN": "wrong-token"}
    )
    assert done.returncode == 1
    assert done.stderr.startswith("error: Rootly refused the API token: ")
    assert done.stderr.rstrip().endswith("Listing changes nothing in Rootly.")
    assert "wrong-token" not in done.stdout + done.stderr


def test_list_catalog_checks_the_settings_it_uses(rootly: RootlyStandIn) -> None:
    done = cli(["--api-url", "ftp://x", "--list-catalog"], {"ROOTLY_API_TOKEN": rootly.token})
    assert done.returncode == 1
    assert "input 'api-url'" in done.stderr
    assert rootly.requests == []


def test_the_cli_resolves_by_key_with_the_same_operations(
    rootly: RootlyStandIn, tmp_path: Path
) -> None:
    token = {"ROOTLY_API_TOKEN": rootly.token}
    declared = cli(
        ["--api-url", rootly.url, "--title", "Deploy failed", "--dedup-key", "deploy-production"],
        token,
    )
    assert declared.returncode == 0, declared.stderr

    done = cli(
        ["--api-url", rootly.url, "--operation", "resolve", "--dedup-key", "deploy-production"],
        token,
    )
    again = cli(
        ["--api-url", rootly.url, "--operation", "resolve", "--dedup-key", "deploy-production"],
        token,
    )

    assert done.returncode == again.returncode == 0, done.stderr
    incident = rootly.incidents[0]["attributes"]
    assert incident["status"] == "resolved"
    assert incident["resolution_message"] == "Resolved by rootly-incident-action."
    assert "changed=true" in done.stdout.splitlines()
    assert "changed=false" in again.stdout.splitlines()
    assert "No open incident carries the dedup key 'deploy-production'" in again.stdout


def test_help_describes_every_option_in_action_ymls_words() -> None:
    from action_harness import action_metadata

    done = cli(["--help"], {"COLUMNS": "2000"})

    assert done.returncode == 0
    text = " ".join(done.stdout.split())
    for name, spec in action_metadata()["inputs"].items():
        assert f"--{name}" in text
        assert " ".join(spec["description"].split()) in text, name
    assert "{create,update,add-event,mitigate,resolve,cancel,pulse,alert}" in text


def test_without_a_token_the_terminal_is_told_how_to_give_one() -> None:
    done = cli(["--title", "x"], {})

    assert done.returncode == 1
    assert done.stderr.startswith("error: no Rootly API token: set ROOTLY_API_TOKEN")
    assert "${{" not in done.stdout + done.stderr  # no workflow syntax in a terminal
