"""End to end: proxies and private certificate authorities, as self-hosted runners have them."""

from __future__ import annotations

import threading
from collections.abc import Iterator
from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer
from pathlib import Path

import pytest
import trustme
from action_harness import ActionHarness

from rootly_standin import RootlyStandIn


class RecordingProxy:
    """An HTTP proxy that records what reaches it and answers 502 to everything."""

    def __init__(self) -> None:
        self.seen: list[str] = []
        proxy = self

        class Handler(BaseHTTPRequestHandler):
            def _record(self) -> None:
                proxy.seen.append(f"{self.command} {self.path} {dict(self.headers)}")
                self.send_error(502)

            do_GET = do_POST = do_PUT = do_CONNECT = _record

            def log_message(self, *args: object) -> None:
                return

        self._server = ThreadingHTTPServer(("127.0.0.1", 0), Handler)
        threading.Thread(target=self._server.serve_forever, daemon=True).start()
        self.url = f"http://127.0.0.1:{self._server.server_address[1]}"

    def close(self) -> None:
        self._server.shutdown()
        self._server.server_close()


@pytest.fixture
def proxy() -> Iterator[RecordingProxy]:
    recording = RecordingProxy()
    yield recording
    recording.close()


def test_a_loopback_api_never_goes_through_the_proxy(
    action: ActionHarness, rootly: RootlyStandIn, proxy: RecordingProxy
) -> None:
    proxies = {name: proxy.url for name in ("HTTP_PROXY", "http_proxy", "ALL_PROXY")}

    run = action.run({"title": "Through no proxy"}, env=proxies)

    assert run.exit_code == 0, run.stdout
    assert proxy.seen == []  # the proxy would have read the token in clear
    assert len(rootly.incidents) == 1


def test_a_private_ca_in_the_workspace_is_trusted_through_ssl_cert_file(
    tmp_path: Path, tls_rootly: RootlyStandIn, ca: trustme.CA
) -> None:
    action = ActionHarness(tmp_path, tls_rootly)
    assert tls_rootly.url.startswith("https://127.0.0.1:")

    run = action.run(
        {"title": "Over TLS"},
        env={"SSL_CERT_FILE": "{workspace}/certs/ca.pem"},
        workspace_files={"certs/ca.pem": ca.cert_pem.bytes()},
    )

    assert run.exit_code == 0, run.stdout
    assert tls_rootly.incidents[0]["attributes"]["title"] == "Over TLS"


def test_an_untrusted_certificate_says_how_to_trust_it(
    tmp_path: Path, tls_rootly: RootlyStandIn
) -> None:
    run = ActionHarness(tmp_path, tls_rootly).run({"title": "Over TLS"})

    assert run.exit_code == 1
    assert "TLS certificate is not trusted" in run.error.message
    assert "SSL_CERT_FILE" in run.error.message
    assert tls_rootly.incidents == []


def test_an_unreadable_ca_bundle_is_named(tmp_path: Path, tls_rootly: RootlyStandIn) -> None:
    run = ActionHarness(tmp_path, tls_rootly).run(
        {"title": "Over TLS"}, env={"SSL_CERT_FILE": "{workspace}/no-such-ca.pem"}
    )

    assert run.exit_code == 1
    assert "SSL_CERT_FILE" in run.error.message
    assert "no-such-ca.pem" in run.error.message
    assert tls_rootly.requests == []


REMOTE = "https://rootly.example.test"  # not loopback, so proxy variables apply to it


def test_a_proxy_that_refuses_the_tunnel_is_named_as_the_proxy(
    action: ActionHarness, rootly: RootlyStandIn, proxy: RecordingProxy
) -> None:
    with_password = proxy.url.replace("http://", "http://ci-user:s3cret@")

    run = action.run(
        {"title": "Through a proxy", "api-url": REMOTE}, env={"HTTPS_PROXY": with_password}
    )

    assert run.exit_code == 1
    assert run.error.title == "The proxy refused the connection"
    message = run.error.message
    assert message.startswith(f"The proxy refused to connect to Rootly at {REMOTE} (HTTPS_PROXY=")
    assert "***@127.0.0.1" in message
    assert "s3cret" not in run.stdout + run.summary
    assert "Rootly was not reached" in message
    assert "broke" not in message
    assert proxy.seen and proxy.seen[0].startswith("CONNECT rootly.example.test:443")


@pytest.mark.parametrize(
    ("variable", "value", "said"),
    [
        ("ALL_PROXY", "socks5://127.0.0.1:1080", "socksio"),
        ("HTTPS_PROXY", "ftp://127.0.0.1:21", "Unknown scheme for proxy URL"),
    ],
    ids=["socks without support", "unknown scheme"],
)
def test_unusable_proxy_settings_name_the_variable(
    variable: str, value: str, said: str, action: ActionHarness, rootly: RootlyStandIn
) -> None:
    run = action.run({"title": "Through a proxy", "api-url": REMOTE}, env={variable: value})

    assert run.exit_code == 1
    assert run.error.title == "The proxy settings cannot be used"
    assert f"({variable}={value!r}: " in run.error.message
    assert said in run.error.message
    assert "unexpectedly" not in run.error.message


def test_localhost_is_loopback_too_and_never_goes_through_the_proxy(
    action: ActionHarness, rootly: RootlyStandIn, proxy: RecordingProxy
) -> None:
    local = rootly.url.replace("127.0.0.1", "localhost")
    proxies = {name: proxy.url for name in ("HTTP_PROXY", "http_proxy", "ALL_PROXY")}

    run = action.run({"title": "Through no proxy", "api-url": local}, env=proxies)

    assert run.exit_code == 0, run.stdout
    assert proxy.seen == []  # the proxy would have read the token in clear
    assert len(rootly.incidents) == 1
